package dev.ember.common.db;

import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code cinder-manage db purge}: removes soft-deleted rows whose {@code deleted_at} is older than a
 * cut-off, with the rows that only belong to them (metadata, attachments). A batch's purgeable rows are
 * found by a plain (non-locking) read; one short transaction then deletes their children, then them, by
 * key, so a child never outlives its purged parent, no lock is held for long and no row the API writes is
 * ever locked. Safe to interrupt and run again.
 * <p>
 * On MariaDB/MySQL, {@code volumes} and {@code snapshots} are partitioned by the month their rows were deleted in
 * ({@link MonthPartitions}): a month that ended before the cut-off goes first and whole, by dropping its
 * partition once its rows' children are deleted (a row of it that must stay is first moved to {@code p_keep}).
 * What is left (the cut-off's own month, rows deleted before partitioning, the other tables, H2) goes row by
 * row, in batches.
 * <p>
 * A batch is chosen one of two ways, by how much of the table goes (measured in docs/performance.md):
 * <ul>
 *   <li>many (a tenth of the table or more): the purgeable rows among the next {@link #BATCH} rows in
 *       primary key order, the key space walked on {@link #WORKERS} connection(s) (each its own
 *       share of the keys). Deleting in key order touches each page of the table (and of the children, keyed by the
 *       parent's id) once, where deleting in age order touches about one random page per row;</li>
 *   <li>few: the next {@link #BATCH} old rows by age through the {@code (deleted, deleted_at)} index
 *       (migrations V30, V43), so live rows are never read.</li>
 * </ul>
 */
public final class Purge {

    private static final Logger LOG = LoggerFactory.getLogger(Purge.class);

    /** Rows per batch: large enough to amortise a round trip, small enough for a short transaction. */
    public static final int BATCH = 5_000;

    /**
     * Connections that walk one table's key ranges at once. Two: on the 2-core test machine they took a month
     * partition's children in 6.5 s where one took 11.0 s (docs/performance.md); the row-by-row walk was not
     * measurably faster with two, and is left with the cut-off's own month to do.
     */
    public static final int WORKERS = 2;

    /** Key ranges are walked when at least one row in this many goes. */
    static final int DENSE = 10;

    /**
     * A live row of {@code table} whose {@code column} holds a deleted row's id: while there is one, the
     * deleted row is kept. {@code column} leads an index of {@code table}.
     */
    record Referrer(String table, String column) {
    }

    /**
     * A soft-deleted table and the tables whose rows belong to its rows.
     *
     * @param table the soft-deleted table
     * @param keptBy the live rows that keep an old deleted row of this table
     * @param children child table to the column that holds this table's {@code id}; each child has an index
     *     that starts with that column
     */
    record Table(String table, List<Referrer> keptBy, Map<String, String> children) {

        /** The purge condition on row {@code t} (an alias or the table's name); binds the cut-off. */
        String purgeable(String t) {
            StringBuilder sql = new StringBuilder(t + ".deleted = TRUE AND " + t + ".deleted_at < ?");
            for (Referrer r : keptBy) {
                sql.append(" AND NOT EXISTS (SELECT 1 FROM `").append(r.table()).append("` k WHERE k.")
                        .append(r.column()).append(" = ").append(t).append(".id AND k.deleted = FALSE)");
            }
            return sql.toString();
        }
    }

    /** In dependency order: a row goes before the rows it refers to. */
    private static final List<Table> TABLES = List.of(
            new Table("volume_attachment", List.of(), Map.of()),
            new Table("transfers", List.of(), Map.of()),
            new Table("snapshots", List.of(), Map.of("snapshot_metadata", "snapshot_id")),
            new Table("group_snapshots", List.of(new Referrer("snapshots", "group_snapshot_id")), Map.of()),
            // A deleted volume that still has a live snapshot (never made by Ember) is kept, not orphaned.
            new Table("volumes", List.of(new Referrer("snapshots", "volume_id")),
                    orderedChildren("volume_attachment", "volume_id", "volume_metadata", "volume_id",
                            "volume_admin_metadata", "volume_id")),
            // A deleted group is kept while a live volume or group snapshot still names it.
            new Table("groups",
                    List.of(new Referrer("volumes", "group_id"), new Referrer("group_snapshots", "group_id")),
                    Map.of("group_volume_type_mapping", "group_id")));

    private final JdbcTemplate jdbc;
    private final Tx tx;
    private final MonthPartitions partitions;

    private final int batch;
    private final int workers;

    public Purge(JdbcTemplate jdbc, Tx tx) {
        this(jdbc, tx, BATCH, WORKERS);
    }

    /** With {@code batch} rows per batch and {@code workers} connections per table (tests, PurgeBenchmark). */
    public Purge(JdbcTemplate jdbc, Tx tx, int batch, int workers) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.partitions = new MonthPartitions(jdbc);
        if (batch < 1 || workers < 1 || workers > 16) {
            throw new IllegalArgumentException("batch " + batch + " and workers " + workers + ": want 1+ and 1..16");
        }
        this.batch = batch;
        this.workers = workers;
    }

    /** @return rows removed per table (children included), in the order purged */
    public Map<String, Long> olderThan(Instant cutoff) {
        Map<String, Long> removed = new LinkedHashMap<>();
        String ts = Timestamps.toDb(cutoff);
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread thread = new Thread(r, "purge");
            thread.setDaemon(true);
            return thread;
        });
        try {
            for (Table table : TABLES) {
                table.children().keySet().forEach(child -> removed.putIfAbsent(child, 0L));
                removed.putIfAbsent(table.table(), 0L);
                if (MonthPartitions.TABLES.contains(table.table())) {
                    partitions.ensureAhead(table.table(), Timestamps.now());
                    dropMonths(table, cutoff, ts, removed, pool);
                }
                long t0 = System.nanoTime();
                long old = jdbc.queryForObject("SELECT COUNT(*) FROM `" + table.table()
                        + "` t WHERE t.deleted = TRUE AND t.deleted_at < ?", Long.class, ts);
                if (old == 0) {
                    continue;
                }
                long all = jdbc.queryForObject("SELECT COUNT(*) FROM `" + table.table() + "`", Long.class);
                List<Map<String, Long>> counts = old * DENSE >= all ? byKeyRanges(table, ts, pool) : byAge(table, ts);
                counts.forEach(count -> count.forEach((name, rows) -> removed.merge(name, rows, Long::sum)));
                LOG.info("purge: {} old rows of {} row by row in {} ms", old, table.table(),
                        (System.nanoTime() - t0) / 1_000_000);
            }
        } finally {
            pool.shutdownNow();
        }
        return removed;
    }

    /**
     * Drops the partition of every month that ended by {@code cutoff}. Its rows are old enough by construction,
     * but each is still checked: one that is not purgeable (a deleted volume a live snapshot needs, a row whose
     * {@code deleted_at} or {@code purge_month} was changed by hand) moves to {@code p_keep} first, for the
     * row-by-row purge to judge later. Then its rows' children go, then the partition. No row joins a month's
     * partition after the month (rows join their deletion month's), so none is dropped unseen.
     * <p>
     * Nothing here reads the partition's rows themselves, only indexes: the rows out of place are ranges of the
     * {@code (purge_month, id)} and {@code (deleted, deleted_at)} indexes; the walk reads ids in key order from
     * {@code (purge_month, id)}; a key range's referrers and children are read from their tables' indexes on the
     * parent's id, in the same key range, and matched to the range's ids here. Children are then deleted by key.
     */
    private void dropMonths(Table table, Instant cutoff, String ts, Map<String, Long> removed, ExecutorService pool) {
        String name = table.table();
        for (YearMonth month : partitions.months(name)) {
            // a month has ended by the cut-off when it is before the cut-off's own month
            if (!month.isBefore(MonthPartitions.monthOf(cutoff))) {
                break;
            }
            long t0 = System.nanoTime();
            int value = MonthPartitions.value(month);
            String from = MonthPartitions.partitionOf(name, month);
            Set<String> misplaced = new TreeSet<>(jdbc.queryForList(
                    "SELECT t.id FROM " + from + " WHERE t.purge_month <> ?", String.class, value));
            misplaced.addAll(jdbc.queryForList("SELECT t.id FROM " + from + " WHERE t.deleted = FALSE"
                    + " OR (t.deleted = TRUE AND (t.deleted_at IS NULL OR t.deleted_at >= ?))", String.class, ts));
            long kept = keep(name, new ArrayList<>(misplaced), value);
            long t1 = System.nanoTime();
            long rows = 0;
            for (Dropped share : inShares(pool, name, (lo, hi) -> deleteChildren(table, month, lo, hi))) {
                share.removed().forEach((child, n) -> removed.merge(child, n, Long::sum));
                rows += share.rows();
                kept += share.kept();
            }
            long t2 = System.nanoTime();
            partitions.drop(name, month);
            removed.merge(name, rows, Long::sum);
            LOG.info("purge: dropped partition {} of {} ({} rows, {} kept): checks {} ms, children {} ms, drop {} ms",
                    MonthPartitions.name(month), name, rows, kept, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000,
                    (System.nanoTime() - t2) / 1_000_000);
        }
    }

    /** What one share of a partition's key space left to drop: its rows, those moved to p_keep, children deleted. */
    private record Dropped(long rows, long kept, Map<String, Long> removed) {
    }

    /**
     * Deletes the children of month {@code month}'s partition rows with ids from {@code lo} (inclusive) to
     * {@code hi} (exclusive, null: no end), {@link #batch} ids at a time, after moving to {@code p_keep} the
     * rows a live referrer still needs.
     */
    private Dropped deleteChildren(Table table, YearMonth month, String lo, String hi) {
        String name = table.table();
        int value = MonthPartitions.value(month);
        String walk = "SELECT t.id FROM " + MonthPartitions.partitionOf(name, month) + " FORCE INDEX ("
                + MonthPartitions.INDEX.formatted(name) + ") WHERE t.purge_month = ? AND t.id %s ?"
                + (hi == null ? "" : " AND t.id < ?") + " ORDER BY t.id LIMIT " + batch;
        long rows = 0;
        long kept = 0;
        Map<String, Long> removed = new LinkedHashMap<>();
        for (boolean first = true; lo != null; first = false) {
            List<Object> args = new ArrayList<>(List.of(value, lo));
            if (hi != null) {
                args.add(hi);
            }
            List<String> ids = jdbc.queryForList(String.format(walk, first ? ">=" : ">"), String.class, args.toArray());
            lo = ids.size() < batch ? null : ids.get(ids.size() - 1);
            if (ids.isEmpty()) {
                continue;
            }
            Set<String> batchIds = new HashSet<>(ids);
            List<String> needed = new ArrayList<>();
            for (Referrer r : table.keptBy()) {
                needed.addAll(inRange(r.table(), r.column(), " AND k.deleted = FALSE", ids, batchIds));
            }
            kept += keep(name, needed, value);
            batchIds.removeAll(needed);
            Map<String, List<String>> owners = new LinkedHashMap<>();
            table.children().forEach((child, column) -> owners.put(child, inRange(child, column, "", ids, batchIds)));
            if (owners.values().stream().anyMatch(o -> !o.isEmpty())) {
                Map<String, Long> committed = tx.call(() -> {
                    Map<String, Long> counts = new LinkedHashMap<>();
                    owners.forEach((child, parents) -> counts.put(child, parents.isEmpty() ? 0L
                            : (long) jdbc.update("DELETE FROM `" + child + "` WHERE " + table.children().get(child)
                                    + in(parents.size()), parents.toArray())));
                    return counts;
                });
                committed.forEach((child, n) -> removed.merge(child, n, Long::sum));
            }
            rows += batchIds.size();
        }
        return new Dropped(rows, kept, removed);
    }

    /**
     * The ids of {@code ids} (sorted) that rows of {@code table} name in {@code column} (with {@code condition} on
     * alias {@code k}), read as one range of {@code column}'s index.
     */
    private List<String> inRange(String table, String column, String condition, List<String> ids,
            Set<String> batchIds) {
        List<String> found = new ArrayList<>();
        for (String id : jdbc.queryForList("SELECT DISTINCT k." + column + " FROM `" + table + "` k WHERE k." + column
                + " BETWEEN ? AND ?" + condition, String.class, ids.get(0), ids.get(ids.size() - 1))) {
            if (batchIds.contains(id)) {
                found.add(id);
            }
        }
        return found;
    }

    /** Moves {@code ids} of month {@code value}'s partition of {@code table} to {@code p_keep}; their count. */
    private long keep(String table, List<String> ids, int value) {
        for (int i = 0; i < ids.size(); i += batch) {
            // (an UPDATE naming the partition may not move its rows out of it; this range is the partition)
            List<Object> args = new ArrayList<>(ids.subList(i, Math.min(ids.size(), i + batch)));
            args.add(value);
            jdbc.update("UPDATE `" + table + "` SET purge_month = 0 WHERE id" + in(args.size() - 1)
                    + " AND purge_month > 0 AND purge_month <= ?", args.toArray());
        }
        return ids.size();
    }

    /** Walks the whole key space in ranges of {@code batch} rows, one share of it per worker. */
    private List<Map<String, Long>> byKeyRanges(Table table, String ts, ExecutorService pool) {
        return inShares(pool, table.table(), (from, to) -> walk(table, ts, from, to));
    }

    /**
     * Runs {@code share} on each of {@link #workers} shares of the key space at once, each given its bounds
     * (from inclusive, to exclusive or null for no end); their results, in key order.
     */
    private <T> List<T> inShares(ExecutorService pool, String table, BiFunction<String, String, T> share) {
        // ids are UUIDs, lower-case hexadecimal: shares split at a hex digit ("" and any split point also
        // bound any other string, so every key falls in exactly one share)
        List<String> splits = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            splits.add(i == 0 ? "" : Integer.toHexString(16 * i / workers));
        }
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < splits.size(); i++) {
            String from = splits.get(i);
            String to = i + 1 < splits.size() ? splits.get(i + 1) : null;
            futures.add(pool.submit(() -> share.apply(from, to)));
        }
        List<T> results = new ArrayList<>();
        for (Future<T> future : futures) {
            try {
                results.add(future.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while purging " + table, e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
        return results;
    }

    /** Purges the keys from {@code from} (inclusive) to {@code to} (exclusive, null: no end), range by range. */
    private Map<String, Long> walk(Table table, String ts, String from, String to) {
        Map<String, Long> removed = new LinkedHashMap<>();
        String select = "SELECT t.id, CASE WHEN " + table.purgeable("t") + " THEN 1 ELSE 0 END FROM `" + table.table()
                + "` t WHERE t.id %s ?" + (to == null ? "" : " AND t.id < ?") + " ORDER BY t.id LIMIT " + batch;
        String lo = from;
        for (boolean first = true; lo != null; first = false) {
            List<Object> args = new ArrayList<>(List.of(ts, lo));
            if (to != null) {
                args.add(to);
            }
            List<String> ids = new ArrayList<>();
            List<String> keys = jdbc.query(String.format(select, first ? ">=" : ">"), (rs, n) -> {
                if (rs.getInt(2) == 1) {
                    ids.add(rs.getString(1));
                }
                return rs.getString(1);
            }, args.toArray());
            if (!ids.isEmpty()) {
                delete(table, ids, ts, removed);
            }
            lo = keys.size() < batch ? null : keys.get(keys.size() - 1);
        }
        return removed;
    }

    /** Purges the old rows by age, {@code batch} at a time, resuming each batch after the last one's key. */
    private List<Map<String, Long>> byAge(Table table, String ts) {
        Map<String, Long> removed = new LinkedHashMap<>();
        String first = "SELECT t.id, t.deleted_at FROM `" + table.table() + "` t WHERE " + table.purgeable("t");
        String then = first + " AND (t.deleted_at > ? OR (t.deleted_at = ? AND t.id > ?))";
        String order = " ORDER BY t.deleted_at, t.id LIMIT " + batch;
        Object[] after = null;
        while (true) {
            List<Object[]> rows = jdbc.query(after == null ? first + order : then + order,
                    (rs, n) -> new Object[] {rs.getString(1), rs.getObject(2)},
                    after == null ? new Object[] {ts} : new Object[] {ts, after[1], after[1], after[0]});
            if (rows.isEmpty()) {
                break;
            }
            List<String> ids = new ArrayList<>();
            rows.forEach(row -> ids.add((String) row[0]));
            Collections.sort(ids);
            delete(table, ids, ts, removed);
            if (rows.size() < batch) {
                break;
            }
            after = rows.get(rows.size() - 1);
        }
        return List.of(removed);
    }

    /**
     * One transaction: the rows {@code ids} (chosen as purgeable by a plain read) and, first, their children,
     * all by primary key or the child's index. Nothing here reads the parent table in a locking read, so the
     * purge locks no row but those it deletes, and never one the API writes (a live or recently deleted row):
     * an API write never waits on it or deadlocks with it. The rows' own condition (deleted before the
     * cut-off) is checked again; the keep conditions need not be, because a purgeable row stays purgeable (the
     * API never brings a deleted row back, nor gives one a live snapshot, volume or group snapshot).
     */
    private void delete(Table table, List<String> ids, String ts, Map<String, Long> removed) {
        List<Object> parentArgs = new ArrayList<>(ids);
        parentArgs.add(ts);
        // counted once committed: a transaction retried after a deadlock starts again from nothing
        Map<String, Long> committed = tx.call(() -> {
            Map<String, Long> counts = deleteChildren(table, ids);
            counts.put(table.table(), (long) jdbc.update("DELETE FROM `" + table.table() + "` WHERE id" + in(ids.size())
                    + " AND deleted = TRUE AND deleted_at < ?", parentArgs.toArray()));
            return counts;
        });
        committed.forEach((name, rows) -> removed.merge(name, rows, Long::sum));
    }

    /** Deletes the rows of {@code table}'s children that belong to {@code ids}, by the child's index; counts them. */
    private Map<String, Long> deleteChildren(Table table, List<String> ids) {
        Map<String, Long> counts = new LinkedHashMap<>();
        table.children().forEach((child, column) -> counts.put(child,
                (long) jdbc.update("DELETE FROM `" + child + "` WHERE " + column + in(ids.size()), ids.toArray())));
        return counts;
    }

    private static String in(int n) {
        return " IN (" + String.join(",", Collections.nCopies(n, "?")) + ")";
    }

    private static Map<String, String> orderedChildren(String... pairs) {
        Map<String, String> children = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            children.put(pairs[i], pairs[i + 1]);
        }
        return Collections.unmodifiableMap(children);
    }

    /** The tables purge reads, for documentation and tests. */
    public static List<String> tables() {
        List<String> names = new ArrayList<>();
        TABLES.forEach(t -> names.add(t.table()));
        return names;
    }
}
