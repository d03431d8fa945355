package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.common.pool.PoolRepository;
import dev.ember.common.db.Timestamps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 8's leak (chaos seed 20261203: two volume files on node1@f1 with no live row). A volume service killed
 * after its driver made a volume's file but before it wrote {@code available} leaves the row {@code creating};
 * once the backend has been down for {@code reschedule_after}, the re-drive takes the create back and places it
 * elsewhere. The file on the dead backend must not outlive that: the backend removes it when it runs again, or,
 * if it never stopped (only its heartbeat did), on its next periodic pass.
 */
class AbandonedStorageIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aCreateTakenBackFromAKilledBackendLeavesNoFileThereOnceItRuns() throws Exception {
        try (InJvmCluster cluster = new InJvmCluster(Map.of("cinder.ember.redrive-after", "2",
                "cinder.ember.reschedule-after", "5"))) {
            cluster.startApi().startScheduler("sched1");
            Path dir1 = Files.createDirectories(cluster.state().resolve("node1-f1"));
            Path dir2 = Files.createDirectories(cluster.state().resolve("node2-f2"));
            ConfigurableApplicationContext node1 = cluster.startVolume("node1", "f1", file(dir1));
            Http admin = cluster.http();
            awaitPool(admin, "node1@f1#f1");
            String id = create(admin);
            awaitStatus(admin, id, "available");
            Path leaked = dir1.resolve("volume-" + id);
            assertThat(leaked).exists();

            // node1 dies after its driver made the file and before the row said so.
            node1.close();
            sql(cluster, "UPDATE volumes SET status = 'creating', launched_at = NULL, provider_location = NULL WHERE id = ?", id);
            cluster.startVolume("node2", "f2", file(dir2));

            Await.until("the create taken back from node1 and made on node2", WAIT,
                    () -> "available".equals(status(admin, id)) && host(admin, id).startsWith("node2@f2"));
            assertThat(dir2.resolve("volume-" + id)).exists();
            assertThat(admin.delete("/v3/admin/volumes/" + id).status()).isEqualTo(202);
            Await.until("the volume deleted", WAIT, () -> admin.get("/v3/admin/volumes/" + id).status() == 404);
            assertThat(dir2.resolve("volume-" + id)).doesNotExist();
            assertThat(leaked).as("node1 has not run since").exists();

            cluster.startVolume("node1", "f1", file(dir1));
            Await.until("node1's file of the volume that left it removed", WAIT, () -> !Files.exists(leaked));
            Await.until("nothing left to remove", WAIT, () -> count(cluster, "SELECT COUNT(*) FROM abandoned_storage") == 0);
        }
    }

    @Test
    void aBackendThatNeverStoppedRemovesTheFileOfAVolumeTakenBackFromIt() throws Exception {
        try (InJvmCluster cluster = new InJvmCluster(Map.of("cinder.ember.redrive-after", "30"))) {
            cluster.startApi().startScheduler("sched1");
            Path dir1 = Files.createDirectories(cluster.state().resolve("node1-f1"));
            cluster.startVolume("node1", "f1", file(dir1));
            Http admin = cluster.http();
            awaitPool(admin, "node1@f1#f1");
            String id = create(admin);
            awaitStatus(admin, id, "available");
            Path file = dir1.resolve("volume-" + id);
            assertThat(file).exists();

            // As the re-drive does when node1's heartbeat is old: the create taken back (here, as if it had not
            // finished), and then the volume, now without a host, deleted by the API at once.
            sql(cluster, "UPDATE volumes SET status = 'creating' WHERE id = ?", id);
            assertThat(cluster.bean(PoolRepository.class).unplace(id, "node1@f1#f1", 1, Timestamps.now())).isTrue();
            assertThat(admin.delete("/v3/admin/volumes/" + id).status()).isEqualTo(202);
            assertThat(admin.get("/v3/admin/volumes/" + id).status()).isEqualTo(404);

            Await.until("node1 removed the file of the volume that left it", WAIT, () -> !Files.exists(file));
            Await.until("nothing left to remove", WAIT, () -> count(cluster, "SELECT COUNT(*) FROM abandoned_storage") == 0);
        }
    }

    private static Map<String, String> file(Path dir) {
        return Map.of("volume_driver", "file", "volume_backend_name", dir.getFileName().toString().replaceFirst(".*-", ""),
                "file_volumes_dir", dir.toString());
    }

    private static void awaitPool(Http admin, String pool) {
        Await.until(pool + " reporting", WAIT, () -> admin.get("/v3/admin/scheduler-stats/get_pools").body().contains(pool));
    }

    private static String create(Http admin) {
        return admin.post("/v3/admin/volumes", "{\"volume\": {\"size\": 1}}").json().get("volume").get("id").asString();
    }

    private static void awaitStatus(Http admin, String id, String status) {
        Await.until("volume " + id + " " + status, WAIT, () -> status.equals(status(admin, id)));
    }

    private static String status(Http admin, String id) {
        return admin.get("/v3/admin/volumes/" + id).json().get("volume").get("status").asString();
    }

    private static String host(Http admin, String id) {
        var host = admin.get("/v3/admin/volumes/" + id).json().get("volume").get("os-vol-host-attr:host");
        return host.isNull() ? "" : host.asString();
    }

    private static void sql(InJvmCluster cluster, String statement, String id) throws Exception {
        try (Connection c = cluster.database().connect(); PreparedStatement ps = c.prepareStatement(statement)) {
            ps.setString(1, id);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private static long count(InJvmCluster cluster, String query) {
        try (Connection c = cluster.database().connect(); ResultSet rs = c.createStatement().executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
