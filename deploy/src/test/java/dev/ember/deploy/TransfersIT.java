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
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Volume transfers answer as Cinder's (golden comparisons of both paths and their microversions), the key is
 * checked, and accepting moves the volume, its snapshots and their quota usage to the accepting project;
 * withdrawing an offer makes the volume available again. Driven through the openstack CLI too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransfersIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PROJECT = "golden";
    private static final String PROJECT_2 = "golden2";

    private InJvmCluster cluster;
    private Http admin;
    private Http admin2;
    private Http root;

    @BeforeAll
    void start() throws Exception {
        cluster = new InJvmCluster(Map.of()).startApi().startScheduler("cinder-ref");
        cluster.startVolume("cinder-ref", "fake", Map.of("volume_driver", "noop"));
        admin = cluster.http().as("admin:" + PROJECT);
        admin2 = cluster.http().as("admin:" + PROJECT_2);
        root = cluster.http().as("admin:admin");
        Await.until("the fake backend's pool", WAIT,
                () -> admin.get("/v3/golden/scheduler-stats/get_pools").body().contains("cinder-ref@fake#fake"));
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            assertThat(cluster.bean(Quotas.class).drift()).as("quota counters against what exists").isEmpty();
            cluster.close();
        }
    }

    private static String v3(String project, String path) {
        return "/v3/" + project + path;
    }

    private String createVolume(Http as, String project, int size) {
        Http.Response r = as.post(v3(project, "/volumes"), "{\"volume\": {\"size\": " + size + ", \"name\": \"golden-v2\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        String id = r.json().get("volume").get("id").asString();
        awaitVolume(as, project, id, "available");
        return id;
    }

    private String createSnapshot(Http as, String project, String volumeId) {
        Http.Response r = as.post(v3(project, "/snapshots"), "{\"snapshot\": {\"volume_id\": \"" + volumeId + "\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        String id = r.json().get("snapshot").get("id").asString();
        Await.until("snapshot " + id + " available", WAIT, () -> "available".equals(
                as.get(v3(project, "/snapshots/" + id)).json().get("snapshot").get("status").asString()));
        return id;
    }

    private static String status(Http as, String project, String volumeId) {
        return as.get(v3(project, "/volumes/" + volumeId)).json().get("volume").get("status").asString();
    }

    private void awaitVolume(Http as, String project, String id, String status) {
        Await.until("volume " + id + " " + status, WAIT, () -> status.equals(status(as, project, id)));
    }

    private int inUse(String project, String resource) {
        JsonNode set = root.get("/v3/admin/os-quota-sets/" + project + "?usage=true").json().get("quota_set");
        return set.get(resource).get("in_use").asInt();
    }

    private JdbcTemplate jdbc() {
        return cluster.bean(JdbcTemplate.class);
    }

    @Test
    void forceDeletingAVolumeAwaitingTransferWithdrawsTheOffer() {
        String volumeId = createVolume(admin, PROJECT, 1);
        Http.Response created = admin.post(v3(PROJECT, "/os-volume-transfer"),
                "{\"transfer\": {\"volume_id\": \"" + volumeId + "\", \"name\": \"doomed\"}}");
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        String transfer = created.json().get("transfer").get("id").asString();

        Http.Response forced = admin.post(v3(PROJECT, "/volumes/" + volumeId + "/action"), "{\"os-force_delete\": {}}");
        assertThat(forced.status()).as(forced.body()).isEqualTo(202);
        Await.until("volume " + volumeId + " gone", WAIT,
                () -> admin.get(v3(PROJECT, "/volumes/" + volumeId)).status() == 404);

        // as Cinder's volume_destroy: the offer goes with the volume, so nobody can list or accept it
        assertThat(admin.get(v3(PROJECT, "/os-volume-transfer/" + transfer)).status()).isEqualTo(404);
        assertThat(admin.get(v3(PROJECT, "/os-volume-transfer")).body()).doesNotContain(transfer);
        assertThat(jdbc().queryForObject("SELECT deleted FROM transfers WHERE id = ?", Boolean.class, transfer)).isTrue();
    }

    @Test
    void theLegacyAndV3PathsAnswerAsCinder() {
        String volumeId = createVolume(admin, PROJECT, 1);

        Http.Response created = admin.post(v3(PROJECT, "/os-volume-transfer"),
                "{\"transfer\": {\"volume_id\": \"" + volumeId + "\", \"name\": \"golden-x0\"}}");
        Golden.assertMatches("transfer-create@3.0", created, PROJECT, Set.of("transfer.auth_key"));
        String first = created.json().get("transfer").get("id").asString();
        assertThat(created.json().get("transfer").get("auth_key").asString()).matches("[0-9a-f]{16}");
        assertThat(status(admin, PROJECT, volumeId)).isEqualTo("awaiting-transfer");
        Golden.assertMatches("transfer-list-detail@3.0", admin.get(v3(PROJECT, "/os-volume-transfer/detail")), PROJECT,
                Set.of());
        // The stored row keeps the salt and the hash, never the key.
        Map<String, Object> row = jdbc().queryForMap("SELECT salt, crypt_hash FROM transfers WHERE id = ?", first);
        assertThat((String) row.get("salt")).matches("[0-9a-f]{8}");
        assertThat((String) row.get("crypt_hash")).matches("[0-9a-f]{40}")
                .isNotEqualTo(created.json().get("transfer").get("auth_key").asString());
        // A second offer of the same volume is refused: it is no longer available.
        Http.Response twice = admin.post(v3(PROJECT, "/os-volume-transfer"),
                "{\"transfer\": {\"volume_id\": \"" + volumeId + "\"}}");
        assertThat(twice.status()).isEqualTo(400);
        assertThat(twice.body()).contains("Invalid volume: status must be available");
        Golden.assertMatches("transfer-delete@3.0", admin.delete(v3(PROJECT, "/os-volume-transfer/" + first)), PROJECT,
                Set.of());
        assertThat(status(admin, PROJECT, volumeId)).isEqualTo("available");
        assertThat(admin.get(v3(PROJECT, "/os-volume-transfer/" + first)).status()).isEqualTo(404);

        Http.Response v355 = admin.withVersion("3.55").post(v3(PROJECT, "/volume-transfers"),
                "{\"transfer\": {\"volume_id\": \"" + volumeId + "\", \"name\": \"golden-x1\", \"no_snapshots\": true}}");
        Golden.assertMatches("transfer-create@3.55", v355, PROJECT, Set.of("transfer.auth_key"));
        String id = v355.json().get("transfer").get("id").asString();
        String key = v355.json().get("transfer").get("auth_key").asString();
        Golden.assertMatches("transfer-show@3.55", admin.withVersion("3.55").get(v3(PROJECT, "/volume-transfers/" + id)),
                PROJECT, Set.of());
        Golden.assertMatches("transfer-show@3.57", admin.withVersion("3.57").get(v3(PROJECT, "/volume-transfers/" + id)),
                PROJECT, Set.of());
        Golden.assertMatches("transfer-list-detail@3.70",
                admin.withVersion("3.70").get(v3(PROJECT, "/volume-transfers/detail")), PROJECT, Set.of());
        // no_snapshots is a 3.55 field: below it the v3 path refuses it as the legacy one always does.
        Http.Response old = admin.withVersion("3.54").post(v3(PROJECT, "/volume-transfers"),
                "{\"transfer\": {\"volume_id\": \"" + volumeId + "\", \"no_snapshots\": true}}");
        assertThat(old.status()).isEqualTo(400);
        assertThat(old.body()).contains("Additional properties are not allowed ('no_snapshots' was unexpected)");

        Golden.assertMatches("transfer-accept-bad-key-400@3.57", admin2.withVersion("3.57").post(
                v3(PROJECT_2, "/volume-transfers/" + id + "/accept"), "{\"accept\": {\"auth_key\": \"wrong\"}}"),
                PROJECT_2, Set.of());
        Golden.assertMatches("transfer-accept@3.57", admin2.withVersion("3.57").post(
                v3(PROJECT_2, "/volume-transfers/" + id + "/accept"), "{\"accept\": {\"auth_key\": \"" + key + "\"}}"),
                PROJECT, PROJECT_2, Set.of());
        Golden.assertMatches("transfer-show-after-accept-404@3.57",
                admin.withVersion("3.57").get(v3(PROJECT, "/volume-transfers/" + id)), PROJECT, Set.of());
        Golden.assertMatches("volume-show-after-transfer@3.70",
                admin2.withVersion("3.70").get(v3(PROJECT_2, "/volumes/" + volumeId)), PROJECT, PROJECT_2,
                Set.of("volume.volume_type", "volume.volume_type_id", "volume.service_uuid", "volume.shared_targets",
                        "volume.os-vol-host-attr:host"));
        Map<String, Object> accepted = jdbc().queryForMap(
                "SELECT deleted, accepted, destination_project_id, source_project_id FROM transfers WHERE id = ?", id);
        assertThat(accepted).containsEntry("deleted", true).containsEntry("accepted", true)
                .containsEntry("destination_project_id", PROJECT_2).containsEntry("source_project_id", PROJECT);
    }

    @Test
    void acceptingMovesTheVolumeItsSnapshotsAndTheirQuota() {
        Http alice = cluster.http().as("alice:proj-a");
        Http bob = cluster.http().as("bob:proj-b");
        String volumeId = createVolume(alice, "proj-a", 2);
        String snapshotId = createSnapshot(alice, "proj-a", volumeId);
        assertThat(inUse("proj-a", "volumes")).isEqualTo(1);
        assertThat(inUse("proj-a", "gigabytes")).isEqualTo(4);
        assertThat(inUse("proj-a", "snapshots")).isEqualTo(1);

        Http.Response created = alice.withVersion("3.57").post(v3("proj-a", "/volume-transfers"),
                "{\"transfer\": {\"volume_id\": \"" + volumeId + "\", \"name\": \"to-bob\"}}");
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        JsonNode t = created.json().get("transfer");
        assertThat(t.get("source_project_id").asString()).isEqualTo("proj-a");
        assertThat(t.get("accepted").asBoolean()).isFalse();
        String id = t.get("id").asString();
        // The other project cannot see the offer, only accept it with the key.
        assertThat(bob.get(v3("proj-b", "/volume-transfers/" + id)).status()).isEqualTo(404);
        assertThat(bob.get(v3("proj-b", "/volume-transfers")).json().get("transfers")).isEmpty();
        assertThat(alice.get(v3("proj-a", "/volume-transfers")).json().get("transfers").get(0).get("id").asString())
                .isEqualTo(id);
        Http.Response accept = bob.post(v3("proj-b", "/os-volume-transfer/" + id + "/accept"),
                "{\"accept\": {\"auth_key\": \"" + t.get("auth_key").asString() + "\"}}");
        assertThat(accept.status()).as(accept.body()).isEqualTo(202);
        assertThat(accept.json().get("transfer").get("volume_id").asString()).isEqualTo(volumeId);

        assertThat(alice.get(v3("proj-a", "/volumes/" + volumeId)).status()).isEqualTo(404);
        assertThat(status(bob, "proj-b", volumeId)).isEqualTo("available");
        JsonNode snapshot = bob.get(v3("proj-b", "/snapshots/" + snapshotId)).json().get("snapshot");
        assertThat(snapshot.get("volume_id").asString()).isEqualTo(volumeId);
        assertThat(jdbc().queryForObject("SELECT user_id FROM volumes WHERE id = ?", String.class, volumeId)).isEqualTo("bob");
        assertThat(jdbc().queryForObject("SELECT project_id FROM snapshots WHERE id = ?", String.class, snapshotId))
                .isEqualTo("proj-b");
        assertThat(inUse("proj-a", "volumes")).isZero();
        assertThat(inUse("proj-a", "gigabytes")).isZero();
        assertThat(inUse("proj-a", "snapshots")).isZero();
        assertThat(inUse("proj-b", "volumes")).isEqualTo(1);
        assertThat(inUse("proj-b", "gigabytes")).isEqualTo(4);
        assertThat(inUse("proj-b", "snapshots")).isEqualTo(1);
        // Accepting twice: the transfer is gone.
        Http.Response again = bob.post(v3("proj-b", "/os-volume-transfer/" + id + "/accept"),
                "{\"accept\": {\"auth_key\": \"" + t.get("auth_key").asString() + "\"}}");
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.body()).contains("Transfer " + id + " could not be found.");
    }

    @Test
    void noSnapshotsLeavesTheSnapshotsAndAnOverQuotaAcceptChangesNothing() {
        Http carol = cluster.http().as("carol:proj-c");
        Http dave = cluster.http().as("dave:proj-d");
        String volumeId = createVolume(carol, "proj-c", 1);
        String snapshotId = createSnapshot(carol, "proj-c", volumeId);
        // Without no_snapshots, every snapshot must be available; with it, they stay with the donor.
        Http.Response created = carol.withVersion("3.55").post(v3("proj-c", "/volume-transfers"),
                "{\"transfer\": {\"volume_id\": \"" + volumeId + "\", \"no_snapshots\": \"true\"}}");
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        String id = created.json().get("transfer").get("id").asString();
        String key = created.json().get("transfer").get("auth_key").asString();

        assertThat(root.put("/v3/admin/os-quota-sets/proj-d", "{\"quota_set\": {\"volumes\": 0}}").status()).isEqualTo(200);
        Http.Response over = dave.post(v3("proj-d", "/volume-transfers/" + id + "/accept"),
                "{\"accept\": {\"auth_key\": \"" + key + "\"}}");
        assertThat(over.status()).as(over.body()).isEqualTo(413);
        assertThat(over.json().get("overLimit").get("message").asString())
                .isEqualTo("VolumeLimitExceeded: Maximum number of volumes allowed (0) exceeded for quota 'volumes'.");
        assertThat(status(carol, "proj-c", volumeId)).isEqualTo("awaiting-transfer");
        assertThat(inUse("proj-c", "volumes")).isEqualTo(1);
        assertThat(inUse("proj-d", "volumes")).isZero();

        assertThat(root.delete("/v3/admin/os-quota-sets/proj-d").status()).isEqualTo(200);
        Http.Response accept = dave.post(v3("proj-d", "/volume-transfers/" + id + "/accept"),
                "{\"accept\": {\"auth_key\": \"" + key + "\"}}");
        assertThat(accept.status()).as(accept.body()).isEqualTo(202);
        assertThat(jdbc().queryForObject("SELECT project_id FROM snapshots WHERE id = ?", String.class, snapshotId))
                .isEqualTo("proj-c");
        assertThat(inUse("proj-c", "snapshots")).isEqualTo(1);
        assertThat(inUse("proj-c", "volumes")).isZero();
        assertThat(inUse("proj-d", "volumes")).isEqualTo(1);
        assertThat(inUse("proj-d", "snapshots")).isZero();
    }

    @Test
    void theNegativePathsAnswerAsCinder() {
        String missing = "00000000-0000-0000-0000-000000000000";
        Http.Response show = admin.get(v3(PROJECT, "/os-volume-transfer/" + missing));
        assertThat(show.status()).isEqualTo(404);
        assertThat(show.body()).isEqualTo("{\"itemNotFound\": {\"code\": 404, \"message\": \"Transfer " + missing
                + " could not be found.\"}}");
        assertThat(admin.delete(v3(PROJECT, "/volume-transfers/" + missing)).status()).isEqualTo(404);
        assertThat(admin.post(v3(PROJECT, "/volume-transfers/" + missing + "/accept"),
                "{\"accept\": {\"auth_key\": \"x\"}}").status()).isEqualTo(404);
        Http.Response noVolume = admin.post(v3(PROJECT, "/os-volume-transfer"),
                "{\"transfer\": {\"volume_id\": \"" + missing + "\"}}");
        assertThat(noVolume.status()).isEqualTo(404);
        assertThat(noVolume.body()).contains("Volume " + missing + " could not be found.");
        Http.Response noId = admin.post(v3(PROJECT, "/os-volume-transfer"), "{\"transfer\": {\"name\": \"x\"}}");
        assertThat(noId.status()).isEqualTo(400);
        assertThat(noId.body()).contains("'volume_id' is a required property");
        Http.Response noKey = admin.post(v3(PROJECT, "/os-volume-transfer/" + missing + "/accept"), "{\"accept\": {}}");
        assertThat(noKey.status()).isEqualTo(400);
        assertThat(noKey.body()).contains("'auth_key' is a required property");

        // A volume with a snapshot that is not available cannot be offered with its snapshots.
        String volumeId = createVolume(admin, PROJECT, 1);
        String snapshotId = createSnapshot(admin, PROJECT, volumeId);
        assertThat(admin.post(v3(PROJECT, "/snapshots/" + snapshotId + "/action"),
                "{\"os-reset_status\": {\"status\": \"error\"}}").status()).isEqualTo(202);
        Http.Response withSnap = admin.post(v3(PROJECT, "/os-volume-transfer"),
                "{\"transfer\": {\"volume_id\": \"" + volumeId + "\"}}");
        assertThat(withSnap.status()).isEqualTo(400);
        assertThat(withSnap.body()).contains("Invalid snapshot: snapshot: " + snapshotId + " status must be available");
        assertThat(status(admin, PROJECT, volumeId)).isEqualTo("available");
    }

    @Test
    void theOpenstackCliCreatesListsAcceptsAndDeletesTransfers() {
        Cli.assumeInstalled();
        Http erin = cluster.http().as("erin:proj-e");
        String volumeId = createVolume(erin, "proj-e", 1);
        Cli donor = new Cli(cluster.http().base() + "/v3/proj-e", "erin:proj-e");
        Cli recipient = new Cli(cluster.http().base() + "/v3/proj-f", "frank:proj-f");

        JsonNode created = donor.openstackJson("volume", "transfer", "request", "create", "--name", "cli-x", volumeId);
        String id = created.get("id").asString();
        String key = created.get("auth_key").asString();
        assertThat(created.get("volume_id").asString()).isEqualTo(volumeId);
        assertThat(donor.openstackJson("volume", "transfer", "request", "list").toString()).contains(id).contains("cli-x");
        assertThat(donor.openstackJson("volume", "transfer", "request", "show", id).get("volume_id").asString())
                .isEqualTo(volumeId);
        donor.openstack("volume", "transfer", "request", "delete", id);
        assertThat(status(erin, "proj-e", volumeId)).isEqualTo("available");

        JsonNode again = donor.openstackJson("volume", "transfer", "request", "create", volumeId);
        JsonNode accepted = recipient.openstackJson("volume", "transfer", "request", "accept", "--auth-key",
                again.get("auth_key").asString(), again.get("id").asString());
        assertThat(accepted.get("volume_id").asString()).isEqualTo(volumeId);
        assertThat(key).isNotEqualTo(again.get("auth_key").asString());
        assertThat(jdbc().queryForObject("SELECT project_id FROM volumes WHERE id = ?", String.class, volumeId))
                .isEqualTo("proj-f");
    }
}
