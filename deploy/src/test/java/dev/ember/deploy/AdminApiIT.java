package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The admin APIs answer as Cinder (Zed) does, compared with the captured exchanges: user messages written by a
 * failed schedule, services enable/disable/freeze/thaw (a frozen backend refuses changes, the scheduler skips a
 * disabled one), os-hosts, capabilities, clusters and extensions; members of other projects are refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminApiIT {

    private static final String PROJECT = "golden";
    private static final String BACKEND = "cinder-ref@fake";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private InJvmCluster cluster;
    private Http admin;
    private Http member;

    @BeforeAll
    void start() throws Exception {
        cluster = new InJvmCluster(Map.of()).startApi().startScheduler("cinder-ref");
        cluster.startVolume("cinder-ref", "fake", Map.of("volume_driver", "noop", "volume_backend_name", "fake"));
        admin = cluster.http().as("admin:" + PROJECT);
        member = cluster.http().as("alice:" + PROJECT);
        Await.until("the fake backend's pool", WAIT,
                () -> admin.get(v3("/scheduler-stats/get_pools")).body().contains(BACKEND + "#fake"));
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String v3(String path) {
        return "/v3/" + PROJECT + path;
    }

    private String createVolume(Http as, String body) {
        Http.Response r = as.post(v3("/volumes"), body);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().get("volume").get("id").asString();
    }

    private String awaitStatus(String id, Set<String> wanted) {
        return Await.value("volume " + id + " in " + wanted, WAIT,
                () -> admin.get(v3("/volumes/" + id)).json().get("volume").get("status").asString(), wanted::contains);
    }

    @Test
    @Order(1)
    void aFailedScheduleLeavesAUserMessage() {
        admin.post(v3("/types"), "{\"volume_type\": {\"name\": \"nowhere\", \"extra_specs\": "
                + "{\"volume_backend_name\": \"absent\"}}}");
        String first = createVolume(admin, "{\"volume\": {\"size\": 1, \"volume_type\": \"nowhere\"}}");
        String second = createVolume(admin, "{\"volume\": {\"size\": 1, \"volume_type\": \"nowhere\"}}");
        awaitStatus(first, Set.of("error"));
        awaitStatus(second, Set.of("error"));

        Golden.assertMatches("messages-list@3.0-404", admin.get(v3("/messages")), PROJECT, Set.of());
        Http v33 = admin.withVersion("3.3");
        JsonNode list = Await.value("two messages", WAIT, () -> v33.get(v3("/messages")).json().get("messages"),
                m -> m.size() == 2);
        // Newest first, as Cinder sorts them.
        assertThat(list.get(0).get("resource_uuid").asString()).isEqualTo(second);
        Golden.assertNodeMatches("messages-list@3.3", "messages[0]", list.get(0), PROJECT, Set.of("guaranteed_until"));
        String messageId = list.get(1).get("id").asString();

        Http.Response filtered = admin.withVersion("3.70").get(v3("/messages?resource_uuid=" + first));
        Golden.assertMatches("messages-list@3.70", filtered, PROJECT, Set.of("messages[0].guaranteed_until"));
        Golden.assertMatches("messages-show@3.3", v33.get(v3("/messages/" + messageId)), PROJECT,
                Set.of("message.guaranteed_until"));
        // Paging from 3.5: limit and a marker, with a next link.
        JsonNode page = admin.withVersion("3.5").get(v3("/messages?limit=1")).json();
        assertThat(page.get("messages")).hasSize(1);
        assertThat(page.get("messages_links").get(0).get("href").asString()).contains("marker=" + list.get(0).get("id").asString());

        // Another project sees none of them, and cannot read or delete one by id.
        Http stranger = cluster.http().as("mallory:elsewhere").withVersion("3.3");
        assertThat(stranger.get("/v3/elsewhere/messages").json().get("messages")).isEmpty();
        assertThat(stranger.get("/v3/elsewhere/messages/" + messageId).status()).isEqualTo(404);
        assertThat(stranger.delete("/v3/elsewhere/messages/" + messageId).status()).isEqualTo(404);

        Golden.assertMatches("messages-delete@3.3", v33.delete(v3("/messages/" + messageId)), PROJECT, Set.of());
        Http.Response gone = v33.get(v3("/messages/" + messageId));
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().get("itemNotFound").get("message").asString())
                .isEqualTo("Message " + messageId + " could not be found.");
    }

    @Test
    @Order(2)
    void hostsAndCapabilitiesAnswerAsCinder() {
        String a = createVolume(admin, "{\"volume\": {\"size\": 1}}");
        String b = createVolume(admin, "{\"volume\": {\"size\": 2}}");
        awaitStatus(a, Set.of("available"));
        awaitStatus(b, Set.of("available"));

        Http.Response hosts = admin.get(v3("/os-hosts"));
        assertThat(hosts.status()).isEqualTo(200);
        JsonNode list = hosts.json().get("hosts");
        assertThat(list).hasSize(2);
        Golden.assertNodeMatches("os-hosts", "hosts[0]", list.get(0), PROJECT, Set.of());
        Golden.assertNodeMatches("os-hosts", "hosts[1]", list.get(1), PROJECT, Set.of());
        assertThat(admin.get(v3("/os-hosts?service=cinder-volume")).json().get("hosts")).hasSize(1);
        assertThat(admin.get(v3("/os-hosts?zone=elsewhere")).json().get("hosts")).isEmpty();

        // Two volumes of 1 and 2 GB in one project: the golden's very numbers.
        Golden.assertMatches("os-hosts-show", admin.get(v3("/os-hosts/" + BACKEND)), PROJECT, Set.of());
        Http.Response unknown = admin.get(v3("/os-hosts/nowhere@none"));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("itemNotFound").get("message").asString()).isEqualTo("Host not found");

        // Our noop driver names its own version and protocol where Cinder's fake driver names its.
        Golden.assertMatches("capabilities-fake", admin.get(v3("/capabilities/" + BACKEND)), PROJECT,
                Set.of("driver_version", "storage_protocol"));
        assertThat(admin.get(v3("/capabilities/nowhere")).json().get("itemNotFound").get("message").asString())
                .isEqualTo("Can't find service: nowhere");

        Golden.assertMatches("backends-cluster-list@3.7", admin.withVersion("3.7").get(v3("/clusters")), PROJECT,
                Set.of());
        assertThat(admin.get(v3("/clusters")).status()).isEqualTo(404);
        assertThat(admin.withVersion("3.7").get(v3("/clusters/c1")).status()).isEqualTo(404);

        JsonNode extensions = admin.get(v3("/extensions")).json().get("extensions");
        List<String> aliases = new java.util.ArrayList<>();
        extensions.forEach(e -> aliases.add(e.get("alias").asString()));
        assertThat(aliases).contains("os-services", "os-hosts", "capabilities", "qos-specs", "os-quota-sets")
                .doesNotContain("backups", "consistencygroups", "encryption");
        // Each listed extension is Cinder's own entry, byte for byte.
        JsonNode cinder = Golden.sample("extensions").get("response").get("body").get("extensions");
        for (JsonNode ours : extensions) {
            boolean same = false;
            for (JsonNode theirs : cinder) {
                same |= theirs.equals(ours);
            }
            assertThat(same).as(ours.toString()).isTrue();
        }
        for (String path : List.of("/os-hosts", "/os-hosts/" + BACKEND, "/capabilities/" + BACKEND)) {
            Http.Response refused = member.get(v3(path));
            assertThat(refused.status()).as(path).isEqualTo(403);
        }
    }

    @Test
    @Order(3)
    void servicesAreDisabledEnabledFrozenAndThawed() {
        String body = "{\"host\": \"" + BACKEND + "\", \"binary\": \"cinder-volume\"}";
        Http.Response disabled = admin.put(v3("/os-services/disable"), body);
        assertThat(disabled.status()).as(disabled.body()).isEqualTo(200);
        assertThat(disabled.body()).isEqualTo("{\"disabled\": true, \"host\": \"" + BACKEND
                + "\", \"service\": \"\", \"binary\": \"cinder-volume\", \"status\": \"disabled\"}");
        // A disabled backend gets no new volumes.
        String refused = createVolume(admin, "{\"volume\": {\"size\": 1}}");
        awaitStatus(refused, Set.of("error"));

        Http.Response reason = admin.put(v3("/os-services/disable-log-reason"), "{\"host\": \"" + BACKEND
                + "\", \"binary\": \"cinder-volume\", \"disabled_reason\": \"maintenance\"}");
        assertThat(reason.body()).isEqualTo("{\"disabled\": true, \"disabled_reason\": \"maintenance\", \"host\": \""
                + BACKEND + "\", \"service\": \"\", \"binary\": \"cinder-volume\", \"status\": \"disabled\"}");
        JsonNode service = volumeService();
        assertThat(service.get("status").asString()).isEqualTo("disabled");
        assertThat(service.get("disabled_reason").asString()).isEqualTo("maintenance");

        Http.Response enabled = admin.put(v3("/os-services/enable"), body);
        assertThat(enabled.body()).isEqualTo("{\"disabled_reason\": null, \"disabled\": false, \"host\": \"" + BACKEND
                + "\", \"service\": \"\", \"binary\": \"cinder-volume\", \"status\": \"enabled\"}");
        assertThat(volumeService().get("disabled_reason").isNull()).isTrue();

        assertThat(error(admin.put(v3("/os-services/enable"), "{\"binary\": \"cinder-volume\"}")))
                .isEqualTo("Invalid input received: Host field is missing.");
        assertThat(error(admin.put(v3("/os-services/disable-log-reason"), "{\"host\": \"" + BACKEND
                + "\", \"binary\": \"cinder-volume\", \"disabled_reason\": \"   \"}")))
                .isEqualTo("Disabled reason contains invalid characters or is too long");
        assertThat(error(admin.put(v3("/os-services/reboot"), body))).isEqualTo("Invalid input received: Unknown action");
        Http.Response missing = admin.put(v3("/os-services/disable"), "{\"host\": \"nowhere\", \"binary\": \"cinder-volume\"}");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(member.put(v3("/os-services/disable"), body).status()).isEqualTo(403);

        // Freeze: the backend is frozen and disabled ("frozen"), and refuses changes; thaw undoes both.
        String volume = createVolume(admin, "{\"volume\": {\"size\": 1}}");
        awaitStatus(volume, Set.of("available"));
        Http.Response frozen = admin.put(v3("/os-services/freeze"), "{\"host\": \"cinder-ref\"}");
        assertThat(frozen.status()).as(frozen.body()).isEqualTo(200);
        service = volumeService();
        assertThat(service.get("frozen").asBoolean()).isTrue();
        assertThat(service.get("status").asString()).isEqualTo("disabled");
        assertThat(service.get("disabled_reason").asString()).isEqualTo("frozen");
        String frozenMessage = "Invalid input received: Modification operations are not allowed on frozen storage backends.";
        assertThat(error(admin.delete(v3("/volumes/" + volume)))).isEqualTo(frozenMessage);
        assertThat(error(admin.post(v3("/snapshots"), "{\"snapshot\": {\"volume_id\": \"" + volume + "\"}}")))
                .isEqualTo(frozenMessage);
        assertThat(error(admin.put(v3("/os-services/freeze"), "{\"host\": \"cinder-ref\"}"))).isEqualTo(
                "Invalid input received: No service could be changed: frozen in ['" + BACKEND + "'] must be False to failover.");
        assertThat(error(admin.put(v3("/os-services/freeze"), "{\"host\": \"nowhere\"}")))
                .isEqualTo("Invalid input received: No service found with host=nowhere");

        assertThat(admin.put(v3("/os-services/thaw"), "{\"host\": \"cinder-ref\"}").status()).isEqualTo(200);
        service = volumeService();
        assertThat(service.get("frozen").asBoolean()).isFalse();
        assertThat(service.get("status").asString()).isEqualTo("enabled");
        assertThat(admin.delete(v3("/volumes/" + volume)).status()).isEqualTo(202);

        // os-hosts update acts on every service of the host.
        Http.Response hostDisabled = admin.put(v3("/os-hosts/cinder-ref"), "{\"status\": \"disable\"}");
        assertThat(hostDisabled.body()).isEqualTo("{\"host\": \"cinder-ref\", \"status\": \"disabled\"}");
        assertThat(volumeService().get("status").asString()).isEqualTo("disabled");
        assertThat(error(admin.put(v3("/os-hosts/cinder-ref"), "{\"status\": \"sideways\"}")))
                .isEqualTo("Invalid status: 'sideways'");
        assertThat(error(admin.put(v3("/os-hosts/cinder-ref"), "{\"colour\": \"red\"}")))
                .isEqualTo("Invalid update setting: 'colour'");
        admin.put(v3("/os-hosts/cinder-ref"), "{\"status\": \"enable\"}");
        assertThat(volumeService().get("status").asString()).isEqualTo("enabled");
    }

    private JsonNode volumeService() {
        JsonNode services = admin.get(v3("/os-services?binary=cinder-volume")).json().get("services");
        assertThat(services).hasSize(1);
        return services.get(0);
    }

    private static String error(Http.Response r) {
        assertThat(r.status()).as(r.body()).isBetween(400, 499);
        JsonNode body = r.json();
        return body.properties().iterator().next().getValue().get("message").asString();
    }
}
