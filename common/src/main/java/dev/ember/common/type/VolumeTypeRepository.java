package dev.ember.common.type;

import dev.ember.common.db.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/** The {@code volume_types} and {@code volume_type_extra_specs} tables. */
public class VolumeTypeRepository {

    private final JdbcTemplate jdbc;

    public VolumeTypeRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<VolumeType> findById(String id) {
        return withSpecs(jdbc.query("SELECT * FROM volume_types WHERE id = ?", ROW, id)).stream().findFirst();
    }

    public Optional<VolumeType> findByName(String name) {
        return withSpecs(jdbc.query("SELECT * FROM volume_types WHERE name = ?", ROW, name)).stream().findFirst();
    }

    /** Cinder's {@code get_by_name_or_id}: an id when the string looks like a UUID, else a name. */
    public Optional<VolumeType> findByNameOrId(String identity) {
        if (looksLikeUuid(identity)) {
            Optional<VolumeType> byId = findById(identity);
            if (byId.isPresent()) {
                return byId;
            }
        }
        return findByName(identity);
    }

    /** Public types, and private ones when {@code includePrivate} (admins), ordered by name. */
    public List<VolumeType> list(Boolean isPublic) {
        if (isPublic == null) {
            return withSpecs(jdbc.query("SELECT * FROM volume_types ORDER BY created_at, name", ROW));
        }
        return withSpecs(jdbc.query("SELECT * FROM volume_types WHERE is_public = ? ORDER BY created_at, name", ROW, isPublic));
    }

    /**
     * Inserts a type and its specs.
     *
     * @throws DuplicateKeyException when a type of that name exists
     */
    public void insert(VolumeType type) {
        Object now = Timestamps.toDb(type.createdAt());
        jdbc.update("INSERT INTO volume_types (id, name, description, is_public, created_at) VALUES (?, ?, ?, ?, ?)",
                type.id(), type.name(), type.description(), type.isPublic(), now);
        putExtraSpecs(type.id(), type.extraSpecs(), type.createdAt());
    }

    /** Adds or replaces extra specs (Cinder's create/update of extra specs). */
    public void putExtraSpecs(String typeId, Map<String, String> specs, Instant now) {
        for (Map.Entry<String, String> spec : specs.entrySet()) {
            int updated = jdbc.update("UPDATE volume_type_extra_specs SET `value` = ? WHERE volume_type_id = ? AND `key` = ?",
                    spec.getValue(), typeId, spec.getKey());
            if (updated == 0) {
                jdbc.update("INSERT INTO volume_type_extra_specs (volume_type_id, `key`, `value`, created_at) VALUES (?, ?, ?, ?)",
                        typeId, spec.getKey(), spec.getValue(), Timestamps.toDb(now));
            }
        }
    }

    public boolean deleteExtraSpec(String typeId, String key) {
        return jdbc.update("DELETE FROM volume_type_extra_specs WHERE volume_type_id = ? AND `key` = ?", typeId, key) > 0;
    }

    /** Deletes a type no live volume uses; false if it is in use or gone. */
    public boolean deleteIfUnused(String id) {
        int deleted = jdbc.update("DELETE FROM volume_types WHERE id = ? AND NOT EXISTS "
                + "(SELECT 1 FROM volumes v WHERE v.volume_type_id = ? AND v.deleted = FALSE)", id, id);
        if (deleted > 0) {
            jdbc.update("DELETE FROM volume_type_extra_specs WHERE volume_type_id = ?", id);
        }
        return deleted > 0;
    }

    public boolean isInUse(String id) {
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM volumes WHERE volume_type_id = ? AND deleted = FALSE",
                Integer.class, id);
        return n != null && n > 0;
    }

    public boolean update(String id, String name, String description, Boolean isPublic) {
        List<String> sets = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        if (name != null) {
            sets.add("name = ?");
            args.add(name);
        }
        if (description != null) {
            sets.add("description = ?");
            args.add(description);
        }
        if (isPublic != null) {
            sets.add("is_public = ?");
            args.add(isPublic);
        }
        sets.add("updated_at = ?");
        args.add(Timestamps.toDb(Timestamps.now()));
        args.add(id);
        return jdbc.update("UPDATE volume_types SET " + String.join(", ", sets) + " WHERE id = ?", args.toArray()) > 0;
    }

    public static boolean looksLikeUuid(String value) {
        if (value == null) {
            return false;
        }
        String hex = value.replace("-", "").replace("{", "").replace("}", "");
        if (hex.startsWith("urn:uuid:")) {
            hex = hex.substring(9);
        }
        return hex.length() == 32 && hex.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    private List<VolumeType> withSpecs(List<VolumeType> types) {
        if (types.isEmpty()) {
            return types;
        }
        Map<String, Map<String, String>> specs = new HashMap<>();
        List<Object> ids = new ArrayList<>();
        types.forEach(t -> ids.add(t.id()));
        jdbc.query("SELECT volume_type_id, `key`, `value` FROM volume_type_extra_specs WHERE volume_type_id IN ("
                + String.join(",", java.util.Collections.nCopies(ids.size(), "?")) + ")", rs -> {
                    specs.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2), rs.getString(3));
                }, ids.toArray());
        List<VolumeType> out = new ArrayList<>();
        for (VolumeType type : types) {
            out.add(type.withExtraSpecs(specs.getOrDefault(type.id(), Map.of())));
        }
        return out;
    }

    private static final RowMapper<VolumeType> ROW = VolumeTypeRepository::map;

    private static VolumeType map(ResultSet rs, int row) throws SQLException {
        return new VolumeType(rs.getString("id"), rs.getString("name"), rs.getString("description"),
                rs.getBoolean("is_public"), rs.getString("qos_specs_id"), Map.of(),
                Timestamps.read(rs, "created_at"), Timestamps.read(rs, "updated_at"));
    }
}
