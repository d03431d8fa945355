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
 * cut-off, with the rows that only belong to them (metadata, attachments). Each batch is one short
 * transaction that deletes a batch's children, then the batch's rows, both by the same condition, so a
 * child never outlives its purged parent and no lock is held for long; safe to interrupt and run again.
 * <p>
 * A batch is a set of primary keys chosen one of two ways, by how much of the table goes (measured in
 * docs/performance.md):
 * <ul>
 *   <li>many (a tenth of the table or more): consecutive <em>primary key ranges</em> of {@link #BATCH} rows,
 *       walked in key order on {@link #WORKERS} connections at once (each its own share of the key space).
 *       Deleting in key order touches each page of the table (and of the children, keyed by the parent's
 *       id) once, where deleting in age order touches one random page per row; live rows in a range are
 *       read, not locked (READ COMMITTED, as the services run);</li>
 *   <li>few: the next {@link #BATCH} old rows by age through the {@code (deleted, deleted_at)} index
 *       (migrations V30, V43), so live rows are never read.</li>
 * </ul>
 */
public final class Purge {

    /** Rows per batch: large enough to amortise a round trip, small enough for a short transaction. */
    public static final int BATCH = 5_000;

    /** Connections that walk one table's key ranges at once. */
    public static final int WORKERS = 2;

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

    /**
     * The keys of one batch, as a condition on a column that holds them.
     *
     * @param sql the condition, {@code %1$s} standing for the column
     * @param args its arguments
     */
    record Keys(String sql, List<Object> args) {

        /** Keys from {@code from} (inclusive) to {@code to} (exclusive; null: no end). */
        static Keys range(String from, String to) {
            return to == null ? new Keys("%1$s >= ?", List.of(from)) : new Keys("%1$s >= ? AND %1$s < ?", List.of(from, to));
        }

        static Keys of(List<String> ids) {
            return new Keys("%1$s IN (" + String.join(",", Collections.nCopies(ids.size(), "?")) + ")", List.copyOf(ids));
        }

        String on(String column) {
            return String.format(sql, column);
        }
    }

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
        String next = "SELECT id FROM `" + table.table() + "` WHERE id >= ?" + (to == null ? "" : " AND id < ?")
                + " ORDER BY id LIMIT 1 OFFSET " + batch;
        String lo = from;
        while (lo != null) {
            List<String> found = to == null ? jdbc.queryForList(next, String.class, lo)
                    : jdbc.queryForList(next, String.class, lo, to);
            String hi = found.isEmpty() ? to : found.get(0);
            delete(table, Keys.range(lo, hi), ts, removed);
            lo = found.isEmpty() ? null : hi;
        }
        return removed;
    }

    /** Purges the old rows by age, {@link #BATCH} at a time, resuming each batch after the last one's key. */
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
            delete(table, Keys.of(ids), ts, removed);
            if (rows.size() < batch) {
                break;
            }
            after = rows.get(rows.size() - 1);
        }
        return List.of(removed);
    }

    /** One transaction: the purgeable rows among {@code keys} and, first, their children. */
    private void delete(Table table, Keys keys, String ts, Map<String, Long> removed) {
        List<Object> parentArgs = new ArrayList<>(keys.args());
        parentArgs.add(ts);
        // counted once committed: a transaction retried after a deadlock starts again from nothing
        Map<String, Long> committed = tx.call(() -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            table.children().forEach((child, column) -> {
                List<Object> args = new ArrayList<>(keys.args());
                args.addAll(parentArgs);
                counts.put(child, (long) jdbc.update("DELETE FROM `" + child + "` WHERE " + keys.on(column)
                        + " AND " + column + " IN (SELECT t.id FROM `" + table.table() + "` t WHERE " + keys.on("t.id")
                        + " AND " + table.purgeable("t") + ")", args.toArray()));
            });
            counts.put(table.table(), (long) jdbc.update("DELETE FROM `" + table.table() + "` WHERE " + keys.on("id")
                    + " AND " + table.purgeable("`" + table.table() + "`"), parentArgs.toArray()));
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
