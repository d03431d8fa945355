package dev.ember.common.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.common.testing.TestDatabase;
import dev.ember.common.volume.VolumeRepository;
import java.time.Duration;
import java.time.YearMonth;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@link PurgeTest}'s cases on MariaDB, whose {@code volumes} and {@code snapshots} are partitioned by deletion
 * month: the months before the cut-off's go by dropping their partitions (after their pinned rows move to
 * {@code p_keep}), the cut-off's own month row by row. Partitions are made back to four months ago, as a server
 * running since then would have them.
 */
class PurgeIT extends PurgeTest {

    private TestDatabase database;

    @Override
    String connection() {
        database = TestDatabase.create();
        return database.connection();
    }

    @Override
    void prepare(JdbcTemplate jdbc) {
        MonthPartitions partitions = new MonthPartitions(jdbc);
        YearMonth now = MonthPartitions.monthOf(NOW);
        for (String table : MonthPartitions.TABLES) {
            partitions.ensure(table, now.minusMonths(4), now.plusMonths(MonthPartitions.MONTHS_AHEAD));
            assertThat(partitions.months(table)).as(table).hasSize(4 + 1 + MonthPartitions.MONTHS_AHEAD);
        }
    }

    @AfterEach
    void dropDatabase() {
        if (database != null) {
            database.close();
        }
    }

    @Test
    void aRowInAnOldMonthsPartitionIsJudgedByItsOwnDates() {
        // purge_month 1 names no month: the row lands in the first month's partition, four months old
        String recent = UUID.randomUUID().toString();
        jdbc.update("INSERT INTO volumes (id, project_id, size, status, attach_status, volume_type_id, display_name, "
                + "created_at, deleted_at, deleted, purge_month) VALUES (?, 'p', 1, 'deleted', 'detached', ?, 'x', ?, ?, "
                + "TRUE, 1)", recent, type, Timestamps.toDb(NOW), Timestamps.toDb(NOW.minus(Duration.ofDays(1))));
        YearMonth first = new MonthPartitions(jdbc).months("volumes").get(0);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM volumes PARTITION (" + MonthPartitions.name(first)
                + ") WHERE id = ?", Long.class, recent)).isEqualTo(1);

        assertThat(purge.olderThan(CUTOFF)).containsEntry("volumes", 0L);

        assertThat(new MonthPartitions(jdbc).months("volumes")).doesNotContain(first);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM volumes PARTITION (p_keep) WHERE id = ?", Long.class,
                recent)).isEqualTo(1);
    }

    @Test
    void monthsBeforeTheCutoffsAreDroppedAndLaterOnesMadeAhead() {
        checkPurge(40, 4);
        MonthPartitions partitions = new MonthPartitions(jdbc);
        YearMonth cutoffMonth = MonthPartitions.monthOf(CUTOFF);
        YearMonth now = MonthPartitions.monthOf(NOW);
        for (String table : MonthPartitions.TABLES) {
            assertThat(partitions.months(table)).as(table).first().isEqualTo(cutoffMonth);
            assertThat(partitions.months(table)).as(table).last().isEqualTo(now.plusMonths(MonthPartitions.MONTHS_AHEAD));
        }
        // the pinned volumes (a live snapshot needs them) and the hand-moved ones wait in p_keep
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM volumes PARTITION (p_keep) WHERE deleted = TRUE "
                + "AND display_name IN ('pinned', 'moved')", Long.class)).isEqualTo(8);
        // a new deletion lands in this month's partition
        String id = jdbc.queryForObject("SELECT id FROM volumes WHERE deleted = FALSE LIMIT 1", String.class);
        assertThat(new VolumeRepository(jdbc).markDeleted(id, List.of("available"))).isTrue();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM volumes PARTITION (" + MonthPartitions.name(now)
                + ") WHERE id = ?", Long.class, id)).isEqualTo(1);
    }
}
