package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ember.common.json.Json;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * {@code cinder.auth-strategy=keystone} against a real Keystone (Debian's, set up by deploy/dev/keystone.sh and
 * served by a process this test starts and stops by its PID): tokens are validated and name the caller's
 * project, bad tokens get keystonemiddleware's 401, one project cannot see another's volume, the openstack CLI
 * logs in with a password and finds the API through the catalog, and while Keystone is down cached tokens keep
 * working and new ones get a 503.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeystoneAuthIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private KeystoneServer keystone;
    private InJvmCluster cluster;
    private Http api;

    @BeforeAll
    void start() throws Exception {
        Cli.assumeInstalled();
        keystone = KeystoneServer.start();
        cluster = new InJvmCluster(Map.of(
                "cinder.auth-strategy", "keystone",
                "cinder.keystone-authtoken.auth-url", keystone.url() + "/v3",
                "cinder.keystone-authtoken.password", "cinder")).startApi().startScheduler("ks-node");
        cluster.startVolume("ks-node", "fake", Map.of("volume_driver", "noop", "volume_backend_name", "fake"));
        api = cluster.http();
        keystone.catalog(api.base());
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
        if (keystone != null) {
            keystone.close();
        }
    }

    @Test
    @Order(1)
    void aValidTokenNamesTheCallersProject() {
        KeystoneServer.Token a = token("member-a", "ember-a");
        Http member = api.as(a.id());
        Http.Response list = member.get("/v3/volumes");
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        Http.Response legacy = member.get("/v3/" + a.projectId() + "/volumes");
        assertThat(legacy.status()).as(legacy.body()).isEqualTo(200);
        Http.Response other = member.get("/v3/" + token("member-b", "ember-b").projectId() + "/volumes");
        assertThat(other.status()).isEqualTo(400);
    }

    @Test
    @Order(2)
    void badOrMissingTokensGetKeystonemiddlewaresRejection() {
        String body = "{\"error\": {\"code\": 401, \"title\": \"Unauthorized\", "
                + "\"message\": \"The request you have made requires authentication.\"}}";
        for (Http caller : List.of(api.as("gAAAAABnot-a-real-token"), api.as(""))) {
            Http.Response r = caller.get("/v3/volumes");
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.json()).isEqualTo(Json.parse(body));
            assertThat(r.header("WWW-Authenticate")).isEqualTo("Keystone uri=\"" + keystone.url() + "\"");
        }
    }

    @Test
    @Order(3)
    void aMemberOfOneProjectDoesNotSeeAnothersVolume() {
        Http memberB = api.as(token("member-b", "ember-b").id());
        Http.Response created = memberB.post("/v3/volumes", "{\"volume\": {\"size\": 1, \"name\": \"of-b\"}}");
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        String id = created.json().get("volume").get("id").asString();
        Await.value("volume of B available", WAIT,
                () -> memberB.get("/v3/volumes/" + id).json().get("volume").get("status").asString(),
                Set.of("available", "error")::contains);

        Http memberA = api.as(token("member-a", "ember-a").id());
        Http.Response show = memberA.get("/v3/volumes/" + id);
        assertThat(show.status()).isEqualTo(404);
        assertThat(show.json().get("itemNotFound").get("message").asString())
                .isEqualTo("Volume " + id + " could not be found.");
        assertThat(memberA.get("/v3/volumes").body()).doesNotContain(id);
        assertThat(memberA.delete("/v3/volumes/" + id).status()).isEqualTo(404);

        Http admin = api.as(token("admin", "admin").id());
        assertThat(admin.get("/v3/volumes/" + id).status()).isEqualTo(200);
        assertThat(memberB.delete("/v3/volumes/" + id).status()).isEqualTo(202);
    }

    @Test
    @Order(4)
    void theOpenstackCliLogsInAndFindsTheApiThroughTheCatalog() {
        Cli cli = Cli.keystone(Map.of(
                "OS_AUTH_URL", keystone.url() + "/v3", "OS_IDENTITY_API_VERSION", "3",
                "OS_USERNAME", "member-a", "OS_PASSWORD", "ember", "OS_PROJECT_NAME", "ember-a",
                "OS_USER_DOMAIN_NAME", "Default", "OS_PROJECT_DOMAIN_NAME", "Default", "OS_REGION_NAME", "RegionOne"));
        // `openstack volume create` (OSC 6.0) builds a Glance client even without --image and fails without a
        // working image endpoint (there is no Glance here), so the create goes through the cinder CLI, which
        // finds Ember through the legacy volumev3 entry; show, list and delete are the openstack CLI's.
        java.util.regex.Matcher created = java.util.regex.Pattern.compile("\\|\\s+id\\s+\\|\\s+([0-9a-f-]{36})\\s+\\|")
                .matcher(cli.cinder("create", "--name", "cli-vol", "1"));
        assertThat(created.find()).isTrue();
        String id = created.group(1);
        Await.value("cli-vol available", WAIT,
                () -> cli.openstackJson("volume", "show", id).get("status").asString(), "available"::equals);
        JsonNode list = cli.openstackJson("volume", "list");
        List<String> ids = new java.util.ArrayList<>();
        list.forEach(volume -> ids.add(volume.get("ID").asString()));
        assertThat(ids).contains(id);
        cli.openstack("volume", "delete", id);
        Await.until("cli-vol gone", WAIT, () -> !cli.openstack("volume", "list", "-f", "value", "-c", "ID").contains(id));
    }

    @Test
    @Order(5)
    void whileKeystoneIsDownCachedTokensWorkAndNewOnes503() throws Exception {
        Http cached = api.as(token("member-a", "ember-a").id());
        assertThat(cached.get("/v3/volumes").status()).isEqualTo(200);
        Http fresh = api.as(token("reader-a", "ember-a").id());

        keystone.stop();
        assertThat(keystone.answers()).isFalse();

        assertThat(cached.get("/v3/volumes").status()).isEqualTo(200);
        Http.Response r = fresh.get("/v3/volumes");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.json().get("title").asString()).isEqualTo("Service Unavailable");
        assertThat(r.json().get("message").asString()).contains("The Keystone service is temporarily unavailable.");
    }

    private KeystoneServer.Token token(String user, String project) {
        return keystone.token(user, project);
    }
}
