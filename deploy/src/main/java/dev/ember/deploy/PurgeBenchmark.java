package dev.ember.deploy;

import com.zaxxer.hikari.HikariDataSource;
import dev.ember.common.config.DatabaseUrl;
import dev.ember.common.db.Purge;
import dev.ember.common.db.Timestamps;
import dev.ember.common.db.Tx;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * Measures {@code cinder-manage db purge} on a MariaDB/MySQL server, run by hand (results in
 * docs/performance.md): {@code deploy/bin/ember cinder-purge-bench --server=mysql://root:@127.0.0.1:3306
 * --rows=1000000} (optionally {@code --batch=N --workers=N}, default Purge's). In a scratch database of its own (dropped at the end) it migrates the schema and fills it
 * with random (version 4) volume ids, as Ember makes them:
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
 * live and pinned row survived with its children, and that no metadata row is left without its parent.
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
            long start = System.nanoTime();
            Map<String, Long> removed = purge.olderThan(Timestamps.now().minus(Duration.ofDays(30)));
            double seconds = (System.nanoTime() - start) / 1e9;
            long total = removed.values().stream().mapToLong(Long::longValue).sum();
            System.out.printf("purge: %s in %.1f s (%,.0f rows/s)%n", removed, seconds, total / seconds);
            check(jdbc, rows, removed);
        } finally {
            try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.username(), admin.password());
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name);
            }
        }
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

    /** A random (version 4) UUID per row of {@code seq_1_to_<n>}, as Ember's ids are: column {@code vid}. */
    private static String randomIds(long n) {
        return "(SELECT CAST(seq AS SIGNED) AS seq, LOWER(CONCAT(SUBSTR(h, 1, 8), '-', SUBSTR(h, 9, 4), '-4', SUBSTR(h, 14, 3), '-a', "
                + "SUBSTR(h, 18, 3), '-', SUBSTR(h, 21, 12))) AS vid FROM (SELECT seq, MD5(CONCAT(seq, '/', RAND())) AS h "
                + "FROM seq_1_to_" + n + ") r) x";
    }

    /**
     * Rows made by the server (MariaDB's sequence engine), so filling a million takes seconds, not minutes.
     * Timestamps as Cinder leaves them: a deleted row was last updated when it was deleted, and created some
     * days before.
     */
    private static void fill(JdbcTemplate jdbc, int rows) {
        String type = jdbc.queryForObject("SELECT id FROM volume_types WHERE name = '__DEFAULT__'", String.class);
        Instant now = Timestamps.now();
        String insert = "INSERT INTO volumes (id, project_id, user_id, host, size, status, attach_status, volume_type_id, "
                + "display_name, created_at, updated_at, deleted_at, deleted) SELECT vid, CONCAT('project-', seq % 100), "
                + "'user', 'node1@noop#noop', 1, ?, 'detached', ?, CONCAT(?, seq), "
                + "TIMESTAMPADD(DAY, -1 - seq % 20, d), d, IF(?, d, NULL), ? FROM (SELECT x.*, "
                + "TIMESTAMPADD(SECOND, -(seq % ?), ?) AS d FROM ";
        // in id order, so that InnoDB appends to the primary key instead of splitting random pages (the table
        // ends up as a long-running server's would, its rows in id order)
        int spreadOver30Days = 30 * 86400;
        String at60Days = Timestamps.toDb(now.minus(Duration.ofDays(60)));
        jdbc.update(insert + randomIds(rows) + ") y ORDER BY vid", "deleted", type, "old-", true, true, spreadOver30Days, at60Days);
        jdbc.update(insert + randomIds(rows / 10) + ") y ORDER BY vid", "deleted", type, "recent-", true, true, 3600,
                Timestamps.toDb(now.minus(Duration.ofDays(1))));
        jdbc.update(insert + randomIds(rows / 10) + ") y ORDER BY vid", "available", type, "live-", false, false, 3600,
                Timestamps.toDb(now));
        jdbc.update(insert + randomIds(rows / 1000) + ") y ORDER BY vid", "deleted", type, "pinned-", true, true, spreadOver30Days,
                at60Days);
        // old: four in ten with one metadata row; the others: one each
        jdbc.update("INSERT INTO volume_metadata (volume_id, `key`, `value`, created_at) SELECT id, "
                + "IF(display_name LIKE '%0' OR display_name LIKE '%5', 'purpose', 'tier'), 'bench', created_at FROM volumes "
                + "WHERE display_name NOT LIKE 'old-%' OR display_name LIKE '%0' OR display_name LIKE '%5' "
                + "OR display_name LIKE '%2' OR display_name LIKE '%7'");
        // one in ten with a snapshot in the volume's state (deleted with it, or live); pinned ones: a live snapshot
        jdbc.update("INSERT INTO snapshots (id, project_id, user_id, volume_id, status, volume_size, volume_type_id, "
                + "created_at, updated_at, deleted_at, deleted) SELECT CONCAT(SUBSTR(id, 1, 24), SUBSTR(MD5(id), 1, 12)), "
                + "project_id, user_id, id, IF(display_name LIKE 'pinned-%', 'available', status), 1, volume_type_id, "
                + "created_at, updated_at, IF(display_name LIKE 'pinned-%', NULL, deleted_at), "
                + "deleted AND display_name NOT LIKE 'pinned-%' FROM volumes "
                + "WHERE display_name LIKE '%3' OR display_name LIKE 'pinned-%'");
        jdbc.update("INSERT INTO snapshot_metadata (snapshot_id, `key`, `value`, created_at) SELECT id, 'purpose', "
                + "'bench', created_at FROM snapshots");
    }
}
