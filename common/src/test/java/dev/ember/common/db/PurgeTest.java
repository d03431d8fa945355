package dev.ember.common.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.ember.common.config.CinderProperties;
import dev.ember.common.config.CommonConfiguration;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * {@link Purge} on H2 in MySQL mode (the all-in-one's database), both ways of choosing batches: key ranges
 * when most of a table goes, age order when little does. Batches of 7 rows, so every path crosses batches.
 * {@link PurgeIT} runs the same on MariaDB, where old months also go by dropping partitions.
 */
class PurgeTest {

    static final Instant NOW = Timestamps.now();
    static final Instant CUTOFF = NOW.minus(Duration.ofDays(30));

    private HikariDataSource dataSource;
    JdbcTemplate jdbc;
    Purge purge;
    String type;

    @BeforeEach
    void setUp() {
        CinderProperties properties = new Binder(new MapConfigurationPropertySource(
                Map.of("cinder.database.connection", connection(), "cinder.database.max-pool-size", "4")))
                .bind("cinder", CinderProperties.class).get();
        dataSource = new CommonConfiguration().dataSource(properties);
        Flyway.configure().dataSource(dataSource).load().migrate();
        jdbc = new JdbcTemplate(dataSource);
        prepare(jdbc);
        purge = new Purge(jdbc, new Tx(new DataSourceTransactionManager(dataSource), new SimpleMeterRegistry()), 7, 2);
        type = jdbc.queryForObject("SELECT id FROM volume_types WHERE name = '__DEFAULT__'", String.class);
    }

    /** Cinder's {@code [database] connection} of a fresh, empty database. */
    String connection() {
        return "jdbc:h2:mem:purge-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;MODE=MySQL;DATABASE_TO_LOWER=TRUE;"
                + "CASE_INSENSITIVE_IDENTIFIERS=TRUE;NON_KEYWORDS=KEY,VALUE";
    }

    /** Called once the schema is made. */
    void prepare(JdbcTemplate jdbc) {
    }

    @AfterEach
    void tearDown() {
        dataSource.close();
    }

    @Test
    void keyRangesRemoveExactlyTheOldRowsAndTheirChildren() {
        // 40 old of 56 volumes: walked by key ranges
        checkPurge(40, 4);
    }

    @Test
    void ageOrderRemovesExactlyTheOldRowsAndTheirChildren() {
        // 12 old of 262 volumes: read by age (snapshots and attachments, mostly old, by key ranges)
        checkPurge(12, 50);
    }

    @Test
    void nothingOldIsANoOp() {
        volume("live", null);
        assertThat(purge.olderThan(CUTOFF).values()).allMatch(n -> n == 0);
        assertThat(count("SELECT COUNT(*) FROM volumes")).isEqualTo(1);
    }

    /** {@code old} purgeable volumes, {@code others} each of recent, live, pinned and a cut-off-day one. */
    void checkPurge(int old, int others) {
        for (int i = 0; i < old; i++) {
            // the first just before the cut-off, in its month; the others in months that ended before it
            Instant deletedAt = i == 0 ? CUTOFF.minusSeconds(60) : NOW.minus(Duration.ofDays(40 + i));
            String v = volume("old", deletedAt);
            children(v);
            String s = snapshot(v, deletedAt);
            jdbc.update("INSERT INTO snapshot_metadata (snapshot_id, `key`, `value`, created_at) VALUES (?, 'k', 'v', ?)",
                    s, Timestamps.toDb(NOW));
            attachment(v, NOW.minus(Duration.ofDays(40 + i)));
        }
        String oldGroup = group(NOW.minus(Duration.ofDays(45)));
        String firstLive = null;
        for (int i = 0; i < others; i++) {
            children(volume("recent", NOW.minus(Duration.ofDays(1))));
            String live = volume("live", null);
            children(live);
            firstLive = firstLive == null ? live : firstLive;
            // deleted just after the cut-off: kept
            children(volume("edge", CUTOFF.plusSeconds(60)));
            // old, but a live snapshot still needs it
            // (70 days: in a month before the cut-off's, whatever the date)
            String pinned = volume("pinned", NOW.minus(Duration.ofDays(70)));
            children(pinned);
            snapshot(pinned, null);
            // deleted in an old month by its purge_month, but recently by its deleted_at (changed by hand): kept
            String moved = volume("moved", NOW.minus(Duration.ofDays(70)));
            children(moved);
            jdbc.update("UPDATE volumes SET deleted_at = ? WHERE id = ?", Timestamps.toDb(NOW.minus(Duration.ofDays(1))),
                    moved);
            String attached = volume("live-attached", null);
            attachment(attached, null);
            attachment(attached, NOW.minus(Duration.ofDays(2)));
        }
        // a deleted group a live volume still names is kept
        String namedGroup = group(NOW.minus(Duration.ofDays(45)));
        jdbc.update("UPDATE volumes SET group_id = ? WHERE id = ?", namedGroup, firstLive);

        Map<String, Long> removed = purge.olderThan(CUTOFF);

        assertThat(removed).containsEntry("volumes", (long) old).containsEntry("volume_metadata", (long) old)
                .containsEntry("volume_admin_metadata", (long) old).containsEntry("snapshots", (long) old)
                .containsEntry("snapshot_metadata", (long) old).containsEntry("volume_attachment", (long) old)
                .containsEntry("groups", 1L).containsEntry("group_volume_type_mapping", 1L);
        assertThat(count("SELECT COUNT(*) FROM volumes WHERE display_name = 'old'")).isZero();
        for (String kept : new String[] {"recent", "live", "edge", "pinned", "moved"}) {
            assertThat(count("SELECT COUNT(*) FROM volumes WHERE display_name = ?", kept)).as(kept).isEqualTo(others);
            assertThat(count("SELECT COUNT(*) FROM volume_metadata m JOIN volumes v ON v.id = m.volume_id "
                    + "WHERE v.display_name = ?", kept)).as(kept + " metadata").isEqualTo(others);
            assertThat(count("SELECT COUNT(*) FROM volume_admin_metadata m JOIN volumes v ON v.id = m.volume_id "
                    + "WHERE v.display_name = ?", kept)).as(kept + " admin metadata").isEqualTo(others);
        }
        assertThat(count("SELECT COUNT(*) FROM snapshots WHERE deleted = FALSE")).isEqualTo(others);
        assertThat(count("SELECT COUNT(*) FROM volume_attachment")).isEqualTo(2L * others);
        assertThat(count("SELECT COUNT(*) FROM `groups` WHERE id = ?", oldGroup)).isZero();
        assertThat(count("SELECT COUNT(*) FROM `groups` WHERE id = ?", namedGroup)).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM group_volume_type_mapping WHERE group_id = ?", namedGroup)).isEqualTo(1);
        for (String orphans : new String[] {
                "SELECT COUNT(*) FROM volume_metadata m WHERE NOT EXISTS (SELECT 1 FROM volumes v WHERE v.id = m.volume_id)",
                "SELECT COUNT(*) FROM volume_admin_metadata m WHERE NOT EXISTS "
                        + "(SELECT 1 FROM volumes v WHERE v.id = m.volume_id)",
                "SELECT COUNT(*) FROM volume_attachment a WHERE NOT EXISTS (SELECT 1 FROM volumes v WHERE v.id = a.volume_id)",
                "SELECT COUNT(*) FROM snapshot_metadata m WHERE NOT EXISTS "
                        + "(SELECT 1 FROM snapshots s WHERE s.id = m.snapshot_id)"}) {
            assertThat(count(orphans)).as(orphans).isZero();
        }
        // a second run finds nothing
        assertThat(purge.olderThan(CUTOFF).values()).allMatch(n -> n == 0);
    }

    private String volume(String name, Instant deletedAt) {
        String id = UUID.randomUUID().toString();
        jdbc.update("INSERT INTO volumes (id, project_id, size, status, attach_status, volume_type_id, display_name, "
                + "created_at, deleted_at, deleted, purge_month) VALUES (?, 'p', 1, ?, 'detached', ?, ?, ?, ?, ?, ?)", id,
                deletedAt == null ? "available" : "deleted", type, name, Timestamps.toDb(NOW.minus(Duration.ofDays(100))),
                deletedAt == null ? null : Timestamps.toDb(deletedAt), deletedAt != null, purgeMonth(deletedAt));
        return id;
    }

    private void children(String volume) {
        jdbc.update("INSERT INTO volume_metadata (volume_id, `key`, `value`, created_at) VALUES (?, 'k', 'v', ?)", volume,
                Timestamps.toDb(NOW));
        jdbc.update("INSERT INTO volume_admin_metadata (volume_id, `key`, `value`, created_at) VALUES (?, 'readonly', "
                + "'False', ?)", volume, Timestamps.toDb(NOW));
    }

    private String snapshot(String volume, Instant deletedAt) {
        String id = UUID.randomUUID().toString();
        jdbc.update("INSERT INTO snapshots (id, project_id, volume_id, status, created_at, deleted_at, deleted, purge_month) "
                + "VALUES (?, 'p', ?, ?, ?, ?, ?, ?)", id, volume, deletedAt == null ? "available" : "deleted",
                Timestamps.toDb(NOW.minus(Duration.ofDays(100))), deletedAt == null ? null : Timestamps.toDb(deletedAt),
                deletedAt != null, purgeMonth(deletedAt));
        return id;
    }

    /** As the repositories' markDeleted sets it. */
    private static int purgeMonth(Instant deletedAt) {
        return deletedAt == null ? 0 : MonthPartitions.of(deletedAt);
    }

    private void attachment(String volume, Instant deletedAt) {
        jdbc.update("INSERT INTO volume_attachment (id, volume_id, attach_status, created_at, deleted_at, deleted) "
                + "VALUES (?, ?, ?, ?, ?, ?)", UUID.randomUUID().toString(), volume,
                deletedAt == null ? "attached" : "detached", Timestamps.toDb(NOW.minus(Duration.ofDays(100))),
                deletedAt == null ? null : Timestamps.toDb(deletedAt), deletedAt != null);
    }

    private String group(Instant deletedAt) {
        String groupType = UUID.randomUUID().toString();
        jdbc.update("INSERT INTO group_types (id, name, created_at) VALUES (?, ?, ?)", groupType, "gt-" + groupType,
                Timestamps.toDb(NOW));
        String id = UUID.randomUUID().toString();
        jdbc.update("INSERT INTO `groups` (id, project_id, group_type_id, status, created_at, deleted_at, deleted) "
                + "VALUES (?, 'p', ?, 'deleted', ?, ?, TRUE)", id, groupType, Timestamps.toDb(NOW.minus(Duration.ofDays(90))),
                Timestamps.toDb(deletedAt));
        jdbc.update("INSERT INTO group_volume_type_mapping (group_id, volume_type_id, position, created_at) "
                + "VALUES (?, ?, 0, ?)", id, type, Timestamps.toDb(NOW));
        return id;
    }

    private long count(String sql, Object... args) {
        return jdbc.queryForObject(sql, Long.class, args);
    }
}
