package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * The snapshot API answers as Cinder (Zed) does, compared with the captured golden exchanges, over the real
 * roles, MariaDB and RabbitMQ with a {@code noop} backend; and its rules (force, cascade, sources, revert)
 * with Cinder's messages.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SnapshotApiIT {

    private static final String PROJECT = "golden";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private InJvmCluster cluster;
    private Http admin;

    @BeforeAll
    void start() throws Exception {
        cluster = new InJvmCluster(Map.of()).startApi().startScheduler("cinder-ref");
        cluster.startVolume("cinder-ref", "fake", Map.of("volume_driver", "noop"));
        admin = cluster.http().as("admin:" + PROJECT);
        Await.until("the fake backend's pool", WAIT,
                () -> admin.get("/v3/" + PROJECT + "/scheduler-stats/get_pools").body().contains("cinder-ref@fake#fake"));
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private String v3(String path) {
        return "/v3/" + PROJECT + path;
    }

    private String createVolume(String body) {
        Http.Response r = admin.post(v3("/volumes"), body);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        String id = r.json().get("volume").get("id").asString();
        awaitVolume(id, "available");
        return id;
    }

    private void awaitVolume(String id, String status) {
        Await.until("volume " + id + " " + status, WAIT,
                () -> status.equals(admin.get(v3("/volumes/" + id)).json().get("volume").get("status").asString()));
    }

    private void awaitSnapshot(String id, String status) {
        Await.until("snapshot " + id + " " + status, WAIT,
                () -> status.equals(admin.get(v3("/snapshots/" + id)).json().get("snapshot").get("status").asString()));
    }

    private String snapshot(String volumeId, String extra) {
        Http.Response r = admin.post(v3("/snapshots"), "{\"snapshot\": {\"volume_id\": \"" + volumeId + "\"" + extra + "}}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        String id = r.json().get("snapshot").get("id").asString();
        awaitSnapshot(id, "available");
        return id;
    }

    @Test
    void theSnapshotLifecycleAnswersAsCinder() {
        String volumeId = createVolume("{\"volume\": {\"size\": 2, \"name\": \"golden-v1\"}}");
        Http.Response created = admin.post(v3("/snapshots"), "{\"snapshot\": {\"volume_id\": \"" + volumeId
                + "\", \"name\": \"golden-s1\", \"description\": \"snap\", \"metadata\": {\"sk\": \"sv\"}}}");
        Golden.assertMatches("snapshot-create@3.0", created, PROJECT, Set.of());
        String id = created.json().get("snapshot").get("id").asString();
        awaitSnapshot(id, "available");
        Golden.assertMatches("snapshot-show@3.0", admin.withVersion("3.0").get(v3("/snapshots/" + id)), PROJECT, Set.of());
        for (String version : new String[] {"3.14", "3.41", "3.65", "3.70"}) {
            Golden.assertMatches("snapshot-show@" + version, admin.withVersion(version).get(v3("/snapshots/" + id)),
                    PROJECT, Set.of());
        }
        Golden.assertMatches("snapshot-list@3.0", admin.get(v3("/snapshots")), PROJECT, Set.of());
        Golden.assertMatches("snapshot-list-detail@3.0", admin.get(v3("/snapshots/detail")), PROJECT, Set.of());
        Golden.assertMatches("snapshot-list-detail@3.70", admin.withVersion("3.70").get(v3("/snapshots/detail")),
                PROJECT, Set.of());
        Golden.assertMatches("volume-delete-with-snapshot-400", admin.delete(v3("/volumes/" + volumeId)), PROJECT, Set.of());

        Golden.assertMatches("snapshot-metadata-create", admin.post(v3("/snapshots/" + id + "/metadata"),
                "{\"metadata\": {\"sk2\": \"sv2\"}}"), PROJECT, Set.of());
        Golden.assertMatches("snapshot-metadata-show-key", admin.get(v3("/snapshots/" + id + "/metadata/sk2")), PROJECT,
                Set.of());
        Golden.assertMatches("snapshot-metadata-delete-key", admin.delete(v3("/snapshots/" + id + "/metadata/sk2")), PROJECT,
                Set.of());
        Golden.assertMatches("snapshot-metadata-list", admin.get(v3("/snapshots/" + id + "/metadata")), PROJECT, Set.of());
        Golden.assertMatches("snapshot-update", admin.put(v3("/snapshots/" + id), "{\"snapshot\": {\"name\": \"golden-s1b\"}}"),
                PROJECT, Set.of());
        Golden.assertMatches("snapshot-delete", admin.delete(v3("/snapshots/" + id)), PROJECT, Set.of());
        Await.until("snapshot gone", WAIT, () -> admin.get(v3("/snapshots/" + id)).status() == 404);
        assertThat(admin.delete(v3("/volumes/" + volumeId)).status()).isEqualTo(202);
    }

    @Test
    void extendAnswersAsCinderAndGrowsTheVolume() {
        String volumeId = createVolume("{\"volume\": {\"size\": 1}}");
        Golden.assertMatches("action-os-extend", admin.post(v3("/volumes/" + volumeId + "/action"),
                "{\"os-extend\": {\"new_size\": 2}}"), PROJECT, Set.of());
        Await.until("extended", WAIT, () -> {
            JsonNode v = admin.get(v3("/volumes/" + volumeId)).json().get("volume");
            return v.get("status").asString().equals("available") && v.get("size").asInt() == 2;
        });
        Golden.assertMatches("action-os-extend-smaller-400", admin.post(v3("/volumes/" + volumeId + "/action"),
                "{\"os-extend\": {\"new_size\": 1}}"), PROJECT, Set.of());
        String attach = "{\"os-attach\": {\"instance_uuid\": \"0b7f6b4e-3c5d-4d6e-9f80-1a2b3c4d5e6f\", \"mountpoint\": \"/dev/vdb\"}}";
        assertThat(admin.post(v3("/volumes/" + volumeId + "/action"), attach).status()).isEqualTo(202);
        Golden.assertMatches("action-os-extend-in-use-400@3.0", admin.post(v3("/volumes/" + volumeId + "/action"),
                "{\"os-extend\": {\"new_size\": 3}}"), PROJECT, Set.of());
        assertThat(admin.withVersion("3.42").post(v3("/volumes/" + volumeId + "/action"),
                "{\"os-extend\": {\"new_size\": 3}}").status()).isEqualTo(202);
        Await.until("extended while in use", WAIT, () -> {
            JsonNode v = admin.get(v3("/volumes/" + volumeId)).json().get("volume");
            return v.get("status").asString().equals("in-use") && v.get("size").asInt() == 3;
        });
        Http.Response huge = admin.post(v3("/volumes/" + volumeId + "/action"), "{\"os-extend\": {\"new_size\": 2147483647}}");
        assertThat(huge.status()).as(huge.body()).isIn(202, 400);
    }

    @Test
    void snapshotRulesUseCindersMessages() {
        String volumeId = createVolume("{\"volume\": {\"size\": 1}}");
        String attach = "{\"os-attach\": {\"instance_uuid\": \"0b7f6b4e-3c5d-4d6e-9f80-1a2b3c4d5e6f\", \"mountpoint\": \"/dev/vdb\"}}";
        assertThat(admin.post(v3("/volumes/" + volumeId + "/action"), attach).status()).isEqualTo(202);
        Http.Response inUse = admin.post(v3("/snapshots"), "{\"snapshot\": {\"volume_id\": \"" + volumeId + "\"}}");
        assertThat(inUse.status()).isEqualTo(400);
        assertThat(inUse.body()).contains("Invalid volume: Volume " + volumeId
                + " status must be available, but current status is: in-use.");
        Http.Response forceFalse = admin.withVersion("3.66").post(v3("/snapshots"), "{\"snapshot\": {\"volume_id\": \""
                + volumeId + "\", \"force\": false}}");
        assertThat(forceFalse.status()).isEqualTo(400);
        assertThat(forceFalse.body()).contains("Since microversion 3.66 the 'force' flag is invalid for this request.  "
                + "For backward compatability");
        String forced = snapshot(volumeId, ", \"force\": true");
        String at66 = admin.withVersion("3.66").post(v3("/snapshots"), "{\"snapshot\": {\"volume_id\": \"" + volumeId + "\"}}")
                .json().get("snapshot").get("id").asString();
        awaitSnapshot(at66, "available");
        Http.Response missing = admin.post(v3("/snapshots"), "{\"snapshot\": {\"volume_id\": "
                + "\"00000000-0000-0000-0000-00000000beef\"}}");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body()).contains("Volume 00000000-0000-0000-0000-00000000beef could not be found.");
        Http.Response extra = admin.post(v3("/snapshots"), "{\"snapshot\": {\"volume_id\": \"" + volumeId
                + "\", \"display_description\": \"x\"}}");
        assertThat(extra.status()).isEqualTo(400);
        assertThat(extra.body()).contains("Additional properties are not allowed");
        Http.Response unknownSnapshot = admin.get(v3("/snapshots/00000000-0000-0000-0000-00000000beef"));
        assertThat(unknownSnapshot.status()).isEqualTo(404);
        assertThat(unknownSnapshot.body()).contains("Snapshot 00000000-0000-0000-0000-00000000beef could not be found.");
        assertThat(admin.get(v3("/snapshots/" + forced + "/metadata/nope")).body())
                .contains("Snapshot " + forced + " has no metadata with key nope.");
        assertThat(admin.put(v3("/snapshots/" + forced + "/metadata/a"), "{\"meta\": {\"b\": \"1\"}}").body())
                .contains("Request body and URI mismatch");
        assertThat(admin.put(v3("/snapshots/" + forced + "/metadata/a"), "{\"meta\": {\"a\": \"1\", \"b\": \"2\"}}").body())
                .contains("Request body contains too many items");
        assertThat(admin.get(v3("/snapshots?marker=00000000-0000-0000-0000-00000000beef")).status()).isEqualTo(404);
        assertThat(admin.get(v3("/snapshots?sort=bogus")).body()).contains("Invalid input received: Invalid sort key");
    }

    @Test
    void volumesFromSnapshotsAndClonesInheritSizeTypeAndZoneAndCascadeDeletes() {
        String source = createVolume("{\"volume\": {\"size\": 3, \"name\": \"src\"}}");
        String snap = snapshot(source, "");
        Http.Response small = admin.post(v3("/volumes"), "{\"volume\": {\"size\": 1, \"snapshot_id\": \"" + snap + "\"}}");
        assertThat(small.status()).isEqualTo(400);
        assertThat(small.body()).contains("Invalid input received: Volume size '1'GB cannot be smaller than the snapshot "
                + "size 3GB. They must be >= original snapshot size.");
        Http.Response smallClone = admin.post(v3("/volumes"), "{\"volume\": {\"size\": 2, \"source_volid\": \"" + source + "\"}}");
        assertThat(smallClone.body()).contains("Volume size '2'GB cannot be smaller than original volume size  3GB.");
        Http.Response both = admin.post(v3("/volumes"), "{\"volume\": {\"snapshot_id\": \"" + snap + "\", \"source_volid\": \""
                + source + "\"}}");
        assertThat(both.body()).contains("May specify only one of snapshot, source volume");
        Http.Response otherZone = admin.post(v3("/volumes"), "{\"volume\": {\"snapshot_id\": \"" + snap
                + "\", \"availability_zone\": \"elsewhere\"}}");
        assertThat(otherZone.status()).isEqualTo(400);

        String fromSnap = createVolume("{\"volume\": {\"snapshot_id\": \"" + snap + "\"}}");
        JsonNode v = admin.get(v3("/volumes/" + fromSnap)).json().get("volume");
        assertThat(v.get("size").asInt()).isEqualTo(3);
        assertThat(v.get("snapshot_id").asString()).isEqualTo(snap);
        assertThat(v.get("volume_type").asString()).isEqualTo("__DEFAULT__");
        assertThat(v.get("os-vol-host-attr:host").asString()).isEqualTo("cinder-ref@fake#fake");
        String clone = createVolume("{\"volume\": {\"source_volid\": \"" + source + "\", \"size\": 4}}");
        assertThat(admin.get(v3("/volumes/" + clone)).json().get("volume").get("source_volid").asString()).isEqualTo(source);

        Http.Response revert = admin.withVersion("3.40").post(v3("/volumes/" + source + "/action"),
                "{\"revert\": {\"snapshot_id\": \"" + snap + "\"}}");
        assertThat(revert.status()).as(revert.body()).isEqualTo(202);
        awaitVolume(source, "available");
        awaitSnapshot(snap, "available");
        assertThat(admin.withVersion("3.39").post(v3("/volumes/" + source + "/action"),
                "{\"revert\": {\"snapshot_id\": \"" + snap + "\"}}").status()).isEqualTo(404);

        assertThat(admin.delete(v3("/volumes/" + source)).status()).isEqualTo(400);
        assertThat(admin.delete(v3("/volumes/" + source + "?cascade=true")).status()).isEqualTo(202);
        Await.until("source and its snapshot gone", WAIT, () -> admin.get(v3("/volumes/" + source)).status() == 404
                && admin.get(v3("/snapshots/" + snap)).status() == 404);
        for (String id : new String[] {fromSnap, clone}) {
            assertThat(admin.delete(v3("/volumes/" + id)).status()).isEqualTo(202);
        }
    }
}
