package dev.ember.common.db;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code cinder-manage db purge}: removes soft-deleted rows whose {@code deleted_at} is older than a
 * cut-off, with the rows that only belong to them (metadata, attachments). A batch's purgeable rows are
 * found by a plain (non-locking) read; one short transaction then deletes their children, then them, by
 * key, so a child never outlives its purged parent, no lock is held for long and no row the API writes is
 * ever locked. Safe to interrupt and run again.
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

    /** Rows per batch: large enough to amortise a round trip, small enough for a short transaction. */
    public static final int BATCH = 5_000;

    /**
     * Connections that walk one table's key ranges at once. One: two were not measurably faster on the
     * 2-core test machine (docs/performance.md) and double the purge's load on the database.
     */
    public static final int WORKERS = 1;

    /** Key ranges are walked when at least one row in this many goes. */
    static final int DENSE = 10;

    /**
     * A soft-deleted table and the tables whose rows belong to its rows.
     *
     * @param table the soft-deleted table
     * @param keep a condition under which an old deleted row is kept, or null; {@code %1$s} stands for the
     *     table's row (an alias or the table's name)
     * @param children child table to the column that holds this table's {@code id}; each child has an index
     *     that starts with that column
     */
    record Table(String table, String keep, Map<String, String> children) {

        /** The purge condition on row {@code t} (an alias or the table's name); binds the cut-off. */
        String purgeable(String t) {
            return t + ".deleted = TRUE AND " + t + ".deleted_at < ?"
                    + (keep == null ? "" : " AND NOT " + String.format(keep, t));
        }
    }

    /** In dependency order: a row goes before the rows it refers to. */
    private static final List<Table> TABLES = List.of(
            new Table("volume_attachment", null, Map.of()),
            new Table("transfers", null, Map.of()),
            new Table("snapshots", null, Map.of("snapshot_metadata", "snapshot_id")),
            new Table("group_snapshots",
                    "EXISTS (SELECT 1 FROM snapshots s WHERE s.group_snapshot_id = %1$s.id AND s.deleted = FALSE)",
                    Map.of()),
            // A deleted volume that still has a live snapshot (never made by Ember) is kept, not orphaned.
            new Table("volumes", "EXISTS (SELECT 1 FROM snapshots s WHERE s.volume_id = %1$s.id AND s.deleted = FALSE)",
                    orderedChildren("volume_attachment", "volume_id", "volume_metadata", "volume_id",
                            "volume_admin_metadata", "volume_id")),
            // A deleted group is kept while a live volume or group snapshot still names it.
            new Table("groups", "(EXISTS (SELECT 1 FROM volumes v WHERE v.group_id = %1$s.id AND v.deleted = FALSE)"
                    + " OR EXISTS (SELECT 1 FROM group_snapshots g WHERE g.group_id = %1$s.id AND g.deleted = FALSE))",
                    Map.of("group_volume_type_mapping", "group_id")));

    private final JdbcTemplate jdbc;
    private final Tx tx;

    private final int batch;
    private final int workers;

    public Purge(JdbcTemplate jdbc, Tx tx) {
        this(jdbc, tx, BATCH, WORKERS);
    }

    /** With {@code batch} rows per batch and {@code workers} connections per table (tests, PurgeBenchmark). */
    public Purge(JdbcTemplate jdbc, Tx tx, int batch, int workers) {
        this.jdbc = jdbc;
        this.tx = tx;
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
                long old = jdbc.queryForObject("SELECT COUNT(*) FROM `" + table.table()
                        + "` t WHERE t.deleted = TRUE AND t.deleted_at < ?", Long.class, ts);
                if (old == 0) {
                    continue;
                }
                long all = jdbc.queryForObject("SELECT COUNT(*) FROM `" + table.table() + "`", Long.class);
                List<Map<String, Long>> counts = old * DENSE >= all ? byKeyRanges(table, ts, pool) : byAge(table, ts);
                counts.forEach(count -> count.forEach((name, rows) -> removed.merge(name, rows, Long::sum)));
            }
        } finally {
            pool.shutdownNow();
        }
        return removed;
    }

    /** Walks the whole key space in ranges of {@code batch} rows, one share of it per worker. */
    private List<Map<String, Long>> byKeyRanges(Table table, String ts, ExecutorService pool) {
        // ids are UUIDs, lower-case hexadecimal: shares split at a hex digit ("" and any split point also
        // bound any other string, so every key falls in exactly one share)
        List<String> splits = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            splits.add(i == 0 ? "" : Integer.toHexString(16 * i / workers));
        }
        List<Future<Map<String, Long>>> futures = new ArrayList<>();
        for (int i = 0; i < splits.size(); i++) {
            String from = splits.get(i);
            String to = i + 1 < splits.size() ? splits.get(i + 1) : null;
            futures.add(pool.submit(() -> walk(table, ts, from, to)));
        }
        List<Map<String, Long>> counts = new ArrayList<>();
        for (Future<Map<String, Long>> future : futures) {
            try {
                counts.add(future.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while purging " + table.table(), e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
        return counts;
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
        String in = " IN (" + String.join(",", Collections.nCopies(ids.size(), "?")) + ")";
        Object[] keys = ids.toArray();
        List<Object> parentArgs = new ArrayList<>(ids);
        parentArgs.add(ts);
        // counted once committed: a transaction retried after a deadlock starts again from nothing
        Map<String, Long> committed = tx.call(() -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            table.children().forEach((child, column) -> counts.put(child,
                    (long) jdbc.update("DELETE FROM `" + child + "` WHERE " + column + in, keys)));
            counts.put(table.table(), (long) jdbc.update("DELETE FROM `" + table.table() + "` WHERE id" + in
                    + " AND deleted = TRUE AND deleted_at < ?", parentArgs.toArray()));
            return counts;
        });
        committed.forEach((name, rows) -> removed.merge(name, rows, Long::sum));
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
