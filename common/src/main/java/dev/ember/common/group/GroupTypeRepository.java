package dev.ember.common.group;

import dev.ember.common.db.MetadataTable;
import dev.ember.common.db.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/** The {@code group_types} table and its specs ({@code group_type_specs}). */
public class GroupTypeRepository {

    private static final String SELECT = "SELECT * FROM group_types ";

    private final JdbcTemplate jdbc;
    private final MetadataTable specs;

    public GroupTypeRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.specs = new MetadataTable(jdbc, "group_type_specs", "group_type_id");
    }

    /** The group types' specs. */
    public MetadataTable specs() {
        return specs;
    }

    /** Inserts the type and its specs; a duplicate name fails with the database's unique-key error. */
    public void insert(GroupType type) {
        jdbc.update("INSERT INTO group_types (id, name, description, is_public, created_at) VALUES (?,?,?,?,?)",
                type.id(), type.name(), type.description(), type.isPublic(), Timestamps.toDb(type.createdAt()));
        specs.insert(type.id(), type.specs());
    }

    public Optional<GroupType> find(String id) {
        return withSpecs(jdbc.query(SELECT + "WHERE id = ?", ROW, id)).stream().findFirst();
    }

    public Optional<GroupType> findByName(String name) {
        return withSpecs(jdbc.query(SELECT + "WHERE name = ?", ROW, name)).stream().findFirst();
    }

    /**
     * Types newest first (Cinder's default {@code created_at desc}), then by id.
     *
     * @param isPublic only public (true) or private (false) types; null for all
     */
    public List<GroupType> list(Boolean isPublic) {
        List<Object> args = new ArrayList<>();
        String where = "";
        if (isPublic != null) {
            where = "WHERE is_public = ? ";
            args.add(isPublic);
        }
        return withSpecs(jdbc.query(SELECT + where + "ORDER BY created_at DESC, id DESC", ROW, args.toArray()));
    }

    /** Sets the non-null fields. @return whether the type exists */
    public boolean update(String id, String name, String description, Boolean isPublic) {
        List<String> sets = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        sets.add("updated_at = ?");
        args.add(Timestamps.toDb(Timestamps.now()));
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
        args.add(id);
        return jdbc.update("UPDATE group_types SET " + String.join(", ", sets) + " WHERE id = ?", args.toArray()) > 0;
    }

    /** Deletes the type and its specs unless a live group uses it. @return whether it was deleted */
    public boolean deleteUnlessInUse(String id) {
        int deleted = jdbc.update("DELETE FROM group_types WHERE id = ? AND NOT EXISTS "
                + "(SELECT 1 FROM `groups` g WHERE g.group_type_id = ? AND g.deleted = FALSE)", id, id);
        if (deleted > 0) {
            jdbc.update("DELETE FROM group_type_specs WHERE group_type_id = ?", id);
        }
        return deleted > 0;
    }

    private List<GroupType> withSpecs(List<GroupType> types) {
        if (types.isEmpty()) {
            return types;
        }
        Map<String, Map<String, String>> byId = specs.of(types.stream().map(GroupType::id).toList());
        return types.stream().map(t -> new GroupType(t.id(), t.name(), t.description(), t.isPublic(),
                byId.getOrDefault(t.id(), Map.of()), t.createdAt())).toList();
    }

    private static final RowMapper<GroupType> ROW = GroupTypeRepository::map;

    private static GroupType map(ResultSet rs, int row) throws SQLException {
        return new GroupType(rs.getString("id"), rs.getString("name"), rs.getString("description"),
                rs.getBoolean("is_public"), Map.of(), Timestamps.read(rs, "created_at"));
    }
}
