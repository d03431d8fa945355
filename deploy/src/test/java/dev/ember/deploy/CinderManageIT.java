package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.common.db.Timestamps;
import dev.ember.common.pool.PoolRepository;
import dev.ember.common.service.ServiceRepository;
import dev.ember.common.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * {@code deploy/bin/cinder-manage}, the packaged command, run as an operator runs it (a JVM per command,
 * configured by a {@code cinder.conf}) against a running deployment: the database commands, the service
 * commands and the volume repair helpers, with Cinder's messages and exit codes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CinderManageIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private InJvmCluster cluster;
    private Http admin;
    private JdbcTemplate jdbc;
    private Path conf;

    @BeforeAll
    void start() throws Exception {
        cluster = new InJvmCluster(Map.of());
        cluster.startApi().startScheduler("msched");
        cluster.startVolume("mnode1", "noop-1", Map.of("volume_driver", "noop", "volume_backend_name", "noop-1"));
        cluster.startVolume("mnode2", "noop-1", Map.of("volume_driver", "noop", "volume_backend_name", "noop-1"));
        admin = cluster.http().as("admin:admin");
        jdbc = cluster.bean(JdbcTemplate.class);
        conf = cinderConf(cluster.database().connection());
        Await.until("both pools", WAIT, () -> {
            String pools = admin.get("/v3/admin/scheduler-stats/get_pools").body();
            return pools.contains("mnode1@noop-1#") && pools.contains("mnode2@noop-1#");
        });
    }

    private Path cinderConf(String connection) throws IOException {
        Path dir = Files.createTempDirectory("ember-manage");
        return Files.writeString(dir.resolve("cinder.conf"), """
                [DEFAULT]
                transport_url = %s
                service_down_time = 4
                [database]
                connection = %s
                """.formatted(cluster.broker().transportUrl(), connection));
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void versionAndDbSyncAndVersionOnAFreshDatabase() throws Exception {
        assertThat(manage(conf, "version").output().strip()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        try (TestDatabase fresh = TestDatabase.create()) {
            Path freshConf = cinderConf(fresh.connection());
            assertThat(manage(freshConf, "db", "version").output().strip()).isEqualTo("None");
            Shell.Result sync = manage(freshConf, "db", "sync");
            assertThat(sync.exit()).as(sync.toString()).isZero();
            assertThat(manage(freshConf, "db", "version").output().strip()).isEqualTo(latestMigration());
        }
    }

    @Test
    void serviceListAndRemove() {
        cluster.bean(ServiceRepository.class).register("ghost@lvm", ServiceRepository.VOLUME, "cinder-volume",
                "nova", Instant.now().minus(Duration.ofHours(1)));
        Shell.Result list = manage(conf, "service", "list");
        assertThat(list.exit()).as(list.toString()).isZero();
        List<String> lines = list.output().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines.get(0)).isEqualTo(String.format("%-16s %-36s %-16s %-10s %-5s %-20s %-12s %-15s %-36s",
                "Binary", "Host", "Zone", "Status", "State", "Updated At", "RPC Version", "Object Version", "Cluster"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(String.format("%-16s %-36s %-16s %-10s %-5s ",
                "cinder-scheduler", "msched", "nova", "enabled", ":-)")));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(String.format("%-16s %-36s %-16s %-10s %-5s ",
                "cinder-volume", "mnode1@noop-1", "nova", "enabled", ":-)")).contains(" 3.0 ", " 1.0 "));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(String.format("%-16s %-36s %-16s %-10s %-5s ",
                "cinder-volume", "ghost@lvm", "nova", "enabled", "XXX")));

        Shell.Result removed = manage(conf, "service", "remove", "cinder-volume", "ghost@lvm");
        assertThat(removed.exit()).as(removed.toString()).isZero();
        assertThat(removed.output()).contains("Service cinder-volume on host ghost@lvm removed.");
        assertThat(manage(conf, "service", "list").output()).doesNotContain("ghost@lvm");
        Shell.Result again = manage(conf, "service", "remove", "cinder-volume", "ghost@lvm");
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.output()).contains("Host not found. Failed to remove cinder-volume on ghost@lvm.");
    }

    @Test
    void updateHostMovesVolumesAndTheirCapacityClaims() {
        String id = createAvailable("to-move", 3);
        String from = host(id);
        assertThat(from).startsWith("mnode1@noop-1#").as("the scheduler may pick either node");
        String to = from.replace("mnode1@", "mnode2@");
        long fromBefore = allocated(from);
        long toBefore = allocated(to);
        Shell.Result moved = manage(conf, "volume", "update_host", "--currenthost", "mnode1@noop-1", "--newhost", to);
        assertThat(moved.exit()).as(moved.toString()).isZero();
        assertThat(host(id)).isEqualTo(to);
        assertThat(allocated(from)).isEqualTo(fromBefore - 3);
        assertThat(allocated(to)).isEqualTo(toBefore + 3);

        // The repair delete reaches the volume's new backend, which deletes it.
        admin.post("/v3/admin/volumes/" + id + "/action", "{\"os-reset_status\": {\"status\": \"error_deleting\"}}");
        Shell.Result deleted = manage(conf, "volume", "delete", id);
        assertThat(deleted.exit()).as(deleted.toString()).isZero();
        Await.until("the volume deleted by mnode2", WAIT, () -> admin.get("/v3/admin/volumes/" + id).status() == 404);
        assertThat(allocated(to)).isEqualTo(toBefore);
    }

    @Test
    void volumeDeleteRefusesInUseAndDeletesUnplacedInTheDatabase() {
        String inUse = createAvailable("in-use", 1);
        // As an attached volume looks, set directly: attaching is not what this test is about.
        jdbc.update("UPDATE volumes SET status = 'in-use', attach_status = 'attached' WHERE id = ?", inUse);
        Shell.Result refused = manage(conf, "volume", "delete", inUse);
        assertThat(refused.output()).contains("Volume is in-use.", "Detach volume from instance and then try again.");
        assertThat(status(inUse)).isEqualTo("in-use");

        int usedBefore = volumesInUse();
        String unplaced = createAvailable("never-placed", 1);
        assertThat(volumesInUse()).isEqualTo(usedBefore + 1);
        // As if its scheduling had failed: no host, no claim.
        String pool = host(unplaced);
        jdbc.update("UPDATE volumes SET host = NULL, status = 'error' WHERE id = ?", unplaced);
        cluster.bean(PoolRepository.class).release(pool, 1);
        Shell.Result deleted = manage(conf, "volume", "delete", unplaced);
        assertThat(deleted.exit()).as(deleted.toString()).isZero();
        assertThat(deleted.output()).contains("Volume not yet assigned to host.",
                "Deleting volume from database and skipping rpc.");
        assertThat(admin.get("/v3/admin/volumes/" + unplaced).status()).isEqualTo(404);
        assertThat(volumesInUse()).isEqualTo(usedBefore);

        Shell.Result missing = manage(conf, "volume", "delete", "00000000-0000-0000-0000-000000000000");
        assertThat(missing.exit()).isEqualTo(1);
    }

    @Test
    void dbPurgeRemovesOnlyOldSoftDeletedRows() {
        String old = createAvailable("old", 1);
        String recent = createAvailable("recent", 1);
        String live = createAvailable("live", 1);
        admin.post("/v3/admin/volumes/" + old + "/metadata", "{\"metadata\": {\"k\": \"v\"}}");
        for (String id : List.of(old, recent)) {
            assertThat(admin.delete("/v3/admin/volumes/" + id).status()).isEqualTo(202);
            Await.until("volume " + id + " deleted", WAIT, () -> admin.get("/v3/admin/volumes/" + id).status() == 404);
        }
        String transfer = withdrawnTransfer(live);
        String group = deletedGroup();
        String fortyDaysAgo = Timestamps.toDb(Instant.now().minus(Duration.ofDays(40)));
        jdbc.update("UPDATE volumes SET deleted_at = ? WHERE id = ?", fortyDaysAgo, old);
        jdbc.update("UPDATE transfers SET deleted_at = ? WHERE id = ?", fortyDaysAgo, transfer);
        jdbc.update("UPDATE `groups` SET deleted_at = ? WHERE id = ?", fortyDaysAgo, group);

        Shell.Result zero = manage(conf, "db", "purge", "0");
        assertThat(zero.exit()).isEqualTo(1);
        assertThat(zero.output()).contains("Must supply a positive, non-zero value for age");

        Shell.Result purged = manage(conf, "db", "purge", "30");
        assertThat(purged.exit()).as(purged.toString()).isZero();
        assertThat(purged.output()).contains("Deleted 1 rows from table=volume_metadata", "Deleted 1 rows from table=volumes",
                "Deleted 1 rows from table=transfers", "Deleted 1 rows from table=groups",
                "Deleted 1 rows from table=group_volume_type_mapping");
        assertThat(rows("SELECT COUNT(*) FROM transfers WHERE id = ?", transfer)).isZero();
        assertThat(rows("SELECT COUNT(*) FROM `groups` WHERE id = ?", group)).isZero();
        assertThat(rows("SELECT COUNT(*) FROM volumes WHERE id = ?", old)).isZero();
        assertThat(rows("SELECT COUNT(*) FROM volume_metadata WHERE volume_id = ?", old)).isZero();
        assertThat(rows("SELECT COUNT(*) FROM volumes WHERE id = ? AND deleted = TRUE", recent)).isEqualTo(1);
        assertThat(rows("SELECT COUNT(*) FROM volumes WHERE id = ? AND deleted = FALSE", live)).isEqualTo(1);
    }

    /** A transfer of the volume, created and withdrawn (soft-deleted); the volume is available again. */
    private String withdrawnTransfer(String volume) {
        Http.Response created = admin.post("/v3/admin/os-volume-transfer",
                "{\"transfer\": {\"volume_id\": \"" + volume + "\", \"name\": \"t\"}}");
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        String id = created.json().get("transfer").get("id").asString();
        assertThat(admin.delete("/v3/admin/os-volume-transfer/" + id).status()).isEqualTo(202);
        return id;
    }

    /** An empty group of a new group type, deleted through the API. */
    private String deletedGroup() {
        Http at = admin.withVersion("3.13");
        Http.Response type = at.post("/v3/admin/group_types", "{\"group_type\": {\"name\": \"purge-gt\"}}");
        assertThat(type.status()).as(type.body()).isEqualTo(202);
        String volumeType = admin.get("/v3/admin/types/default").json().get("volume_type").get("id").asString();
        Http.Response created = at.post("/v3/admin/groups", "{\"group\": {\"name\": \"purge-g\", \"group_type\": \""
                + type.json().get("group_type").get("id").asString() + "\", \"volume_types\": [\"" + volumeType + "\"]}}");
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        String id = created.json().get("group").get("id").asString();
        Await.until("group " + id + " available", WAIT,
                () -> "available".equals(at.get("/v3/admin/groups/" + id).json().get("group").get("status").asString()));
        Http.Response deleted = at.post("/v3/admin/groups/" + id + "/action", "{\"delete\": {\"delete-volumes\": false}}");
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(202);
        Await.until("group " + id + " deleted", WAIT, () -> at.get("/v3/admin/groups/" + id).status() == 404);
        return id;
    }

    private Shell.Result manage(Path config, String... args) {
        Path home = Path.of(System.getProperty("ember.home", ".")).toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/cinder-manage").toString(), "--config-file",
                config.toString()));
        command.addAll(List.of(args));
        return Shell.run(command, Duration.ofSeconds(90));
    }

    private String createAvailable(String name, int size) {
        Http.Response created = admin.post("/v3/admin/volumes",
                "{\"volume\": {\"size\": " + size + ", \"name\": \"" + name + "\"}}");
        assertThat(created.status()).as(created.toString()).isEqualTo(202);
        String id = created.json().get("volume").get("id").asString();
        Await.until("volume " + name + " available", WAIT, () -> "available".equals(status(id)));
        return id;
    }

    private String status(String id) {
        JsonNode volume = admin.get("/v3/admin/volumes/" + id).json().get("volume");
        return volume == null ? null : volume.get("status").asString();
    }

    private String host(String id) {
        return jdbc.queryForObject("SELECT host FROM volumes WHERE id = ?", String.class, id);
    }

    private long allocated(String pool) {
        List<Long> found = jdbc.queryForList("SELECT allocated_capacity_gb FROM pools WHERE name = ?", Long.class, pool);
        return found.isEmpty() ? 0 : found.get(0);
    }

    private int volumesInUse() {
        return admin.get("/v3/admin/os-quota-sets/admin?usage=true").json().get("quota_set").get("volumes")
                .get("in_use").asInt();
    }

    private long rows(String sql, Object... args) {
        return jdbc.queryForObject(sql, Long.class, args);
    }

    /** The highest V<n>__ migration the services ship. */
    private static String latestMigration() throws IOException {
        Path root = Path.of(System.getProperty("ember.home", ".")).toAbsolutePath().resolve("../common/src/main");
        try (Stream<Path> files = Files.walk(root)) {
            return String.valueOf(files.map(p -> p.getFileName().toString()).filter(n -> n.matches("V\\d+__.*"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElseThrow());
        }
    }
}
