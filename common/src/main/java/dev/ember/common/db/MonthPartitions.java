package dev.ember.common.db;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The monthly partitions of {@code volumes} and {@code snapshots} on MariaDB/MySQL (migration V46). A row's
 * {@code purge_month} is {@code yyyymm} of the UTC month it was soft-deleted in ({@link #of}), set in the
 * statement that deletes it; partition {@code pyyyymm} holds that month's deleted rows, {@code p_keep} (value
 * 0) the live rows and the deleted ones purge keeps, {@code p_future} (MAXVALUE) anything past the last month
 * made. Where the table is not partitioned (H2) every method but {@link #of} finds no months and does nothing.
 * <p>
 * Partition DDL waits at most {@link #LOCK_WAIT_SECONDS} for the table's metadata lock: while it waits, the
 * API's statements on the table queue behind it, so a long transaction makes the DDL fail, not the API stall.
 */
public final class MonthPartitions {

    /** The partitioned tables. */
    public static final List<String> TABLES = List.of("volumes", "snapshots");

    /** The index on {@code (purge_month, id)} of table {@code %s}: a partition's ids in key order, without its rows. */
    public static final String INDEX = "ix_%s_purge_month";

    /** Months made ahead of the current one, so deletions never land in {@code p_future}. */
    public static final int MONTHS_AHEAD = 2;

    static final int LOCK_WAIT_SECONDS = 5;

    private static final String FUTURE = "p_future";

    private final JdbcTemplate jdbc;
    private Boolean mysql;

    public MonthPartitions(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The condition "the live row with id {@code ?}" on {@code alias} (null: the table's own columns): live rows
     * are all in {@code p_keep}, and saying so ({@code purge_month = 0}) lets MariaDB look in that partition only
     * instead of in every month's (measured in docs/performance.md). For the by-id statements of the hot paths.
     */
    public static String liveById(String alias) {
        String a = alias == null ? "" : alias + ".";
        return a + "id = ? AND " + a + "deleted = FALSE AND " + a + "purge_month = 0";
    }

    /** The UTC month of {@code instant}: the month whose partition a row deleted then joins. */
    public static YearMonth monthOf(Instant instant) {
        return YearMonth.from(instant.atOffset(ZoneOffset.UTC));
    }

    /** The {@code purge_month} of a row deleted at {@code deletedAt}. */
    public static int of(Instant deletedAt) {
        return value(monthOf(deletedAt));
    }

    /** The partition that holds {@code month}'s deletions. */
    public static String name(YearMonth month) {
        return "p" + value(month);
    }

    /** {@code month}'s partition of {@code table}, as a table reference with alias {@code t}. */
    static String partitionOf(String table, YearMonth month) {
        return "`" + table + "` PARTITION (" + name(month) + ") t";
    }

    /** {@code month} as {@code purge_month} holds it: {@code yyyymm}. */
    static int value(YearMonth month) {
        return month.getYear() * 100 + month.getMonthValue();
    }

    /** The month partitions of {@code table}, oldest first; empty where the table is not partitioned. */
    public List<YearMonth> months(String table) {
        List<YearMonth> months = new ArrayList<>();
        if (!mysql()) {
            return months;
        }
        for (String name : jdbc.queryForList("SELECT partition_name FROM information_schema.partitions"
                + " WHERE table_schema = DATABASE() AND table_name = ? AND partition_name IS NOT NULL"
                + " ORDER BY partition_ordinal_position", String.class, table)) {
            if (name.matches("p\\d{6}")) {
                int v = Integer.parseInt(name.substring(1));
                months.add(YearMonth.of(v / 100, v % 100));
            }
        }
        return months;
    }

    /**
     * Makes a partition for every month from {@code from} to {@code through} that has none, by splitting
     * {@code p_future} (for months after the last) or the first month's partition (for months before it).
     * Splitting moves the rows of the partition split, so it is cheap while that partition is empty, which
     * {@link #MONTHS_AHEAD} keeps {@code p_future}. A table with no month partition left gets them from
     * {@code p_future} too.
     */
    public void ensure(String table, YearMonth from, YearMonth through) {
        List<YearMonth> months = months(table);
        if (months.isEmpty() && !partitioned(table)) {
            return;
        }
        YearMonth first = months.isEmpty() ? null : months.get(0);
        YearMonth last = months.isEmpty() ? null : months.get(months.size() - 1);
        if (first != null && from.isBefore(first)) {
            List<String> parts = new ArrayList<>();
            for (YearMonth m = from; !m.isAfter(first); m = m.plusMonths(1)) {
                parts.add(partition(m));
            }
            ddl("ALTER TABLE `" + table + "` REORGANIZE PARTITION " + name(first) + " INTO (" + String.join(", ", parts)
                    + ")");
        }
        YearMonth start = last == null ? from : last.plusMonths(1);
        if (!start.isAfter(through)) {
            List<String> parts = new ArrayList<>();
            for (YearMonth m = start; !m.isAfter(through); m = m.plusMonths(1)) {
                parts.add(partition(m));
            }
            parts.add("PARTITION " + FUTURE + " VALUES LESS THAN MAXVALUE");
            ddl("ALTER TABLE `" + table + "` REORGANIZE PARTITION " + FUTURE + " INTO (" + String.join(", ", parts)
                    + ")");
        }
    }

    /** Makes partitions for this month and the next {@link #MONTHS_AHEAD}, where they are missing. */
    public void ensureAhead(String table, Instant now) {
        YearMonth month = monthOf(now);
        ensure(table, month, month.plusMonths(MONTHS_AHEAD));
    }

    /** Drops {@code month}'s partition of {@code table} with every row in it. */
    public void drop(String table, YearMonth month) {
        ddl("ALTER TABLE `" + table + "` DROP PARTITION " + name(month));
    }

    /** Whether the database is MariaDB/MySQL (the only ones partitioned, by migration V46). */
    private boolean mysql() {
        if (mysql == null) {
            String product = jdbc.execute((ConnectionCallback<String>) c -> c.getMetaData().getDatabaseProductName());
            mysql = product.toLowerCase().contains("mysql") || product.toLowerCase().contains("mariadb");
        }
        return mysql;
    }

    private boolean partitioned(String table) {
        return mysql() && jdbc.queryForObject("SELECT COUNT(*) FROM information_schema.partitions"
                + " WHERE table_schema = DATABASE() AND table_name = ? AND partition_name = ?", Integer.class, table,
                FUTURE) > 0;
    }

    private static String partition(YearMonth month) {
        return "PARTITION " + name(month) + " VALUES LESS THAN (" + value(month.plusMonths(1)) + ")";
    }

    private void ddl(String sql) {
        jdbc.execute((ConnectionCallback<Void>) c -> {
            try (var statement = c.createStatement()) {
                statement.execute("SET SESSION lock_wait_timeout = " + LOCK_WAIT_SECONDS);
                try {
                    statement.execute(sql);
                } finally {
                    statement.execute("SET SESSION lock_wait_timeout = DEFAULT");
                }
            }
            return null;
        });
    }
}
