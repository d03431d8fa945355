package dev.ember.common.db;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A key/value table belonging to another ({@code volume_metadata}, {@code snapshot_metadata}...): rows
 * {@code (<owner>, key, value, created_at)} with the pair as primary key.
 */
public final class MetadataTable {

    private final JdbcTemplate jdbc;
    private final String table;
    private final String owner;

    /** @param table the table, {@code snapshot_metadata}; @param owner its owner column, {@code snapshot_id} */
    public MetadataTable(JdbcTemplate jdbc, String table, String owner) {
        this.jdbc = jdbc;
        this.table = table;
        this.owner = owner;
    }

    /** The metadata of these owners, each by key, in key order. */
    public Map<String, Map<String, String>> of(Collection<String> ids) {
        Map<String, Map<String, String>> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        jdbc.query("SELECT " + owner + ", `key`, `value` FROM " + table + " WHERE " + owner + " IN ("
                + Conditions.placeholders(ids.size()) + ") ORDER BY " + owner + ", `key`", rs -> {
                    out.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>()).put(rs.getString(2), rs.getString(3));
                }, ids.toArray());
        return out;
    }

    /** Replaces all of the owner's metadata. */
    public void replace(String id, Map<String, String> metadata) {
        jdbc.update("DELETE FROM " + table + " WHERE " + owner + " = ?", id);
        insert(id, metadata);
    }

    /** Sets these keys, keeping the others. */
    public void merge(String id, Map<String, String> metadata) {
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            if (jdbc.update("UPDATE " + table + " SET `value` = ? WHERE " + owner + " = ? AND `key` = ?",
                    entry.getValue(), id, entry.getKey()) == 0) {
                insert(id, Map.of(entry.getKey(), entry.getValue()));
            }
        }
    }

    /** @return whether the key was there */
    public boolean delete(String id, String key) {
        return jdbc.update("DELETE FROM " + table + " WHERE " + owner + " = ? AND `key` = ?", id, key) > 0;
    }

    public void insert(String id, Map<String, String> metadata) {
        if (metadata.isEmpty()) {
            return;
        }
        Object now = Timestamps.toDb(Timestamps.now());
        List<Object[]> rows = new ArrayList<>();
        metadata.forEach((key, value) -> rows.add(new Object[] {id, key, value, now}));
        jdbc.batchUpdate("INSERT INTO " + table + " (" + owner + ", `key`, `value`, created_at) VALUES (?,?,?,?)", rows);
    }
}
