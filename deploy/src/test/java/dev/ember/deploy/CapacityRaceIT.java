package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * 200 creates at once through two schedulers against a pool with room for 100: the capacity claims
 * made in the database let exactly 100 through, and the rest fail cleanly with a reason.
 */
class CapacityRaceIT {

    @Test
    void exactlyTheRoomThereIsGetsUsed() throws Exception {
        try (InJvmCluster cluster = new InJvmCluster(Map.of("cinder.ember.rpc-consumers", "8",
                "cinder.quota-volumes", "-1", "cinder.quota-gigabytes", "-1"))) {
            cluster.startApi().startScheduler("sched1").startScheduler("sched2");
            cluster.startVolume("node1", "capped", Map.of("volume_driver", "noop", "noop_capacity_gb", "100",
                    "noop_thin_provisioning", "false"));
            Http admin = cluster.http();
            Await.until("capped pool", Duration.ofSeconds(30),
                    () -> admin.get("/v3/admin/scheduler-stats/get_pools").body().contains("node1@capped#capped"));

            ExecutorService pool = Executors.newFixedThreadPool(64);
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int n = i;
                answers.add(pool.submit(() -> admin.post("/v3/admin/volumes",
                        "{\"volume\": {\"size\": 1, \"name\": \"race-" + n + "\"}}").status()));
            }
            for (Future<Integer> answer : answers) {
                assertThat(answer.get()).isEqualTo(202);
            }
            pool.shutdown();

            Await.until("every create settled", Duration.ofSeconds(60), () -> count(cluster, "status = 'creating'") == 0);
            assertThat(count(cluster, "status = 'available'")).isEqualTo(100);
            assertThat(count(cluster, "status = 'error'")).isEqualTo(100);
            assertThat(count(cluster, "status = 'error' AND host IS NULL")).as("refused before placement").isEqualTo(100);
            try (Connection c = cluster.database().connect()) {
                ResultSet rs = c.createStatement().executeQuery(
                        "SELECT allocated_capacity_gb, volume_count FROM pools WHERE name = 'node1@capped#capped'");
                rs.next();
                assertThat(rs.getLong(1)).as("claimed GiB").isEqualTo(100);
                assertThat(rs.getInt(2)).as("claimed volumes").isEqualTo(100);
                ResultSet messages = c.createStatement().executeQuery("SELECT COUNT(DISTINCT resource_uuid) FROM messages "
                        + "WHERE event_id = 'VOLUME_VOLUME_001_003' AND resource_uuid IN (SELECT id FROM volumes WHERE status = 'error')");
                messages.next();
                assertThat(messages.getInt(1)).as("every refused volume has a user message").isEqualTo(100);
            }
        }
    }

    private static long count(InJvmCluster cluster, String where) {
        try (Connection c = cluster.database().connect();
                ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM volumes WHERE deleted = FALSE AND " + where)) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
