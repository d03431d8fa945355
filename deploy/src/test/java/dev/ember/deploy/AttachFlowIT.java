package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.common.json.Json;
import dev.ember.common.testing.QemuIo;
import dev.ember.common.testing.TestBroker;
import dev.ember.common.testing.TestDatabase;
import dev.ember.common.testing.TgtDaemon;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * Nova's attach flow against the real deployment (api, scheduler and volume as separate JVMs on the local
 * RabbitMQ and MariaDB) with the ipSAN backend exporting through a real tgt daemon: every attach is proven
 * by QEMU's own iSCSI initiator reading and writing the volume with nothing but the connection info the
 * API returned, and every detach by the target being gone from tgtd.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AttachFlowIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String HOST_IQN = "iqn.1993-08.org.debian:01:test";
    private static final String INSTANCE = "6f1c2ab4-1a51-4b37-9d0e-2b7a6e0c5d11";

    private TestDatabase database;
    private TestBroker broker;
    private TgtDaemon tgtd;
    private ProcessCluster cluster;
    private Path state;
    private Http nova;
    private Http legacy;
    private Cli cli;

    @BeforeAll
    void start() throws Exception {
        QemuIo.assumeInstalled();
        tgtd = TgtDaemon.start();
        database = TestDatabase.create();
        broker = TestBroker.create();
        state = Files.createTempDirectory("ember-attach-");
        Map<String, String> common = new LinkedHashMap<>();
        common.put("cinder.database.connection", database.connection());
        common.put("cinder.transport-url", broker.transportUrl());
        common.put("cinder.report-interval", "1");
        common.put("cinder.service-down-time", "6");
        common.put("cinder.backend-stats-polling-interval", "2");
        common.put("cinder.rpc-response-timeout", "30");
        common.put("cinder.ember.export-check-interval", "2");
        common.put("cinder.state-path", state.toString());
        cluster = new ProcessCluster(common);
        cluster.start("attach-api", "cinder-api", Map.of("cinder.host", "api1"));
        cluster.start("attach-scheduler", "cinder-scheduler", Map.of("cinder.host", "sched1"));
        Map<String, String> volume = new LinkedHashMap<>();
        volume.put("cinder.host", "san1");
        volume.put("cinder.enabled-backends", "ipsan");
        volume.put("cinder.backends.ipsan.volume_driver", "iscsi");
        volume.put("cinder.backends.ipsan.volume_backend_name", "ipsan");
        volume.put("cinder.backends.ipsan.target_ip_address", "127.0.0.1");
        volume.put("cinder.backends.ipsan.target_port", Integer.toString(tgtd.port()));
        volume.put("cinder.backends.ipsan.tgt_control_port", Integer.toString(tgtd.controlPort()));
        cluster.start("attach-volume", "cinder-volume", volume);
        cluster.awaitReady(Duration.ofSeconds(120), "san1@ipsan");
        nova = cluster.http().withVersion("3.44");
        legacy = cluster.http();
        Http admin = cluster.http();
        admin.post("/v3/admin/types", "{\"volume_type\": {\"name\": \"shared\", \"extra_specs\": "
                + "{\"multiattach\": \"<is> True\"}}}");
        cli = new Cli(cluster.endpoint("admin"), "admin:admin");
    }

    @AfterAll
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (tgtd != null) {
            tgtd.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (database != null) {
            database.close();
        }
    }

    // ----- helpers ----------------------------------------------------------------------------------

    private String createVolume(String type) {
        String body = type == null ? "{\"volume\": {\"size\": 1}}"
                : "{\"volume\": {\"size\": 1, \"volume_type\": \"" + type + "\"}}";
        String id = legacy.post("/v3/admin/volumes", body).json().get("volume").get("id").asString();
        awaitStatus(id, "available");
        return id;
    }

    private JsonNode volume(String id) {
        return legacy.get("/v3/admin/volumes/" + id).json().get("volume");
    }

    private void awaitStatus(String id, String status) {
        Await.until("volume " + id + " " + status, WAIT, () -> status.equals(volume(id).get("status").asString()));
    }

    private static String connector(String initiator) {
        return "{\"initiator\": \"" + initiator + "\", \"ip\": \"127.0.0.1\", \"host\": \"compute-1\", "
                + "\"platform\": \"x86_64\", \"os_type\": \"linux\", \"multipath\": false, \"mountpoint\": \"/dev/vdb\"}";
    }

    private Http.Response reserve(String volumeId, String instance) {
        return nova.post("/v3/admin/attachments", "{\"attachment\": {\"volume_uuid\": \"" + volumeId
                + "\", \"instance_uuid\": \"" + instance + "\"}}");
    }

    /** Nova's sequence up to os-complete; returns the attachment id and the connection info. */
    private record Attached(String id, Map<String, Object> info) {
    }

    private Attached novaAttach(String volumeId, String instance) {
        Http.Response created = reserve(volumeId, instance);
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String attachment = created.json().get("attachment").get("id").asString();
        assertThat(volume(volumeId).get("status").asString()).isEqualTo("reserved");
        Http.Response updated = nova.put("/v3/admin/attachments/" + attachment,
                "{\"attachment\": {\"connector\": " + connector(HOST_IQN) + "}}");
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        JsonNode info = updated.json().get("attachment").get("connection_info");
        assertThat(volume(volumeId).get("status").asString()).isEqualTo("attaching");
        Http.Response complete = nova.post("/v3/admin/attachments/" + attachment + "/action", "{\"os-complete\": null}");
        assertThat(complete.status()).isEqualTo(204);
        return new Attached(attachment, map(info));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(JsonNode node) {
        return Json.mapper().convertValue(node, Map.class);
    }

    private Path blockSource(String volumeId) {
        return state.resolve("ipsan").resolve("volumes").resolve("volume-" + volumeId);
    }

    private static String iqn(String volumeId) {
        return "iqn.2010-10.org.openstack:volume-" + volumeId;
    }

    /** Writes a 1 MiB pattern through the connection info and checks it through QEMU and in the block source. */
    private void provesTheDataPath(String volumeId, Map<String, Object> data, int pattern) throws Exception {
        String p = String.format("0x%02x", pattern);
        QemuIo.Outcome io = QemuIo.iscsi(data, HOST_IQN, null, "write -P " + p + " 0 1M", "read -P " + p + " 0 1M");
        assertThat(io.ok()).as(io.output()).isTrue();
        try (RandomAccessFile raf = new RandomAccessFile(blockSource(volumeId).toFile(), "r")) {
            byte[] head = new byte[1 << 20];
            raf.readFully(head);
            for (int i = 0; i < head.length; i += 4096) {
                assertThat(head[i]).as("byte %d of the block source", i).isEqualTo((byte) pattern);
            }
        }
        QemuIo.Outcome wrong = QemuIo.iscsi(data, HOST_IQN, "wrongsecret12345", "read 0 512");
        assertThat(wrong.ok()).as("a wrong CHAP secret is refused").isFalse();
        assertThat(wrong.output()).contains("Authentication failure");
    }

    // ----- the tests ----------------------------------------------------------------------------------

    @Test
    void novasAttachmentsFlowGivesQemuTheVolumeAndDetachRemovesTheTarget() throws Exception {
        String volumeId = createVolume(null);
        Attached a = novaAttach(volumeId, INSTANCE);
        assertThat(a.info()).containsEntry("driver_volume_type", "iscsi").containsEntry("attachment_id", a.id())
                .containsEntry("target_iqn", iqn(volumeId)).containsEntry("target_portal", tgtd.portal())
                .containsEntry("auth_method", "CHAP").containsEntry("access_mode", "rw");
        JsonNode shown = volume(volumeId);
        assertThat(shown.get("status").asString()).isEqualTo("in-use");
        assertThat(shown.get("attachments").get(0).get("attachment_id").asString()).isEqualTo(a.id());
        assertThat(shown.get("attachments").get(0).get("server_id").asString()).isEqualTo(INSTANCE);
        provesTheDataPath(volumeId, a.info(), 0x5a);

        assertThat(legacy.post("/v3/admin/volumes/" + volumeId + "/action", "{\"os-begin_detaching\": {}}").status())
                .isEqualTo(202);
        assertThat(volume(volumeId).get("status").asString()).isEqualTo("detaching");
        Http.Response deleted = nova.delete("/v3/admin/attachments/" + a.id());
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().get("attachments").size()).isZero();
        assertThat(volume(volumeId).get("status").asString()).isEqualTo("available");
        assertThat(tgtd.show()).doesNotContain(iqn(volumeId));
        assertThat(QemuIo.iscsi(a.info(), HOST_IQN, null, "read 0 512").ok()).as("the target is gone").isFalse();
        assertThat(nova.get("/v3/admin/attachments/" + a.id()).status()).isEqualTo(404);
        assertThat(legacy.delete("/v3/admin/volumes/" + volumeId).status()).isEqualTo(202);
    }

    @Test
    void theLegacyActionsPassTheSameDataCheck() throws Exception {
        String volumeId = createVolume(null);
        String action = "/v3/admin/volumes/" + volumeId + "/action";
        assertThat(legacy.post(action, "{\"os-reserve\": {}}").status()).isEqualTo(202);
        assertThat(volume(volumeId).get("status").asString()).isEqualTo("attaching");
        Http.Response init = legacy.post(action, "{\"os-initialize_connection\": {\"connector\": " + connector(HOST_IQN) + "}}");
        assertThat(init.status()).as(init.body()).isEqualTo(200);
        JsonNode info = init.json().get("connection_info");
        assertThat(info.get("driver_volume_type").asString()).isEqualTo("iscsi");
        Map<String, Object> data = map(info.get("data"));
        assertThat(legacy.post(action, "{\"os-attach\": {\"instance_uuid\": \"" + INSTANCE
                + "\", \"mountpoint\": \"/dev/vdb\", \"mode\": \"rw\"}}").status()).isEqualTo(202);
        JsonNode attached = volume(volumeId);
        assertThat(attached.get("status").asString()).isEqualTo("in-use");
        assertThat(attached.get("metadata").get("attached_mode").asString()).isEqualTo("rw");
        provesTheDataPath(volumeId, data, 0x6b);

        assertThat(legacy.post(action, "{\"os-begin_detaching\": {}}").status()).isEqualTo(202);
        assertThat(legacy.post(action, "{\"os-terminate_connection\": {\"connector\": " + connector(HOST_IQN) + "}}")
                .status()).isEqualTo(202);
        assertThat(QemuIo.iscsi(data, HOST_IQN, null, "read 0 512").ok()).as("the host is locked out").isFalse();
        String attachmentId = attached.get("attachments").get(0).get("attachment_id").asString();
        assertThat(legacy.post(action, "{\"os-detach\": {\"attachment_id\": \"" + attachmentId + "\"}}").status())
                .isEqualTo(202);
        assertThat(volume(volumeId).get("status").asString()).isEqualTo("available");
        assertThat(tgtd.show()).doesNotContain(iqn(volumeId));
    }

    @Test
    void aMultiattachVolumeTakesTwoAttachmentsAndOtherVolumesOnlyOne() throws Exception {
        String shared = createVolume("shared");
        assertThat(volume(shared).get("multiattach").asBoolean()).isTrue();
        Attached first = novaAttach(shared, INSTANCE);
        Attached second = novaAttach(shared, UUID.randomUUID().toString());
        assertThat(volume(shared).get("attachments").size()).isEqualTo(2);
        provesTheDataPath(shared, second.info(), 0x21);
        assertThat(nova.delete("/v3/admin/attachments/" + first.id()).status()).isEqualTo(200);
        assertThat(volume(shared).get("status").asString()).as("the other attachment remains").isEqualTo("in-use");
        assertThat(QemuIo.iscsi(second.info(), HOST_IQN, null, "read -P 0x21 0 4096").ok())
                .as("the second host still reads: its access was kept").isTrue();
        assertThat(nova.delete("/v3/admin/attachments/" + second.id()).status()).isEqualTo(200);
        assertThat(volume(shared).get("status").asString()).isEqualTo("available");
        assertThat(tgtd.show()).doesNotContain(iqn(shared));

        String single = createVolume(null);
        Attached only = novaAttach(single, INSTANCE);
        Http.Response refused = reserve(single, UUID.randomUUID().toString());
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("status must be available or downloading to reserve, but the current status is in-use");
        assertThat(nova.delete("/v3/admin/attachments/" + only.id()).status()).isEqualTo(200);
    }

    @Test
    void afterATgtdRestartTheExportCheckMakesTheSameConnectionInfoWorkAgain() throws Exception {
        String volumeId = createVolume(null);
        Attached a = novaAttach(volumeId, INSTANCE);
        assertThat(QemuIo.iscsi(a.info(), HOST_IQN, null, "write -P 0x44 8192 4096").ok()).isTrue();
        tgtd.restart();
        assertThat(tgtd.show()).doesNotContain(iqn(volumeId));
        Await.until("the export re-created by the volume service", WAIT, () -> {
            try {
                return QemuIo.iscsi(a.info(), HOST_IQN, null, "read -P 0x44 8192 4096").ok();
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(nova.delete("/v3/admin/attachments/" + a.id()).status()).isEqualTo(200);
        assertThat(tgtd.show()).doesNotContain(iqn(volumeId));
    }

    /**
     * An attachment made with a connector while tgtd is down fails, and its caller never learns its id, so it
     * leaves nothing: the volume is available again, with no attachment and no target file, no target comes
     * back for it when tgtd does, and the same request then works.
     */
    @Test
    void anAttachWhileTgtdIsDownLeavesNothingBehind() throws Exception {
        String volumeId = createVolume(null);
        String body = "{\"attachment\": {\"volume_uuid\": \"" + volumeId + "\", \"instance_uuid\": \"" + INSTANCE
                + "\", \"connector\": " + connector(HOST_IQN) + "}}";
        tgtd.crash();
        Http.Response refused;
        try {
            refused = nova.post("/v3/admin/attachments", body);
        } finally {
            tgtd.startAgain();
        }
        assertThat(refused.status()).as(refused.body()).isEqualTo(503);
        assertThat(refused.json().get("serviceUnavailable").get("message").asString()).isNotBlank();
        assertThat(volume(volumeId).get("status").asString()).isEqualTo("available");
        assertThat(nova.get("/v3/admin/attachments?volume_id=" + volumeId).json().get("attachments")).isEmpty();
        assertThat(state.resolve("ipsan").resolve("targets").resolve("volume-" + volumeId)).doesNotExist();
        Thread.sleep(5_000); // two export checks
        assertThat(tgtd.show()).doesNotContain(iqn(volumeId));

        Http.Response attached = nova.post("/v3/admin/attachments", body);
        assertThat(attached.status()).as(attached.body()).isEqualTo(200);
        assertThat(tgtd.show()).contains(iqn(volumeId));
        assertThat(nova.delete("/v3/admin/attachments/" + attached.json().get("attachment").get("id").asString()).status())
                .isEqualTo(200);
        assertThat(tgtd.show()).doesNotContain(iqn(volumeId));
    }

    /**
     * The ipSAN driver has no snapshots: a snapshot create ends in {@code error}, and deleting that snapshot,
     * alone or with its volume ({@code cascade}), removes it instead of leaving it {@code error_deleting}.
     */
    @Test
    void snapshotsTheDriverCannotMakeCanBeDeleted() {
        String volumeId = createVolume(null);
        List<String> snaps = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Http.Response r = legacy.post("/v3/admin/snapshots", "{\"snapshot\": {\"volume_id\": \"" + volumeId + "\"}}");
            assertThat(r.status()).as(r.body()).isEqualTo(202);
            String id = r.json().get("snapshot").get("id").asString();
            Await.until("snapshot " + id + " in error", WAIT, () -> "error".equals(
                    legacy.get("/v3/admin/snapshots/" + id).json().get("snapshot").get("status").asString()));
            snaps.add(id);
        }
        assertThat(legacy.delete("/v3/admin/snapshots/" + snaps.get(0)).status()).isEqualTo(202);
        Await.until("snapshot deleted", WAIT, () -> legacy.get("/v3/admin/snapshots/" + snaps.get(0)).status() == 404);
        assertThat(legacy.delete("/v3/admin/volumes/" + volumeId + "?cascade=true").status()).isEqualTo(202);
        Await.until("volume and snapshot deleted", WAIT, () -> legacy.get("/v3/admin/volumes/" + volumeId).status() == 404
                && legacy.get("/v3/admin/snapshots/" + snaps.get(1)).status() == 404);
    }

    @Test
    void twentyRacingReservationsOfOneVolumeHaveExactlyOneWinner() throws Exception {
        String volumeId = createVolume(null);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<Http.Response>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String instance = UUID.randomUUID().toString();
                answers.add(pool.submit(() -> reserve(volumeId, instance)));
            }
            int won = 0;
            int refused = 0;
            for (Future<Http.Response> answer : answers) {
                int status = answer.get().status();
                won += status == 200 ? 1 : 0;
                refused += status == 400 ? 1 : 0;
            }
            assertThat(won).isEqualTo(1);
            assertThat(refused).isEqualTo(19);
        } finally {
            pool.shutdownNow();
        }
        JsonNode list = nova.get("/v3/admin/attachments?volume_id=" + volumeId).json().get("attachments");
        assertThat(list.size()).isEqualTo(1);
        assertThat(nova.delete("/v3/admin/attachments/" + list.get(0).get("id").asString()).status()).isEqualTo(200);
        assertThat(volume(volumeId).get("status").asString()).isEqualTo("available");
    }

    @Test
    void deletesRacingAttachesLeaveNoOrphanTargetAndNoStuckStatus() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 6; round++) {
                String volumeId = createVolume(null);
                String attachment = reserve(volumeId, INSTANCE).json().get("attachment").get("id").asString();
                Callable<Http.Response> connect = () -> nova.put("/v3/admin/attachments/" + attachment,
                        "{\"attachment\": {\"connector\": " + connector(HOST_IQN) + "}}");
                Callable<Http.Response> remove = () -> nova.delete("/v3/admin/attachments/" + attachment);
                Future<Http.Response> a = pool.submit(round % 2 == 0 ? connect : remove);
                Future<Http.Response> b = pool.submit(round % 2 == 0 ? remove : connect);
                for (Http.Response r : List.of(a.get(), b.get())) {
                    assertThat(r.status()).as(r.body()).isIn(200, 404);
                }
                // Whatever won, deleting what is left ends detached with no target.
                for (JsonNode left : nova.get("/v3/admin/attachments?volume_id=" + volumeId).json().get("attachments")) {
                    assertThat(nova.delete("/v3/admin/attachments/" + left.get("id").asString()).status()).isEqualTo(200);
                }
                assertThat(volume(volumeId).get("status").asString()).isEqualTo("available");
                assertThat(tgtd.show()).doesNotContain(iqn(volumeId));

                // A volume delete racing a reservation: one of them wins, nothing is left half-done.
                Future<Http.Response> reserving = pool.submit(() -> reserve(volumeId, INSTANCE));
                Future<Http.Response> deleting = pool.submit(() -> legacy.delete("/v3/admin/volumes/" + volumeId));
                int reserveStatus = reserving.get().status();
                int deleteStatus = deleting.get().status();
                assertThat(reserveStatus == 200 ^ deleteStatus == 202).as("exactly one wins: reserve %s, delete %s",
                        reserveStatus, deleteStatus).isTrue();
                if (reserveStatus == 200) {
                    assertThat(volume(volumeId).get("status").asString()).isEqualTo("reserved");
                    String id = reserving.get().json().get("attachment").get("id").asString();
                    assertThat(nova.delete("/v3/admin/attachments/" + id).status()).isEqualTo(200);
                    assertThat(legacy.delete("/v3/admin/volumes/" + volumeId).status()).isEqualTo(202);
                }
                Await.until("volume " + volumeId + " deleted", WAIT,
                        () -> legacy.get("/v3/admin/volumes/" + volumeId).status() == 404);
                assertThat(Files.exists(blockSource(volumeId))).isFalse();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theOpenstackCliShowsAttachments() {
        Cli.assumeInstalled();
        String volumeId = createVolume(null);
        Attached a = novaAttach(volumeId, INSTANCE);
        JsonNode list = cli.openstackJson("--os-volume-api-version", "3.27", "volume", "attachment", "list");
        assertThat(list.toString()).contains(a.id()).contains(volumeId).contains("attached");
        JsonNode shown = cli.openstackJson("--os-volume-api-version", "3.44", "volume", "attachment", "show", a.id());
        assertThat(shown.get("Volume ID").asString()).isEqualTo(volumeId);
        assertThat(shown.get("Status").asString()).isEqualTo("attached");
        assertThat(shown.get("Attach Mode").asString()).isEqualTo("rw");
        JsonNode volume = cli.openstackJson("volume", "show", volumeId);
        assertThat(volume.get("status").asString()).isEqualTo("in-use");
        assertThat(volume.get("attachments").toString()).contains(a.id()).contains(INSTANCE);
        assertThat(nova.delete("/v3/admin/attachments/" + a.id()).status()).isEqualTo(200);
    }
}
