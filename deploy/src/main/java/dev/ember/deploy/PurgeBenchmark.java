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
 * --rows=1000000}. In a scratch database of its own (dropped at the end) it migrates the schema, then
 * fills {@code volumes} with {@code rows} soft-deleted volumes 60 to 90 days old (four in ten with one
 * metadata row, one in ten with a deleted snapshot), {@code rows/10} deleted yesterday and {@code rows/10}
 * live ones, and times a purge of rows older than 30 days. It checks that exactly the old rows went.
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
        String name = "ember_purge_bench_" + UUID.randomUUID().toString().substring(0, 8);
        DatabaseUrl admin = DatabaseUrl.parse(server.replaceAll("/+$", "") + "/mysql");
        try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.username(), admin.password());
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        }
        DatabaseUrl url = DatabaseUrl.parse(server.replaceAll("/+$", "") + "/" + name);
        try (HikariDataSource ds = new HikariDataSource()) {
            ds.setJdbcUrl(url.jdbcUrl());
            ds.setUsername(url.username());
            ds.setPassword(url.password());
            ds.setMaximumPoolSize(2);
            Flyway.configure().dataSource(ds).load().migrate();
            JdbcTemplate jdbc = new JdbcTemplate(ds);
            long fillStart = System.nanoTime();
            fill(jdbc, rows);
            System.out.printf("filled %,d old deleted volumes (+ metadata, snapshots), %,d recent deleted, %,d live in %.1f s%n",
                    rows, rows / 10, rows / 10, (System.nanoTime() - fillStart) / 1e9);
            Purge purge = new Purge(jdbc, new Tx(new DataSourceTransactionManager(ds), new SimpleMeterRegistry()));
            long start = System.nanoTime();
            Map<String, Long> removed = purge.olderThan(Timestamps.now().minus(Duration.ofDays(30)));
            double seconds = (System.nanoTime() - start) / 1e9;
            long total = removed.values().stream().mapToLong(Long::longValue).sum();
            System.out.printf("purge: %s in %.1f s (%,.0f rows/s)%n", removed, seconds, total / seconds);
            long left = jdbc.queryForObject("SELECT COUNT(*) FROM volumes", Long.class);
            long leftMeta = jdbc.queryForObject("SELECT COUNT(*) FROM volume_metadata", Long.class);
            if (removed.getOrDefault("volumes", 0L) != rows || left != rows / 10 * 2 || leftMeta != 0) {
                throw new IllegalStateException("unexpected purge result: " + removed + ", volumes left " + left
                        + ", metadata left " + leftMeta);
            }
            System.out.printf("kept %,d volumes (recently deleted and live), as expected%n", left);
        } finally {
            try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.username(), admin.password());
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name);
            }
        }
    }

    /** Rows made by the server (MariaDB's sequence engine), so filling a million takes seconds, not minutes. */
    private static void fill(JdbcTemplate jdbc, int rows) {
        String type = jdbc.queryForObject("SELECT id FROM volume_types WHERE name = '__DEFAULT__'", String.class);
        Instant now = Timestamps.now();
        String insert = "INSERT INTO volumes (id, project_id, user_id, host, size, status, attach_status, volume_type_id, "
                + "display_name, created_at, updated_at, deleted_at, deleted) SELECT UUID(), CONCAT('project-', seq % 100), "
                + "'user', 'node1@noop#noop', 1, ?, 'detached', ?, CONCAT('vol-', seq), "
                + "TIMESTAMPADD(SECOND, -seq, ?), TIMESTAMPADD(SECOND, -seq, ?), ?, ? FROM seq_1_to_";
        // old deleted: deleted_at spread over 60..90 days ago
        jdbc.update("INSERT INTO volumes (id, project_id, user_id, host, size, status, attach_status, volume_type_id, "
                + "display_name, created_at, updated_at, deleted_at, deleted) SELECT UUID(), CONCAT('project-', seq % 100), "
                + "'user', 'node1@noop#noop', 1, 'deleted', 'detached', ?, CONCAT('vol-', seq), "
                + "TIMESTAMPADD(DAY, -100, ?), TIMESTAMPADD(DAY, -90, ?), "
                + "TIMESTAMPADD(SECOND, -(seq % 2592000), TIMESTAMPADD(DAY, -60, ?)), TRUE FROM seq_1_to_" + rows,
                type, Timestamps.toDb(now), Timestamps.toDb(now), Timestamps.toDb(now));
        jdbc.update(insert + (rows / 10), "deleted", type, Timestamps.toDb(now.minus(Duration.ofDays(2))),
                Timestamps.toDb(now.minus(Duration.ofDays(1))), Timestamps.toDb(now.minus(Duration.ofDays(1))), true);
        jdbc.update(insert + (rows / 10), "available", type, Timestamps.toDb(now), Timestamps.toDb(now), null, false);
        String old = Timestamps.toDb(now.minus(Duration.ofDays(30)));
        jdbc.update("INSERT INTO volume_metadata (volume_id, `key`, `value`, created_at) SELECT id, 'purpose', 'bench', "
                + "created_at FROM volumes WHERE deleted = TRUE AND deleted_at < ? AND display_name LIKE '%0' "
                + "UNION ALL SELECT id, 'purpose', 'bench', created_at FROM volumes WHERE deleted = TRUE AND deleted_at < ? "
                + "AND display_name LIKE '%5' UNION ALL SELECT id, 'tier', 'bench', created_at FROM volumes "
                + "WHERE deleted = TRUE AND deleted_at < ? AND (display_name LIKE '%2' OR display_name LIKE '%7')",
                old, old, old);
        jdbc.update("INSERT INTO snapshots (id, project_id, user_id, volume_id, status, volume_size, volume_type_id, "
                + "created_at, updated_at, deleted_at, deleted) SELECT UUID(), project_id, user_id, id, 'deleted', 1, "
                + "volume_type_id, created_at, updated_at, deleted_at, TRUE FROM volumes "
                + "WHERE deleted = TRUE AND deleted_at < ? AND display_name LIKE '%3'", old);
    }
}
