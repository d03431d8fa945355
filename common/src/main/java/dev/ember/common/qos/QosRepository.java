package dev.ember.common.qos;

import dev.ember.common.db.Conditions;
import dev.ember.common.db.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/** The {@code qos_specs} and {@code qos_spec_keys} tables, and the association of specs with volume types. */
public class QosRepository {

    /** Columns a list may filter or sort on. */
    public static final java.util.Set<String> COLUMNS = java.util.Set.of("id", "name", "consumer", "created_at", "updated_at");

    private final JdbcTemplate jdbc;

    public QosRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * @throws DuplicateKeyException when a spec of that name exists
     */
    public void insert(QosSpecs qos) {
        jdbc.update("INSERT INTO qos_specs (id, name, consumer, created_at) VALUES (?, ?, ?, ?)", qos.id(), qos.name(),
                qos.consumer(), Timestamps.toDb(qos.createdAt()));
        putKeys(qos.id(), qos.specs());
    }

    public Optional<QosSpecs> find(String id) {
        List<QosSpecs> found = withKeys(jdbc.query("SELECT * FROM qos_specs WHERE id = ?", (rs, n) -> map(rs), id));
        return found.stream().findFirst();
    }

    /**
     * A page of specs.
     *
     * @param filters column to value, all of which must match
     * @param sortColumn a column of {@link #COLUMNS}; ties broken by id
     */
    public List<QosSpecs> list(Map<String, String> filters, String sortColumn, boolean descending, String marker, int limit,
            int offset) {
        StringBuilder sql = new StringBuilder("SELECT * FROM qos_specs WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        filters.forEach((column, value) -> {
            requireColumn(column);
            sql.append(" AND ").append(column).append(" = ?");
            args.add(value);
        });
        requireColumn(sortColumn);
        String dir = descending ? "DESC" : "ASC";
        if (marker != null) {
            QosSpecs after = find(marker).orElseThrow(() -> new MarkerNotFoundException(marker));
            Object value = switch (sortColumn) {
                case "id" -> after.id();
                case "name" -> after.name();
                case "consumer" -> after.consumer();
                case "updated_at" -> Timestamps.toDb(after.updatedAt());
                default -> Timestamps.toDb(after.createdAt());
            };
            String cmp = descending ? "<" : ">";
            sql.append(" AND (").append(sortColumn).append(' ').append(cmp).append(" ? OR (").append(sortColumn)
                    .append(" = ? AND id ").append(cmp).append(" ?))");
            args.add(value);
            args.add(value);
            args.add(after.id());
        }
        sql.append(" ORDER BY ").append(sortColumn).append(' ').append(dir).append(", id ").append(dir)
                .append(" LIMIT ? OFFSET ?");
        args.add(limit);
        args.add(offset);
        return withKeys(jdbc.query(sql.toString(), (rs, n) -> map(rs), args.toArray()));
    }

    /** Sets keys (and the consumer, when given) of a spec. */
    public void update(String id, String consumer, Map<String, String> keys, Instant now) {
        if (consumer != null) {
            jdbc.update("UPDATE qos_specs SET consumer = ?, updated_at = ? WHERE id = ?", consumer, Timestamps.toDb(now), id);
        } else {
            jdbc.update("UPDATE qos_specs SET updated_at = ? WHERE id = ?", Timestamps.toDb(now), id);
        }
        putKeys(id, keys);
    }

    /** @return whether the key was there */
    public boolean deleteKey(String id, String key) {
        return jdbc.update("DELETE FROM qos_spec_keys WHERE qos_specs_id = ? AND `key` = ?", id, key) > 0;
    }

    /** Deletes a spec no volume type uses (any, when {@code force}: they lose it); false when in use. */
    public boolean delete(String id, boolean force) {
        if (force) {
            disassociateAll(id);
        } else if (!associations(id).isEmpty()) {
            return false;
        }
        jdbc.update("DELETE FROM qos_spec_keys WHERE qos_specs_id = ?", id);
        jdbc.update("DELETE FROM qos_specs WHERE id = ?", id);
        return true;
    }

    /** The volume types using a spec: id to name, by name. */
    public Map<String, String> associations(String id) {
        Map<String, String> types = new LinkedHashMap<>();
        jdbc.query("SELECT id, name FROM volume_types WHERE qos_specs_id = ? ORDER BY name", rs -> {
            types.put(rs.getString(1), rs.getString(2));
        }, id);
        return types;
    }

    public void associate(String id, String typeId) {
        jdbc.update("UPDATE volume_types SET qos_specs_id = ?, updated_at = ? WHERE id = ?", id,
                Timestamps.toDb(Timestamps.now()), typeId);
    }

    public void disassociate(String id, String typeId) {
        jdbc.update("UPDATE volume_types SET qos_specs_id = NULL, updated_at = ? WHERE id = ? AND qos_specs_id = ?",
                Timestamps.toDb(Timestamps.now()), typeId, id);
    }

    public void disassociateAll(String id) {
        jdbc.update("UPDATE volume_types SET qos_specs_id = NULL, updated_at = ? WHERE qos_specs_id = ?",
                Timestamps.toDb(Timestamps.now()), id);
    }

    private void putKeys(String id, Map<String, String> keys) {
        Object now = Timestamps.toDb(Timestamps.now());
        for (Map.Entry<String, String> e : keys.entrySet()) {
            if (jdbc.update("UPDATE qos_spec_keys SET `value` = ? WHERE qos_specs_id = ? AND `key` = ?", e.getValue(), id,
                    e.getKey()) == 0) {
                jdbc.update("INSERT INTO qos_spec_keys (qos_specs_id, `key`, `value`, created_at) VALUES (?, ?, ?, ?)", id,
                        e.getKey(), e.getValue(), now);
            }
        }
    }

    private List<QosSpecs> withKeys(List<QosSpecs> specs) {
        if (specs.isEmpty()) {
            return specs;
        }
        Collection<String> ids = specs.stream().map(QosSpecs::id).toList();
        Map<String, Map<String, String>> keys = new HashMap<>();
        jdbc.query("SELECT qos_specs_id, `key`, `value` FROM qos_spec_keys WHERE qos_specs_id IN ("
                + Conditions.placeholders(ids.size()) + ")", rs -> {
                    keys.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2), rs.getString(3));
                }, ids.toArray());
        List<QosSpecs> out = new ArrayList<>();
        for (QosSpecs q : specs) {
            out.add(new QosSpecs(q.id(), q.name(), q.consumer(), keys.getOrDefault(q.id(), Map.of()), q.createdAt(),
                    q.updatedAt()));
        }
        return out;
    }

    private static void requireColumn(String column) {
        if (!COLUMNS.contains(column)) {
            throw new IllegalArgumentException("not a qos_specs column: " + column);
        }
    }

    private static QosSpecs map(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new QosSpecs(rs.getString("id"), rs.getString("name"), rs.getString("consumer"), Map.of(),
                Timestamps.read(rs, "created_at"), Timestamps.read(rs, "updated_at"));
    }

    /** The marker of a list names no spec. */
    public static final class MarkerNotFoundException extends RuntimeException {
        public MarkerNotFoundException(String marker) {
            super("Marker " + marker + " could not be found.");
        }
    }
}
