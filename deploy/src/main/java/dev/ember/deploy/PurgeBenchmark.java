package dev.ember.deploy;

import com.zaxxer.hikari.HikariDataSource;
import dev.ember.common.config.DatabaseUrl;
import dev.ember.common.db.MonthPartitions;
import dev.ember.common.db.Purge;
import dev.ember.common.db.Timestamps;
import dev.ember.common.db.Tx;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * Measures {@code cinder-manage db purge} on a MariaDB/MySQL server, run by hand (results in
 * docs/performance.md): {@code deploy/bin/ember cinder-purge-bench --server=mysql://root:@127.0.0.1:3306
 * --rows=1000000} (optionally {@code --batch=N --workers=N}, default Purge's). In a scratch database of its own (dropped at the end) it migrates the schema, makes the month
 * partitions a server running for the last four months would have, and fills it with random (version 4)
 * volume ids, as Ember makes them, each deleted row in its deletion month's partition:
 * <ul>
 *   <li>{@code rows} volumes soft-deleted 60 to 90 days ago ({@code old-}), four in ten with one metadata row,
 *       one in ten with a snapshot deleted with it, which has one metadata row: all of this must go;</li>
 *   <li>{@code rows/10} volumes deleted yesterday ({@code recent-}) and {@code rows/10} live ones
 *       ({@code live-}), each with one metadata row, one in ten with a snapshot (deleted yesterday, or live)
 *       with one metadata row;</li>
 *   <li>{@code rows/1000} volumes deleted as long ago as the old ones but with a live snapshot
 *       ({@code pinned-}), each with one metadata row: kept, as Cinder keeps them.</li>
 * </ul>
 * It times a purge of rows older than 30 days, then checks that exactly the old rows went, that every recent,
 * live and pinned row survived with its children, and that no metadata row is left without its parent. While
 * the purge runs, a writer updates live volumes and inserts new ones, as the API would, and reports its waits.
 */
public final class PurgeBenchmark {

    private PurgeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            if (arg.startsWith("--") && arg.contains("=")) {
                options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            }
        }
        String server = options.getOrDefault("server", "mysql://root:@127.0.0.1:3306");
        int rows = Integer.parseInt(options.getOrDefault("rows", "1000000"));
        int batch = Integer.parseInt(options.getOrDefault("batch", String.valueOf(Purge.BATCH)));
        int workers = Integer.parseInt(options.getOrDefault("workers", String.valueOf(Purge.WORKERS)));
        String name = "ember_purge_bench_" + UUID.randomUUID().toString().substring(0, 8);
        DatabaseUrl admin = DatabaseUrl.parse(server.replaceAll("/+$", "") + "/mysql");
        try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.username(), admin.password());
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        }
        DatabaseUrl url = DatabaseUrl.parse(server.replaceAll("/+$", "") + "/" + name);
        try (HikariDataSource ds = new HikariDataSource()) {
            // the fill's INSERT ... SELECTs of a million rows outlast the services' 30 s socket timeout
            ds.setJdbcUrl(url.jdbcUrl().replace("socketTimeout=30000", "socketTimeout=900000"));
            ds.setUsername(url.username());
            ds.setPassword(url.password());
            ds.setMaximumPoolSize(4);
            // as the services and cinder-manage run (CommonConfiguration)
            ds.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
            Flyway.configure().dataSource(ds).load().migrate();
            JdbcTemplate jdbc = new JdbcTemplate(ds);
            long fillStart = System.nanoTime();
            fill(jdbc, rows);
            System.out.printf("filled %,d old deleted volumes (+ metadata, snapshots), %,d recent deleted, %,d live, %,d pinned"
                    + " in %.1f s%n", rows, rows / 10, rows / 10, rows / 1000, (System.nanoTime() - fillStart) / 1e9);
            Purge purge = new Purge(jdbc, new Tx(new DataSourceTransactionManager(ds), new SimpleMeterRegistry()),
                    batch, workers);
            Writer writer = new Writer(url, jdbc.queryForList(
                    "SELECT id FROM volumes WHERE display_name LIKE 'live-%' LIMIT 1000", String.class), type(jdbc));
            Thread writes = new Thread(writer, "api-writes");
            writes.start();
            long start = System.nanoTime();
            Map<String, Long> removed;
            try {
                removed = purge.olderThan(Timestamps.now().minus(Duration.ofDays(30)));
            } finally {
                writer.stop = true;
                writes.join();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long total = removed.values().stream().mapToLong(Long::longValue).sum();
            System.out.printf("purge: %s in %.1f s (%,.0f rows/s)%n", removed, seconds, total / seconds);
            writer.report();
            check(jdbc, rows, removed);
        } finally {
            try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.username(), admin.password());
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name);
            }
        }
    }

    private static String type(JdbcTemplate jdbc) {
        return jdbc.queryForObject("SELECT id FROM volume_types WHERE name = '__DEFAULT__'", String.class);
    }

    /**
     * What the API does while the purge runs, on a connection of its own: every 20 ms an update of a live
     * volume and the insert of a new one (the {@code probe-} volumes, live, so they stay). Reports how long
     * the slowest waited: a purge that locked a table would show here.
     */
    private static final class Writer implements Runnable {

        private final DatabaseUrl url;
        private final List<String> live;
        private final String type;
        private final List<Long> micros = new ArrayList<>();
        private volatile boolean stop;
        private volatile Exception failure;

        Writer(DatabaseUrl url, List<String> live, String type) {
            this.url = url;
            this.live = live;
            this.type = type;
        }

        @Override
        public void run() {
            try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.username(), url.password());
                    PreparedStatement update = c.prepareStatement("UPDATE volumes SET updated_at = ? WHERE id = ?");
                    PreparedStatement insert = c.prepareStatement("INSERT INTO volumes (id, project_id, size, status, "
                            + "attach_status, volume_type_id, display_name, created_at, deleted) "
                            + "VALUES (?, 'project-0', 1, 'available', 'detached', ?, 'probe-', ?, FALSE)")) {
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                for (int i = 0; !stop; i++) {
                    String now = Timestamps.toDb(Timestamps.now());
                    long t0 = System.nanoTime();
                    update.setString(1, now);
                    update.setString(2, live.get(i % live.size()));
                    update.executeUpdate();
                    long t1 = System.nanoTime();
                    insert.setString(1, UUID.randomUUID().toString());
                    insert.setString(2, type);
                    insert.setString(3, now);
                    insert.executeUpdate();
                    long t2 = System.nanoTime();
                    micros.add((t1 - t0) / 1000);
                    micros.add((t2 - t1) / 1000);
                    Thread.sleep(20);
                }
            } catch (Exception e) {
                failure = e;
            }
        }

        void report() {
            if (failure != null) {
                throw new IllegalStateException("a write beside the purge failed", failure);
            }
            List<Long> sorted = new ArrayList<>(micros);
            Collections.sort(sorted);
            if (sorted.isEmpty()) {
                return;
            }
            System.out.printf("writes beside the purge: %,d (updates of live volumes, inserts), median %.1f ms, p99 %.1f ms,"
                    + " max %.1f ms%n", sorted.size(), sorted.get(sorted.size() / 2) / 1e3,
                    sorted.get(sorted.size() * 99 / 100) / 1e3, sorted.get(sorted.size() - 1) / 1e3);
        }
    }

    /**
     * {@code n} volumes named {@code prefix<seq>}, their last change (deletion, when {@code deleted}) up to
     * {@code spread} seconds before {@code latest}, scattered by a hash of the sequence number.
     */
    private static void volumes(JdbcTemplate jdbc, String type, String prefix, int n, String status, boolean deleted,
            String latest, int spread) {
        String h = "MD5(CONCAT('" + prefix + "', seq))";
        String d = "TIMESTAMPADD(SECOND, -CAST(CRC32(CONCAT('d', seq)) % " + spread + " AS SIGNED), '" + latest + "')";
        jdbc.update("INSERT INTO volumes (id, project_id, user_id, host, size, status, attach_status, volume_type_id, "
                + "display_name, created_at, updated_at, deleted_at, deleted, purge_month) SELECT LOWER(CONCAT(LPAD(HEX(FLOOR((seq - 1) * "
                + "4294967296 / " + n + ")), 8, '0'), '-', SUBSTR(" + h + ", 9, 4), '-4', SUBSTR(" + h + ", 14, 3), '-a', "
                + "SUBSTR(" + h + ", 18, 3), '-', SUBSTR(" + h + ", 21, 12))), CONCAT('project-', seq % 100), 'user', "
                + "'node1@noop#noop', 1, ?, 'detached', ?, CONCAT(?, seq), TIMESTAMPADD(DAY, -1 - CAST(CRC32(CONCAT('c', "
                + "seq)) % 20 AS SIGNED), " + d + "), " + d + ", " + (deleted ? d : "NULL") + ", ?, " + (deleted ? "EXTRACT(YEAR_MONTH FROM " + d + ")" : "0")
                + " FROM seq_1_to_" + n,
                status, type, prefix, deleted);
    }

    /** Fails unless exactly the old rows went and every other row stayed with its children. */
    private static void check(JdbcTemplate jdbc, int rows, Map<String, Long> removed) {
        Map<String, Long> expected = Map.of("volumes", (long) rows, "volume_metadata", rows * 4L / 10,
                "snapshots", rows / 10L, "snapshot_metadata", rows / 10L);
        expected.forEach((table, count) -> {
            if (removed.getOrDefault(table, 0L).longValue() != count) {
                throw new IllegalStateException("purge removed " + removed + ", expected " + expected);
            }
        });
        long tenth = rows / 10;
        long pinned = rows / 1000;
        // {query, expected count}: every survivor, and its children, by kind
        Object[][] survivors = {
                {"SELECT COUNT(*) FROM volumes WHERE display_name LIKE 'old-%'", 0L},
                {"SELECT COUNT(*) FROM volumes WHERE display_name LIKE 'recent-%' AND deleted = TRUE", tenth},
                {"SELECT COUNT(*) FROM volumes WHERE display_name LIKE 'live-%' AND deleted = FALSE", tenth},
                {"SELECT COUNT(*) FROM volumes WHERE display_name LIKE 'pinned-%' AND deleted = TRUE", pinned},
                {"SELECT COUNT(*) FROM volume_metadata m JOIN volumes v ON v.id = m.volume_id", 2 * tenth + pinned},
                {"SELECT COUNT(*) FROM volume_metadata m WHERE NOT EXISTS (SELECT 1 FROM volumes v WHERE v.id = m.volume_id)",
                        0L},
                {"SELECT COUNT(*) FROM snapshots s JOIN volumes v ON v.id = s.volume_id", 2 * (tenth / 10) + pinned},
                {"SELECT COUNT(*) FROM snapshots s WHERE s.deleted = FALSE", tenth / 10 + pinned},
                {"SELECT COUNT(*) FROM snapshot_metadata m JOIN snapshots s ON s.id = m.snapshot_id",
                        2 * (tenth / 10) + pinned},
                {"SELECT COUNT(*) FROM snapshot_metadata m WHERE NOT EXISTS "
                        + "(SELECT 1 FROM snapshots s WHERE s.id = m.snapshot_id)", 0L}};
        for (Object[] survivor : survivors) {
            long found = jdbc.queryForObject((String) survivor[0], Long.class);
            if (found != (Long) survivor[1]) {
                throw new IllegalStateException(survivor[0] + ": " + found + ", expected " + survivor[1]);
            }
        }
        System.out.printf("kept %,d recently deleted, %,d live and %,d pinned volumes with their metadata and snapshots,"
                + " as expected; nothing orphaned%n", tenth, tenth, pinned);
    }

    /**
     * Rows made by the server (MariaDB's sequence engine), so filling a million takes minutes, not hours.
     * Timestamps as Cinder leaves them: a deleted row was last updated when it was deleted, and created some
     * days before. Ids look like Ember's (random version 4 UUIDs: spread evenly over the key space, the kinds
     * of volume interleaved, in no relation to age) but each kind is made in key order, and nothing is random
     * or sorted on the server: a large sort or RAND() would need an on-disk temporary table under /tmp, which
     * this shared machine's cleaners delete mid-statement.
     */
    private static void fill(JdbcTemplate jdbc, int rows) {
        String type = type(jdbc);
        Instant now = Timestamps.now();
        // the month partitions a server running for the last four months would have
        MonthPartitions partitions = new MonthPartitions(jdbc);
        YearMonth month = MonthPartitions.monthOf(now);
        MonthPartitions.TABLES.forEach(table -> partitions.ensure(table, month.minusMonths(4), month));
        String at60Days = Timestamps.toDb(now.minus(Duration.ofDays(60)));
        int spreadOver30Days = 30 * 86400;
        volumes(jdbc, type, "old-", rows, "deleted", true, at60Days, spreadOver30Days);
        volumes(jdbc, type, "recent-", rows / 10, "deleted", true, Timestamps.toDb(now.minus(Duration.ofDays(1))), 3600);
        volumes(jdbc, type, "live-", rows / 10, "available", false, Timestamps.toDb(now), 3600);
        volumes(jdbc, type, "pinned-", rows / 1000, "deleted", true, at60Days, spreadOver30Days);
        // old: four in ten with one metadata row; the others: one each
        jdbc.update("INSERT INTO volume_metadata (volume_id, `key`, `value`, created_at) SELECT id, "
                + "IF(display_name LIKE '%0' OR display_name LIKE '%5', 'purpose', 'tier'), 'bench', created_at FROM volumes "
                + "WHERE display_name NOT LIKE 'old-%' OR display_name LIKE '%0' OR display_name LIKE '%5' "
                + "OR display_name LIKE '%2' OR display_name LIKE '%7'");
        // one in ten with a snapshot in the volume's state (deleted with it, or live); pinned ones: a live snapshot
        jdbc.update("INSERT INTO snapshots (id, project_id, user_id, volume_id, status, volume_size, volume_type_id, "
                + "created_at, updated_at, deleted_at, deleted, purge_month) SELECT CONCAT(SUBSTR(id, 1, 24), "
                + "SUBSTR(MD5(id), 1, 12)), project_id, user_id, id, IF(display_name LIKE 'pinned-%', 'available', status), "
                + "1, volume_type_id, created_at, updated_at, IF(display_name LIKE 'pinned-%', NULL, deleted_at), "
                + "deleted AND display_name NOT LIKE 'pinned-%', IF(display_name LIKE 'pinned-%', 0, purge_month) FROM volumes "
                + "WHERE display_name LIKE '%3' OR display_name LIKE 'pinned-%'");
        jdbc.update("INSERT INTO snapshot_metadata (snapshot_id, `key`, `value`, created_at) SELECT id, 'purpose', "
                + "'bench', created_at FROM snapshots");
    }
}
