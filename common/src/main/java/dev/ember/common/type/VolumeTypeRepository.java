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

    /** Deletes a type no live volume uses; false if it is in use or gone. Its specs and access rows go with it. */
    public boolean deleteIfUnused(String id) {
        int deleted = jdbc.update("DELETE FROM volume_types WHERE id = ? AND NOT EXISTS "
                + "(SELECT 1 FROM volumes v WHERE v.volume_type_id = ? AND v.deleted = FALSE)", id, id);
        if (deleted > 0) {
            jdbc.update("DELETE FROM volume_type_extra_specs WHERE volume_type_id = ?", id);
            jdbc.update("DELETE FROM volume_type_projects WHERE volume_type_id = ?", id);
        }
        return deleted > 0;
    }

    /**
     * Types a project sees in a list (Cinder's {@code _process_volume_types_filters}): those whose
     * {@code is_public} is as asked, and for {@code isPublic=true} also private types the project has access to;
     * every type when {@code isPublic} is null.
     */
    public List<VolumeType> listFor(Boolean isPublic, String projectId) {
        if (isPublic == null) {
            return list(null);
        }
        if (!isPublic || projectId == null) {
            return list(isPublic);
        }
        return withSpecs(jdbc.query("SELECT * FROM volume_types t WHERE t.is_public = TRUE OR EXISTS (SELECT 1 FROM "
                + "volume_type_projects p WHERE p.volume_type_id = t.id AND p.project_id = ?) ORDER BY created_at, name",
                ROW, projectId));
    }

    /** Whether a project may use a private type. */
    public boolean hasAccess(String typeId, String projectId) {
        return !jdbc.queryForList("SELECT 1 FROM volume_type_projects WHERE volume_type_id = ? AND project_id = ?",
                typeId, projectId).isEmpty();
    }

    /** The projects that may use a private type, in the order they were given access. */
    public List<String> accessOf(String typeId) {
        return jdbc.queryForList("SELECT project_id FROM volume_type_projects WHERE volume_type_id = ? "
                + "ORDER BY created_at, project_id", String.class, typeId);
    }

    /** @return false when the project had access already */
    public boolean addAccess(String typeId, String projectId) {
        try {
            jdbc.update("INSERT INTO volume_type_projects (volume_type_id, project_id, created_at) VALUES (?, ?, ?)",
                    typeId, projectId, Timestamps.toDb(Timestamps.now()));
            return true;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    /** @return false when the project had no access */
    public boolean removeAccess(String typeId, String projectId) {
        return jdbc.update("DELETE FROM volume_type_projects WHERE volume_type_id = ? AND project_id = ?",
                typeId, projectId) > 0;
    }

    /** A project's own default type (3.62), by type id. */
    public Optional<String> projectDefault(String projectId) {
        return jdbc.queryForList("SELECT volume_type_id FROM default_volume_types WHERE project_id = ?", String.class,
                projectId).stream().findFirst();
    }

    /** Every project default, project id to type id, by project. */
    public Map<String, String> projectDefaults() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        jdbc.query("SELECT project_id, volume_type_id FROM default_volume_types ORDER BY project_id",
                rs -> {
                    out.put(rs.getString(1), rs.getString(2));
                });
        return out;
    }

    public void setProjectDefault(String projectId, String typeId) {
        Object now = Timestamps.toDb(Timestamps.now());
        jdbc.update("INSERT INTO default_volume_types (project_id, volume_type_id, created_at, updated_at) VALUES (?, ?, ?, ?) "
                + "ON DUPLICATE KEY UPDATE volume_type_id = VALUES(volume_type_id), updated_at = VALUES(updated_at)",
                projectId, typeId, now, now);
    }

    public boolean deleteProjectDefault(String projectId) {
        return jdbc.update("DELETE FROM default_volume_types WHERE project_id = ?", projectId) > 0;
    }

    /** Whether some project has this type as its default (such a type cannot be deleted). */
    public boolean isProjectDefault(String typeId) {
        return !jdbc.queryForList("SELECT 1 FROM default_volume_types WHERE volume_type_id = ?", typeId).isEmpty();
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
