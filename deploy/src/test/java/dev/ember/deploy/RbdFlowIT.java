package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.common.json.Json;
import dev.ember.common.testing.CephCluster;
import dev.ember.common.testing.QemuIo;
import dev.ember.common.testing.TestBroker;
import dev.ember.common.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The Ceph RBD backend on a real single-node cluster under the real deployment (api, scheduler, volume as
 * separate JVMs on the local RabbitMQ and MariaDB), driven by the {@code openstack} and {@code cinder} CLIs;
 * every effect checked in Ceph with the {@code rbd} tool, bytes checked by QEMU opening the images with the
 * attach flow's connection info, and the cluster frozen and thawed under the running service.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RbdFlowIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int SERVICE_DOWN_TIME = 6;

    private CephCluster ceph;
    private TestDatabase database;
    private TestBroker broker;
    private ProcessCluster cluster;
    private Http admin;
    private Cli cli;
    private Path scratch;

    @BeforeAll
    void start() throws Exception {
        Cli.assumeInstalled();
        QemuIo.assumeInstalled();
        ceph = CephCluster.start();
        database = TestDatabase.create();
        broker = TestBroker.create();
        scratch = Files.createTempDirectory("ember-rbd-it-");
        Map<String, String> common = new LinkedHashMap<>();
        common.put("cinder.database.connection", database.connection());
        common.put("cinder.transport-url", broker.transportUrl());
        common.put("cinder.report-interval", "1");
        common.put("cinder.service-down-time", Integer.toString(SERVICE_DOWN_TIME));
        common.put("cinder.backend-stats-polling-interval", "1");
        common.put("cinder.ember.redrive-after", "10");
        common.put("cinder.state-path", scratch.toString());
        cluster = new ProcessCluster(common);
        cluster.start("rbd-api", "cinder-api", Map.of("cinder.host", "api1"));
        cluster.start("rbd-scheduler", "cinder-scheduler", Map.of("cinder.host", "sched1"));
        Map<String, String> volume = new LinkedHashMap<>();
        volume.put("cinder.host", "store1");
        volume.put("cinder.enabled-backends", "ceph,spare");
        volume.put("cinder.backends.ceph.volume_driver", "cinder.volume.drivers.rbd.RBDDriver");
        volume.put("cinder.backends.ceph.volume_backend_name", "ceph");
        volume.put("cinder.backends.ceph.rbd_pool", ceph.pool());
        volume.put("cinder.backends.ceph.rbd_user", "cinder");
        volume.put("cinder.backends.ceph.rbd_ceph_conf", ceph.conf());
        volume.put("cinder.backends.ceph.rbd_keyring_conf", ceph.cinderKeyring());
        volume.put("cinder.backends.ceph.rbd_secret_uuid", "5b6f4a52-3a8e-4c1b-9d55-2a1c0f7e0c01");
        volume.put("cinder.backends.ceph.rados_connect_timeout", "3");
        volume.put("cinder.backends.spare.volume_driver", "noop");
        volume.put("cinder.backends.spare.volume_backend_name", "spare");
        cluster.start("rbd-volume", "cinder-volume", volume);
        cluster.awaitReady(Duration.ofSeconds(120), "store1@ceph", "store1@spare");
        admin = cluster.http();
        cli = new Cli(cluster.endpoint("admin"), "admin:admin");
        cli.openstack("volume", "type", "create", "--property", "volume_backend_name=ceph", "ceph");
    }

    @AfterAll
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (database != null) {
            database.close();
        }
        if (ceph != null) {
            ceph.resume();
            ceph.close();
        }
    }

    private JsonNode volume(String id) {
        return admin.get("/v3/admin/volumes/" + id).json().get("volume");
    }

    private void awaitVolume(String id, String status) {
        Await.until("volume " + id + " " + status, WAIT, () -> status.equals(volume(id).get("status").asString()));
    }

    private void awaitSnapshot(String id, String status) {
        Await.until("snapshot " + id + " " + status, WAIT, () -> status.equals(
                admin.get("/v3/admin/snapshots/" + id).json().get("snapshot").get("status").asString()));
    }

    private void awaitGone(String path) {
        Await.until(path + " gone", WAIT, () -> admin.get(path).status() == 404);
    }

    private String image(String volumeId) {
        return ceph.pool() + "/volume-" + volumeId;
    }

    @Test
    @Order(1)
    void theCliRunsTheWholeLifecycleAndLeavesThePoolEmpty() throws Exception {
        String a = cli.openstackJson("volume", "create", "--type", "ceph", "--size", "1", "rbd-a").get("id").asString();
        awaitVolume(a, "available");
        assertThat(ceph.rbd("info", image(a))).contains("size 1 GiB");
        assertThat(volume(a).get("os-vol-host-attr:host").asString()).isEqualTo("store1@ceph#ceph");

        String snap = cli.openstackJson("volume", "snapshot", "create", "--volume", a, "rbd-snap").get("id").asString();
        awaitSnapshot(snap, "available");
        assertThat(ceph.rbd("snap", "ls", image(a))).contains("snapshot-" + snap);

        String fromSnap = cli.openstackJson("volume", "create", "--snapshot", snap, "rbd-from-snap").get("id").asString();
        awaitVolume(fromSnap, "available");
        assertThat(ceph.rbd("children", image(a) + "@snapshot-" + snap)).contains("volume-" + fromSnap);

        String clone = cli.openstackJson("volume", "create", "--source", a, "rbd-clone").get("id").asString();
        awaitVolume(clone, "available");
        assertThat(ceph.rbd("info", image(clone))).contains("parent: " + image(a) + "@volume-" + clone + ".clone_snap");

        cli.openstack("volume", "set", "--size", "2", clone);
        Await.until("clone extended", WAIT, () -> volume(clone).get("size").asInt() == 2
                && volume(clone).get("status").asString().equals("available"));
        assertThat(ceph.rbd("info", image(clone))).contains("size 2 GiB");

        cli.cinder("--os-volume-api-version", "3.40", "revert-to-snapshot", snap);
        awaitVolume(a, "available");
        awaitSnapshot(snap, "available");

        // A snapshot a volume was cloned from is busy: the delete is refused by Ceph and the snapshot stays.
        cli.openstack("volume", "snapshot", "delete", snap);
        Await.until("the busy snapshot's user message", WAIT, () -> {
            try (var c = database.connect(); var rs = c.createStatement().executeQuery(
                    "SELECT event_id FROM messages WHERE resource_uuid = '" + snap + "'")) {
                return rs.next() && rs.getString(1).equals("VOLUME_VOLUME_SNAPSHOT_010_015");
            } catch (java.sql.SQLException e) {
                return false;
            }
        });
        awaitSnapshot(snap, "available");
        assertThat(ceph.rbd("snap", "ls", image(a))).contains("snapshot-" + snap);
        cli.openstack("volume", "delete", fromSnap);
        awaitGone("/v3/admin/volumes/" + fromSnap);
        cli.openstack("volume", "snapshot", "delete", snap);
        awaitGone("/v3/admin/snapshots/" + snap);
        cli.openstack("volume", "delete", a);
        awaitGone("/v3/admin/volumes/" + a);
        assertThat(ceph.images()).as("kept for its clone").contains("volume-" + a + ".deleted");
        cli.openstack("volume", "delete", clone);
        awaitGone("/v3/admin/volumes/" + clone);
        assertThat(ceph.images()).as("nothing left in the pool").isEmpty();
    }

    /** Attaches through the attachments API and returns the connection info QEMU is given. */
    private Map<String, Object> attach(String volumeId, List<String> attachments) {
        Http nova = admin.withVersion("3.44");
        String attachment = nova.post("/v3/admin/attachments", "{\"attachment\": {\"volume_uuid\": \"" + volumeId
                + "\", \"instance_uuid\": \"" + UUID.randomUUID() + "\"}}").json().get("attachment").get("id").asString();
        Http.Response updated = nova.put("/v3/admin/attachments/" + attachment, "{\"attachment\": {\"connector\": "
                + "{\"host\": \"compute-1\", \"ip\": \"127.0.0.1\", \"platform\": \"x86_64\", \"os_type\": \"linux\", "
                + "\"multipath\": false, \"do_local_attach\": false, \"mountpoint\": \"/dev/vdb\"}}}");
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(nova.post("/v3/admin/attachments/" + attachment + "/action", "{\"os-complete\": null}").status())
                .isEqualTo(204);
        attachments.add(attachment);
        @SuppressWarnings("unchecked")
        Map<String, Object> info = Json.mapper().convertValue(updated.json().get("attachment").get("connection_info"), Map.class);
        return info;
    }

    /** The image as QEMU opens it with only what the connection info says: image, monitors, user, key. */
    @SuppressWarnings("unchecked")
    private String qemuUrl(Map<String, Object> info) throws Exception {
        assertThat(info).containsEntry("driver_volume_type", "rbd").containsEntry("auth_enabled", true)
                .containsEntry("auth_username", "cinder").containsEntry("secret_type", "ceph").containsEntry("discard", true)
                .containsKeys("hosts", "ports", "secret_uuid", "cluster_name", "volume_id", "attachment_id");
        Path keyring = Files.createTempFile(scratch, "keyring-", "");
        Files.writeString(keyring, (String) info.get("keyring"));
        List<String> hosts = (List<String>) info.get("hosts");
        List<String> ports = (List<String>) info.get("ports");
        return "rbd:" + info.get("name") + ":id=" + info.get("auth_username") + ":keyring=" + keyring + ":mon_host="
                + hosts.get(0) + "\\:" + ports.get(0);
    }

    @Test
    @Order(2)
    void aPatternWrittenThroughTheAttachIsReadBackFromAVolumeMadeFromItsSnapshot() throws Exception {
        String a = cli.openstackJson("volume", "create", "--type", "ceph", "--size", "1", "rbd-data").get("id").asString();
        awaitVolume(a, "available");
        List<String> attachments = new java.util.ArrayList<>();
        QemuIo.Outcome written = QemuIo.image(qemuUrl(attach(a, attachments)), "write -P 0x6e 0 1M", "read -P 0x6e 0 1M");
        assertThat(written.ok()).as(written.output()).isTrue();
        assertThat(admin.withVersion("3.44").delete("/v3/admin/attachments/" + attachments.get(0)).status()).isEqualTo(200);
        awaitVolume(a, "available");

        String snap = admin.post("/v3/admin/snapshots", "{\"snapshot\": {\"volume_id\": \"" + a + "\"}}").json()
                .get("snapshot").get("id").asString();
        awaitSnapshot(snap, "available");
        String b = admin.post("/v3/admin/volumes", "{\"volume\": {\"snapshot_id\": \"" + snap + "\"}}").json()
                .get("volume").get("id").asString();
        awaitVolume(b, "available");
        QemuIo.Outcome read = QemuIo.image(qemuUrl(attach(b, attachments)), "read -P 0x6e 0 1M");
        assertThat(read.ok()).as(read.output()).isTrue();
        assertThat(admin.withVersion("3.44").delete("/v3/admin/attachments/" + attachments.get(1)).status()).isEqualTo(200);

        assertThat(admin.delete("/v3/admin/volumes/" + b).status()).isEqualTo(202);
        awaitGone("/v3/admin/volumes/" + b);
        assertThat(admin.delete("/v3/admin/volumes/" + a + "?cascade=true").status()).isEqualTo(202);
        awaitGone("/v3/admin/volumes/" + a);
        assertThat(ceph.images()).doesNotContain("volume-" + a, "volume-" + b, "volume-" + a + ".deleted");
    }

    @Test
    @Order(3)
    void capacityIsTheClustersAndTooLargeAVolumeIsRefusedWithAReason() throws Exception {
        JsonNode pools = admin.get("/v3/admin/scheduler-stats/get_pools?detail=true").json().get("pools");
        JsonNode caps = null;
        for (JsonNode p : pools) {
            if (p.get("name").asString().equals("store1@ceph#ceph")) {
                caps = p.get("capabilities");
            }
        }
        assertThat(caps).isNotNull();
        assertThat(caps.get("total_capacity_gb").asDouble()).isBetween(1.0, 8.0);
        assertThat(caps.get("free_capacity_gb").asDouble()).isBetween(0.5, caps.get("total_capacity_gb").asDouble());
        assertThat(caps.get("storage_protocol").asString()).isEqualTo("ceph");
        // Thin: room is (total - reserved) x max_over_subscription_ratio (20); ask for far more.
        int tooBig = (int) Math.ceil(caps.get("total_capacity_gb").asDouble() * 20) + 10;
        String id = admin.post("/v3/admin/volumes", "{\"volume\": {\"size\": " + tooBig + ", \"volume_type\": \"ceph\"}}")
                .json().get("volume").get("id").asString();
        awaitVolume(id, "error");
        try (var c = database.connect(); var rs = c.createStatement().executeQuery(
                "SELECT event_id FROM messages WHERE resource_uuid = '" + id + "'")) {
            assertThat(rs.next()).as("a user message says why").isTrue();
            assertThat(rs.getString(1)).as("schedule allocate volume: no valid backend").isEqualTo("VOLUME_VOLUME_001_003");
        }
        assertThat(admin.delete("/v3/admin/volumes/" + id).status()).isEqualTo(202);
    }

    @Test
    @Order(4)
    void aFrozenClusterShowsDownWithoutHangingAndComesBackByItself() throws Exception {
        ceph.pause();
        long paused = System.nanoTime();
        try {
            Await.until("ceph backend down", Duration.ofSeconds(SERVICE_DOWN_TIME + 20), () -> {
                for (JsonNode s : cli.openstackJson("volume", "service", "list")) {
                    if (s.get("Host").asString().equals("store1@ceph")) {
                        return s.get("State").asString().equals("down");
                    }
                }
                return false;
            });
            double seconds = (System.nanoTime() - paused) / 1e9;
            assertThat(seconds).as("down within the stats timeout plus service_down_time").isLessThan(SERVICE_DOWN_TIME + 15);
            assertThat(admin.get("/v3/admin/scheduler-stats/get_pools").body()).doesNotContain("store1@ceph#ceph")
                    .contains("store1@spare#spare");
            long started = System.nanoTime();
            assertThat(admin.get("/v3/admin/volumes").status()).isEqualTo(200);
            assertThat((System.nanoTime() - started) / 1e9).as("the API does not hang").isLessThan(2.0);
            String elsewhere = admin.post("/v3/admin/volumes", "{\"volume\": {\"size\": 1}}").json().get("volume")
                    .get("id").asString();
            awaitVolume(elsewhere, "available");
            assertThat(volume(elsewhere).get("os-vol-host-attr:host").asString()).isEqualTo("store1@spare#spare");
            String refused = admin.post("/v3/admin/volumes", "{\"volume\": {\"size\": 1, \"volume_type\": \"ceph\"}}")
                    .json().get("volume").get("id").asString();
            awaitVolume(refused, "error");
            assertThat(admin.delete("/v3/admin/volumes/" + elsewhere).status()).isEqualTo(202);
            assertThat(admin.delete("/v3/admin/volumes/" + refused).status()).isEqualTo(202);
        } finally {
            ceph.resume();
        }
        Await.until("ceph backend up again", WAIT, () -> admin.get("/v3/admin/scheduler-stats/get_pools").body()
                .contains("store1@ceph#ceph"));
        String again = admin.post("/v3/admin/volumes", "{\"volume\": {\"size\": 1, \"volume_type\": \"ceph\"}}").json()
                .get("volume").get("id").asString();
        awaitVolume(again, "available");
        assertThat(ceph.images()).contains("volume-" + again);
        assertThat(admin.delete("/v3/admin/volumes/" + again).status()).isEqualTo(202);
        awaitGone("/v3/admin/volumes/" + again);
    }
}
