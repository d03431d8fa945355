package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * The refusals clients see, with Cinder's codes, fault names, messages and headers: an unknown id of every
 * resource kind (404 itemNotFound), a request in the wrong state (400 badRequest, compared with the captured
 * Cinder exchanges), bad microversions (400 / 406 computeFault / 404 for a method not yet available) and a
 * non-admin on the admin APIs (403 "Policy doesn't allow {rule} to be performed.").
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NegativePathsIT {

    private static final String PROJECT = "neg";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String MISSING = "7d4c6c1e-0000-4000-8000-00000000dead";

    private InJvmCluster cluster;
    private Http admin;
    private Http user;
    private String volume;
    private String snapshot;
    private String type;

    @BeforeAll
    void start() throws Exception {
        cluster = new InJvmCluster(Map.of()).startApi().startScheduler("neg-node");
        cluster.startVolume("neg-node", "fake", Map.of("volume_driver", "noop", "volume_backend_name", "fake"));
        admin = cluster.http().as("admin:" + PROJECT);
        user = cluster.http().as("alice:" + PROJECT);
        Await.until("the fake backend's pool", WAIT,
                () -> admin.get(v3("/scheduler-stats/get_pools")).body().contains("neg-node@fake#fake"));
        Http.Response createdType = admin.post(v3("/types"), "{\"volume_type\": {\"name\": \"neg-type\"}}");
        assertThat(createdType.status()).as(createdType.body()).isEqualTo(200);
        type = createdType.json().get("volume_type").get("id").asString();
        Http.Response created = user.post(v3("/volumes"),
                "{\"volume\": {\"size\": 2, \"name\": \"neg\", \"volume_type\": \"" + type + "\"}}");
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        volume = created.json().get("volume").get("id").asString();
        Await.until("volume available", WAIT, () -> "available".equals(status("/volumes/" + volume, "volume")));
        Http.Response snap = user.post(v3("/snapshots"), "{\"snapshot\": {\"volume_id\": \"" + volume + "\"}}");
        assertThat(snap.status()).as(snap.body()).isEqualTo(202);
        snapshot = snap.json().get("snapshot").get("id").asString();
        Await.until("snapshot available", WAIT, () -> "available".equals(status("/snapshots/" + snapshot, "snapshot")));
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** One request for an id that does not exist, and Cinder's NotFound message for it. */
    private record Missing(String method, String path, String version, String body, String message) {
        static Missing get(String path, String message) {
            return new Missing("GET", path, null, null, message);
        }
    }

    @Test
    void unknownIdsOfEveryKindAre404ItemNotFound() {
        List<Missing> table = List.of(
                Missing.get("/volumes/" + MISSING, "Volume " + MISSING + " could not be found."),
                new Missing("DELETE", "/volumes/" + MISSING, null, null, "Volume " + MISSING + " could not be found."),
                new Missing("PUT", "/volumes/" + MISSING, null, "{\"volume\": {\"name\": \"x\"}}",
                        "Volume " + MISSING + " could not be found."),
                new Missing("POST", "/volumes/" + MISSING + "/action", null, "{\"os-extend\": {\"new_size\": 3}}",
                        "Volume " + MISSING + " could not be found."),
                Missing.get("/volumes/" + MISSING + "/metadata", "Volume " + MISSING + " could not be found."),
                Missing.get("/volumes/" + volume + "/metadata/nokey",
                        "Volume " + volume + " has no metadata with key nokey."),
                Missing.get("/snapshots/" + MISSING, "Snapshot " + MISSING + " could not be found."),
                new Missing("DELETE", "/snapshots/" + MISSING, null, null, "Snapshot " + MISSING + " could not be found."),
                Missing.get("/snapshots/" + snapshot + "/metadata/nokey",
                        "Snapshot " + snapshot + " has no metadata with key nokey."),
                new Missing("POST", "/snapshots", null, "{\"snapshot\": {\"volume_id\": \"" + MISSING + "\"}}",
                        "Volume " + MISSING + " could not be found."),
                Missing.get("/types/" + MISSING, "Volume type " + MISSING + " could not be found."),
                new Missing("DELETE", "/types/" + MISSING, null, null, "Volume type " + MISSING + " could not be found."),
                Missing.get("/types/" + type + "/extra_specs/nokey",
                        "Volume Type " + type + " has no extra specs with key nokey."),
                Missing.get("/qos-specs/" + MISSING, "No such QoS spec " + MISSING + "."),
                new Missing("DELETE", "/qos-specs/" + MISSING, null, null, "No such QoS spec " + MISSING + "."),
                new Missing("GET", "/messages/" + MISSING, "3.3", null, "Message " + MISSING + " could not be found."),
                new Missing("GET", "/attachments/" + MISSING, "3.27", null,
                        "Volume attachment could not be found with filter: attachment_id = " + MISSING + "."),
                new Missing("POST", "/volumes", null,
                        "{\"volume\": {\"size\": 1, \"volume_type\": \"" + MISSING + "\"}}",
                        "Volume type " + MISSING + " could not be found."),
                new Missing("POST", "/volumes", null, "{\"volume\": {\"size\": 1, \"volume_type\": \"no-such-type\"}}",
                        "Volume type with name no-such-type could not be found."),
                new Missing("POST", "/volumes", null, "{\"volume\": {\"size\": 1, \"snapshot_id\": \"" + MISSING + "\"}}",
                        "Snapshot " + MISSING + " could not be found."),
                new Missing("POST", "/volumes", null, "{\"volume\": {\"size\": 1, \"source_volid\": \"" + MISSING + "\"}}",
                        "Volume " + MISSING + " could not be found."));
        for (Missing row : table) {
            Http client = row.version() == null ? admin : admin.withVersion(row.version());
            Map<String, String> headers = row.body() == null ? Map.of() : Map.of("Content-Type", "application/json");
            Http.Response response = client.send(row.method(), v3(row.path()), row.body(), headers);
            String what = row.method() + " " + row.path();
            assertThat(response.status()).as(what + ": " + response.body()).isEqualTo(404);
            JsonNode fault = response.json().get("itemNotFound");
            assertThat(fault).as(what + ": " + response.body()).isNotNull();
            assertThat(fault.get("code").asInt()).as(what).isEqualTo(404);
            assertThat(fault.get("message").asString()).as(what).isEqualTo(row.message());
            assertThat(response.header("OpenStack-API-Version")).as(what)
                    .isEqualTo("volume " + (row.version() == null ? "3.0" : row.version()));
            assertThat(response.header("x-openstack-request-id")).as(what).startsWith("req-");
        }
        // another project's volume is as unknown as a missing one
        Http.Response foreign = cluster.http().as("mallory:elsewhere").get("/v3/elsewhere/volumes/" + volume);
        assertThat(foreign.status()).as(foreign.body()).isEqualTo(404);
        assertThat(foreign.json().get("itemNotFound").get("message").asString())
                .isEqualTo("Volume " + volume + " could not be found.");
    }

    @Test
    void wrongStatesAre400WithCindersMessages() {
        // a volume with a snapshot cannot be deleted
        Golden.assertMatches("volume-delete-with-snapshot-400", admin.delete(v3("/volumes/" + volume)), PROJECT,
                Set.of());
        // extend must grow the volume
        Golden.assertMatches("action-os-extend-smaller-400",
                admin.post(v3("/volumes/" + volume + "/action"), "{\"os-extend\": {\"new_size\": 1}}"), PROJECT, Set.of());
        // a type in use cannot be deleted
        Golden.assertMatches("type-delete-in-use-400", admin.delete(v3("/types/" + type)), PROJECT, Set.of());
        // retype to the type the volume already has
        Golden.assertMatches("action-os-retype-same-type-400", admin.post(v3("/volumes/" + volume + "/action"),
                "{\"os-retype\": {\"new_type\": \"" + type + "\"}}"), PROJECT, Set.of());
        // begin_detaching on a volume that is not attached
        Golden.assertMatches("action-os-begin_detaching-wrong-status-400",
                admin.post(v3("/volumes/" + volume + "/action"), "{\"os-begin_detaching\": {}}"),
                PROJECT, Set.of());
        // an unknown action
        Golden.assertMatches("action-unknown-400",
                admin.post(v3("/volumes/" + volume + "/action"), "{\"os-frobnicate\": {}}"), PROJECT, Set.of());
        // the refused requests changed nothing
        assertThat(status("/volumes/" + volume, "volume")).isEqualTo("available");
        assertThat(admin.get(v3("/volumes/" + volume)).json().get("volume").get("size").asInt()).isEqualTo(2);
    }

    @Test
    void badMicroversionsAreRefusedLikeCinder() {
        Golden.assertMatches("microversion-bad-400", cluster.http().as("admin:" + PROJECT).send("GET", v3("/volumes"),
                null, Map.of("OpenStack-API-Version", "volume 3.abc")), PROJECT, Set.of());
        Golden.assertMatches("microversion-too-high-406", admin.withVersion("3.99").get(v3("/volumes")), PROJECT,
                Set.of());
        Golden.assertMatches("microversion-other-service-400", admin.send("GET", v3("/volumes"), null,
                headersOf("microversion-other-service-400")), PROJECT, Set.of());
        // a method that exists only from a later microversion
        Golden.assertMatches("messages-list@3.0-404", admin.get(v3("/messages")), PROJECT, Set.of());
        Golden.assertMatches("attachment-list@3.26-404", admin.withVersion("3.26").get(v3("/attachments")), PROJECT,
                Set.of());
        // below the minimum
        Http.Response tooLow = admin.withVersion("2.9").get(v3("/volumes"));
        assertThat(tooLow.status()).as(tooLow.body()).isEqualTo(406);
        assertThat(tooLow.json().get("computeFault").get("message").asString())
                .isEqualTo("Version 2.9 is not supported by the API. Minimum is 3.0 and maximum is 3.70.");
        // the highest one works
        assertThat(admin.withVersion("3.70").get(v3("/volumes")).status()).isEqualTo(200);
    }

    /** A non-admin request to an admin API, and the Cinder policy rule named in the refusal. */
    private record AdminOnly(String method, String path, String version, String body, String rule) {
    }

    @Test
    void nonAdminsAreRefusedTheAdminApis() {
        List<AdminOnly> table = List.of(
                new AdminOnly("GET", "/os-services", null, null, "volume_extension:services:index"),
                new AdminOnly("PUT", "/os-services/disable", null, "{\"host\": \"neg-node\", \"binary\": \"cinder-volume\"}",
                        "volume_extension:services:update"),
                new AdminOnly("GET", "/os-hosts", null, null, "volume_extension:hosts"),
                new AdminOnly("GET", "/scheduler-stats/get_pools", null, null,
                        "scheduler_extension:scheduler_stats:get_pools"),
                new AdminOnly("GET", "/capabilities/neg-node@fake", null, null, "volume_extension:capabilities"),
                new AdminOnly("POST", "/types", null, "{\"volume_type\": {\"name\": \"mine\"}}",
                        "volume_extension:type_create"),
                new AdminOnly("DELETE", "/types/" + type, null, null, "volume_extension:type_delete"),
                new AdminOnly("POST", "/types/" + type + "/extra_specs", null, "{\"extra_specs\": {\"k\": \"v\"}}",
                        "volume_extension:types_extra_specs:create"),
                new AdminOnly("GET", "/qos-specs", null, null, "volume_extension:qos_specs_manage:get_all"),
                new AdminOnly("PUT", "/os-quota-sets/" + PROJECT, null, "{\"quota_set\": {\"volumes\": 99}}",
                        "volume_extension:quotas:update"),
                new AdminOnly("DELETE", "/os-quota-sets/" + PROJECT, null, null, "volume_extension:quotas:delete"),
                new AdminOnly("POST", "/volumes/" + volume + "/action", null,
                        "{\"os-reset_status\": {\"status\": \"error\"}}", "volume_extension:volume_admin_actions:reset_status"),
                new AdminOnly("POST", "/volumes/" + volume + "/action", null, "{\"os-force_delete\": {}}",
                        "volume_extension:volume_admin_actions:force_delete"),
                new AdminOnly("POST", "/snapshots/" + snapshot + "/action", null,
                        "{\"os-reset_status\": {\"status\": \"error\"}}",
                        "volume_extension:snapshot_admin_actions:reset_status"),
                new AdminOnly("GET", "/clusters", "3.7", null, "clusters:get_all"));
        for (AdminOnly row : table) {
            Http client = row.version() == null ? user : user.withVersion(row.version());
            Map<String, String> headers = row.body() == null ? Map.of() : Map.of("Content-Type", "application/json");
            Http.Response response = client.send(row.method(), v3(row.path()), row.body(), headers);
            String what = row.method() + " " + row.path();
            assertThat(response.status()).as(what + ": " + response.body()).isEqualTo(403);
            JsonNode fault = response.json().get("forbidden");
            assertThat(fault).as(what + ": " + response.body()).isNotNull();
            assertThat(fault.get("code").asInt()).isEqualTo(403);
            assertThat(fault.get("message").asString()).as(what)
                    .isEqualTo("Policy doesn't allow " + row.rule() + " to be performed.");
        }
        // nothing changed: the volume and snapshot kept their states, the type still exists
        assertThat(status("/volumes/" + volume, "volume")).isEqualTo("available");
        assertThat(status("/snapshots/" + snapshot, "snapshot")).isEqualTo("available");
        assertThat(admin.get(v3("/types/" + type)).status()).isEqualTo(200);
        assertThat(admin.get(v3("/os-services")).status()).isEqualTo(200);
        // a user sees no other project's quotas
        Http.Response otherQuota = user.get(v3("/os-quota-sets/someone-else"));
        assertThat(otherQuota.status()).as(otherQuota.body()).isEqualTo(403);
        assertThat(otherQuota.json().get("forbidden").get("message").asString())
                .isEqualTo("Policy doesn't allow volume_extension:quotas:show to be performed.");
    }

    private static Map<String, String> headersOf(String sample) {
        JsonNode headers = Golden.sample(sample).get("request").get("headers");
        return Map.of("OpenStack-API-Version", headers.get("OpenStack-API-Version").asString());
    }

    private String status(String path, String key) {
        return admin.get(v3(path)).json().get(key).get("status").asString();
    }

    private static String v3(String path) {
        return "/v3/" + PROJECT + path;
    }
}
