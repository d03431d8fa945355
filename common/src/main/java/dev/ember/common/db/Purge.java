package dev.ember.common.db;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code cinder-manage db purge}: removes soft-deleted rows whose {@code deleted_at} is older than a
 * cut-off, with the rows that only belong to them (metadata, attachments). Cheap by construction: each
 * table is read through its {@code (deleted, deleted_at)} index in batches of primary keys, and each
 * batch is deleted by primary key in its own short transaction, so the work is proportional to the rows
 * purged, live rows are never scanned, and no lock is held for long. Safe to interrupt and run again.
 */
public final class Purge {

    /** Rows per batch: large enough to amortise a round trip, small enough for a short transaction. */
    public static final int BATCH = 5_000;

    /**
     * A soft-deleted table and the tables whose rows belong to its rows.
     *
     * @param table the soft-deleted table
     * @param keep a condition (on alias {@code t}) under which an old deleted row is kept, or null
     * @param children child table to the column that holds this table's {@code id}
     */
    record Table(String table, String keep, Map<String, String> children) {
    }

    /** In dependency order: a row goes before the rows it refers to. */
    private static final List<Table> TABLES = List.of(
            new Table("volume_attachment", null, Map.of()),
            new Table("transfers", null, Map.of()),
            new Table("snapshots", null, Map.of("snapshot_metadata", "snapshot_id")),
            new Table("group_snapshots",
                    "EXISTS (SELECT 1 FROM snapshots s WHERE s.group_snapshot_id = t.id AND s.deleted = FALSE)", Map.of()),
            // A deleted volume that still has a live snapshot (never made by Ember) is kept, not orphaned.
            new Table("volumes", "EXISTS (SELECT 1 FROM snapshots s WHERE s.volume_id = t.id AND s.deleted = FALSE)",
                    orderedChildren("volume_attachment", "volume_id", "volume_metadata", "volume_id",
                            "volume_admin_metadata", "volume_id")),
            // A deleted group is kept while a live volume or group snapshot still names it.
            new Table("groups", "(EXISTS (SELECT 1 FROM volumes v WHERE v.group_id = t.id AND v.deleted = FALSE)"
                    + " OR EXISTS (SELECT 1 FROM group_snapshots g WHERE g.group_id = t.id AND g.deleted = FALSE))",
                    Map.of("group_volume_type_mapping", "group_id")));

    private final JdbcTemplate jdbc;
    private final Tx tx;

    public Purge(JdbcTemplate jdbc, Tx tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    /** @return rows removed per table (children included), in the order purged */
    public Map<String, Long> olderThan(Instant cutoff) {
        Map<String, Long> removed = new LinkedHashMap<>();
        String ts = Timestamps.toDb(cutoff);
        for (Table table : TABLES) {
            String select = "SELECT t.id FROM `" + table.table() + "` t WHERE t.deleted = TRUE AND t.deleted_at < ?"
                    + (table.keep() == null ? "" : " AND NOT " + table.keep())
                    + " ORDER BY t.deleted_at, t.id LIMIT " + BATCH;
            while (true) {
                List<String> ids = jdbc.queryForList(select, String.class, ts);
                if (ids.isEmpty()) {
                    break;
                }
                String in = String.join(",", Collections.nCopies(ids.size(), "?"));
                Object[] args = ids.toArray();
                tx.run(() -> {
                    table.children().forEach((child, column) -> removed.merge(child,
                            (long) jdbc.update("DELETE FROM `" + child + "` WHERE " + column + " IN (" + in + ")", args),
                            Long::sum));
                    removed.merge(table.table(), (long) jdbc.update(
                            "DELETE FROM `" + table.table() + "` WHERE id IN (" + in + ")", args), Long::sum);
                });
                if (ids.size() < BATCH) {
                    break;
                }
            }
        }
        return removed;
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
