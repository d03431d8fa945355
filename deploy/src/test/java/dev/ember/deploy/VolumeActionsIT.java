package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.common.quota.Quotas;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * Volume actions (reset-status, force-delete, bootable, read-only, retype), the metadata sub-resource, the
 * summary and the resource filters answer as Cinder (Zed) does, compared with the captured exchanges, over the real
 * roles, MariaDB and RabbitMQ with a {@code noop} backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VolumeActionsIT {

    private static final String PROJECT = "golden";
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** What names the deployment or an earlier step of the reference capture. */
    private static final Set<String> DEPLOYMENT = Set.of("volume.name", "volume.os-vol-host-attr:host",
            "volume.volume_type_id", "volume.service_uuid");

    private InJvmCluster cluster;
    private Http admin;

    @BeforeAll
    void start() throws Exception {
        cluster = new InJvmCluster(Map.of()).startApi().startScheduler("cinder-ref");
        cluster.startVolume("cinder-ref", "fake", Map.of("volume_driver", "noop", "volume_backend_name", "fake"));
        admin = cluster.http().as("admin:" + PROJECT);
        Await.until("the fake backend's pool", WAIT,
                () -> admin.get(v3("/scheduler-stats/get_pools")).body().contains("cinder-ref@fake#fake"));
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            assertThat(cluster.bean(Quotas.class).drift()).as("quota counters against what exists").isEmpty();
            cluster.close();
        }
    }

    private static String v3(String path) {
        return "/v3/" + PROJECT + path;
    }

    private String createVolume(Http as, String project, String body) {
        Http.Response r = as.post("/v3/" + project + "/volumes", body);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        String id = r.json().get("volume").get("id").asString();
        awaitVolume(as, project, id, "available");
        return id;
    }

    private JsonNode volume(Http as, String project, String id) {
        return as.get("/v3/" + project + "/volumes/" + id).json().get("volume");
    }

    private void awaitVolume(Http as, String project, String id, String status) {
        Await.until("volume " + id + " " + status, WAIT, () -> status.equals(volume(as, project, id).get("status").asString()));
    }

    private Http.Response action(String id, String body) {
        return admin.post(v3("/volumes/" + id + "/action"), body);
    }

    @Test
    void metadataEndpointsAnswerAsCinder() {
        String id = createVolume(admin, PROJECT, "{\"volume\": {\"size\": 1, \"metadata\": {\"k1\": \"v1\"}}}");
        String path = v3("/volumes/" + id + "/metadata");
        Golden.assertMatches("volume-metadata-list", admin.get(path), PROJECT, Set.of());
        // Cinder returned the keys in its database's row order; ours are in key order.
        Golden.assertMatches("volume-metadata-create", admin.post(path, "{\"metadata\": {\"k2\": \"v2\"}}"), PROJECT,
                Set.of("metadata.*"));
        Golden.assertMatches("volume-metadata-replace", admin.put(path, "{\"metadata\": {\"k1\": \"v1x\", \"k3\": \"v3\"}}"),
                PROJECT, Set.of());
        Golden.assertMatches("volume-metadata-show-key", admin.get(path + "/k1"), PROJECT, Set.of());
        Golden.assertMatches("volume-metadata-update-key", admin.put(path + "/k1", "{\"meta\": {\"k1\": \"v1y\"}}"),
                PROJECT, Set.of());
        Golden.assertMatches("volume-metadata-delete-key", admin.delete(path + "/k3"), PROJECT, Set.of());
        Golden.assertMatches("volume-metadata-show-missing-404", admin.get(path + "/nope"), PROJECT, Set.of());
        assertThat(admin.delete(path + "/nope").status()).isEqualTo(404);
        assertThat(admin.put(path + "/k1", "{\"meta\": {\"k2\": \"x\"}}").json().get("badRequest").get("message").asString())
                .isEqualTo("Request body and URI mismatch");
        assertThat(admin.put(path + "/k1", "{\"meta\": {\"k1\": \"x\", \"k2\": \"y\"}}").status()).isEqualTo(400);
        assertThat(admin.post(path, "{\"metadata\": {\"k\\u00e9\": \"v\"}}").json().get("badRequest").get("message")
                .asString()).contains("Additional properties are not allowed");
        // 3.15: the list carries an ETag, and a replace naming another version is refused.
        Http.Response listed = admin.withVersion("3.15").get(path);
        String etag = listed.header("ETag").replace("\"", "");
        assertThat(etag).hasSize(32);
        Http.Response stale = admin.withVersion("3.15").send("PUT", path, "{\"metadata\": {\"a\": \"b\"}}",
                Map.of("Content-Type", "application/json", "If-Match", "\"0123456789abcdef0123456789abcdef\""));
        assertThat(stale.status()).as(stale.body()).isEqualTo(412);
        assertThat(admin.withVersion("3.15").send("PUT", path, "{\"metadata\": {\"a\": \"b\"}}",
                Map.of("Content-Type", "application/json", "If-Match", "\"" + etag + "\"")).status()).isEqualTo(200);
        assertThat(admin.get(path).json().get("metadata").toString()).isEqualTo("{\"a\":\"b\"}");
    }

    @Test
    void actionsAnswerAsCinder() {
        String id = createVolume(admin, PROJECT, "{\"volume\": {\"size\": 2, \"name\": \"golden-v1b\", "
                + "\"metadata\": {\"k1\": \"v1y\"}}}");
        Golden.assertMatches("action-os-update_readonly_flag-off", action(id, "{\"os-update_readonly_flag\": {\"readonly\": false}}"),
                PROJECT, Set.of());
        Golden.assertMatches("action-os-update_readonly_flag", action(id, "{\"os-update_readonly_flag\": {\"readonly\": true}}"),
                PROJECT, Set.of());
        Golden.assertMatches("action-os-set_bootable", action(id, "{\"os-set_bootable\": {\"bootable\": true}}"),
                PROJECT, Set.of());
        Golden.assertMatches("action-os-set_bootable-bad-400", action(id, "{\"os-set_bootable\": {\"bootable\": \"maybe\"}}"),
                PROJECT, Set.of());
        Golden.assertMatches("action-os-reset_status", action(id, "{\"os-reset_status\": {\"status\": \"error\"}}"),
                PROJECT, Set.of());
        Golden.assertMatches("volume-show-after-actions@3.70", admin.withVersion("3.70").get(v3("/volumes/" + id)),
                PROJECT, DEPLOYMENT);
        assertThat(action(id, "{\"os-update_readonly_flag\": {\"readonly\": false}}").json().get("badRequest")
                .get("message").asString()).isEqualTo("Invalid volume: Volume " + id + " status must be available to "
                        + "update readonly flag, but current status is: error.");
        Golden.assertMatches("action-os-reset_status-back", action(id, "{\"os-reset_status\": {\"status\": \"available\"}}"),
                PROJECT, Set.of());
    }

    @Test
    void resetStatusChecksWhatCinderChecks() {
        String id = createVolume(admin, PROJECT, "{\"volume\": {\"size\": 1}}");
        assertMessage(action(id, "{\"os-reset_status\": {}}"),
                "Must specify 'status', 'attach_status' or 'migration_status' for update.");
        assertMessage(action(id, "{\"os-reset_status\": {\"status\": \"bogus\"}}"), "Volume status: bogus is invalid, "
                + "valid statuses are: ('creating', 'available', 'deleting', 'error', 'error_deleting', 'error_managing', "
                + "'managing', 'attaching', 'in-use', 'detaching', 'maintenance', 'restoring-backup', 'error_restoring', "
                + "'reserved', 'awaiting-transfer', 'backing-up', 'error_backing-up', 'error_extending', 'downloading', "
                + "'uploading', 'retyping', 'extending').");
        assertMessage(action(id, "{\"os-reset_status\": {\"attach_status\": \"glued\"}}"),
                "Volume attach status: glued is invalid, valid statuses are: ['attached', 'detached'].");
        assertMessage(action(id, "{\"os-reset_status\": {\"status\": \"deleting\"}}"), "Cannot reset-state to deleting");
        assertMessage(action(id, "{\"os-reset_status\": {\"status\": \"in-use\"}}"),
                "Cannot reset-state to in-use because volume does not have any attachments.");
        assertMessage(action(id, "{\"os-reset_status\": {\"status\": \"available\", \"bogus\": 1}}"),
                "Invalid input for field/attribute os-reset_status. Value: {'status': 'available', 'bogus': 1}. "
                        + "Additional properties are not allowed ('bogus' was unexpected)");
        Http member = cluster.http().as("member:" + PROJECT);
        Http.Response forbidden = member.post(v3("/volumes/" + id + "/action"), "{\"os-reset_status\": {\"status\": \"error\"}}");
        assertThat(forbidden.status()).isEqualTo(403);
        // Upper case is lowered, as Cinder's validate_update does.
        assertThat(action(id, "{\"os-reset_status\": {\"status\": \"ERROR\", \"migration_status\": \"none\"}}").status())
                .isEqualTo(202);
        assertThat(volume(admin, PROJECT, id).get("status").asString()).isEqualTo("error");
        assertThat(action(id, "{\"os-force_delete\": {}}").status()).isEqualTo(202);
        Await.until("force-deleted", WAIT, () -> admin.get(v3("/volumes/" + id)).status() == 404);
    }

    @Test
    void forcedDeletesTakeAnyStatusButAttached() {
        String id = createVolume(admin, PROJECT, "{\"volume\": {\"size\": 1}}");
        assertThat(action(id, "{\"os-reset_status\": {\"status\": \"maintenance\"}}").status()).isEqualTo(202);
        assertThat(admin.delete(v3("/volumes/" + id)).status()).isEqualTo(400);
        // force=true means nothing before 3.23, and is for admins only.
        assertThat(cluster.http().as("member:" + PROJECT).withVersion("3.23").delete(v3("/volumes/" + id + "?force=true"))
                .status()).isEqualTo(403);
        assertThat(admin.withVersion("3.23").delete(v3("/volumes/" + id + "?force=true")).status()).isEqualTo(202);
        Await.until("force-deleted", WAIT, () -> admin.get(v3("/volumes/" + id)).status() == 404);
    }

    @Test
    void retypeAnswersAsCinderAndKeepsTheTypeWhereTheBackendDoesNotSuit() {
        Http.Response type = admin.post(v3("/types"), "{\"volume_type\": {\"name\": \"golden-t1\", \"description\": "
                + "\"golden type\", \"extra_specs\": {\"volume_backend_name\": \"fake\"}}}");
        assertThat(type.status()).isEqualTo(200);
        String id = createVolume(admin, PROJECT, "{\"volume\": {\"size\": 1, \"name\": \"golden-v2\"}}");
        Golden.assertMatches("action-os-retype", action(id, "{\"os-retype\": {\"new_type\": \"golden-t1\", "
                + "\"migration_policy\": \"never\"}}"), PROJECT, Set.of());
        Await.until("retyped", WAIT, () -> "golden-t1".equals(volume(admin, PROJECT, id).get("volume_type").asString()));
        awaitVolume(admin, PROJECT, id, "available");
        Golden.assertMatches("volume-show-after-retype@3.70", admin.withVersion("3.70").get(v3("/volumes/" + id)),
                PROJECT, DEPLOYMENT);
        Golden.assertMatches("action-os-retype-same-type-400", action(id, "{\"os-retype\": {\"new_type\": \"golden-t1\"}}"),
                PROJECT, Set.of());
        JsonNode usage = admin.get(v3("/os-quota-sets/" + PROJECT + "?usage=true")).json().get("quota_set");
        assertThat(usage.get("volumes_golden-t1").get("in_use").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(usage.get("volumes_golden-t1").get("reserved").asInt()).isZero();

        // A type whose backend name no backend reports: the scheduler refuses, the volume keeps its type.
        assertThat(admin.post(v3("/types"), "{\"volume_type\": {\"name\": \"golden-nomatch\", \"extra_specs\": "
                + "{\"volume_backend_name\": \"nomatch\"}}}").status()).isEqualTo(200);
        assertThat(action(id, "{\"os-retype\": {\"new_type\": \"golden-nomatch\"}}").status()).isEqualTo(202);
        Await.until("retype refused", WAIT, () -> "available".equals(volume(admin, PROJECT, id).get("status").asString()));
        assertThat(volume(admin, PROJECT, id).get("volume_type").asString()).isEqualTo("golden-t1");
        JsonNode after = admin.get(v3("/os-quota-sets/" + PROJECT + "?usage=true")).json().get("quota_set");
        assertThat(after.get("volumes_golden-nomatch").get("reserved").asInt()).isZero();
        assertThat(after.get("volumes_golden-nomatch").get("in_use").asInt()).isZero();

        assertMessage(action(id, "{\"os-retype\": {\"new_type\": \"golden-t1\", \"migration_policy\": \"sometimes\"}}"),
                "Invalid input for field/attribute migration_policy. Value: sometimes. 'sometimes' is not one of "
                        + "['on-demand', 'never']");
        assertThat(action(id, "{\"os-retype\": {\"new_type\": \"no-such-type\"}}").status()).isEqualTo(404);
    }

    @Test
    void summaryAndResourceFiltersAnswerAsCinder() {
        Http owner = cluster.http().as("admin:summary");
        createVolume(owner, "summary", "{\"volume\": {\"size\": 1, \"metadata\": {\"k1\": \"v1\"}}}");
        createVolume(owner, "summary", "{\"volume\": {\"size\": 1}}");
        Golden.assertMatches("volume-summary@3.11", owner.withVersion("3.11").get("/v3/summary/volumes/summary"),
                "summary", Set.of());
        Golden.assertMatches("volume-summary@3.12", owner.withVersion("3.12").get("/v3/summary/volumes/summary"),
                "summary", Set.of());
        Golden.assertMatches("volume-summary@3.36", owner.withVersion("3.36").get("/v3/summary/volumes/summary"),
                "summary", Set.of());
        assertThat(admin.withVersion("3.32").get(v3("/resource_filters")).status()).isEqualTo(404);
        JsonNode filters = admin.withVersion("3.33").get(v3("/resource_filters?resource=volume")).json();
        assertThat(filters.get("resource_filters")).hasSize(1);
        assertThat(filters.get("resource_filters").get(0).get("resource").asString()).isEqualTo("volume");
        assertThat(filters.get("resource_filters").get(0).get("filters").toString()).isEqualTo("[\"name\",\"status\","
                + "\"metadata\",\"bootable\",\"migration_status\",\"availability_zone\",\"group_id\",\"size\","
                + "\"created_at\",\"updated_at\",\"consumes_quota\"]");
        assertThat(admin.withVersion("3.33").get(v3("/resource_filters")).json().get("resource_filters")).hasSize(9);
    }

    private static void assertMessage(Http.Response r, String message) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().get("badRequest").get("message").asString()).isEqualTo(message);
    }
}
