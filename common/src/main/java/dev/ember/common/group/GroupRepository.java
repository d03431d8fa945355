package dev.ember.common.group;

import dev.ember.common.db.Conditions;
import dev.ember.common.db.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * The {@code groups} table with its volume types ({@code group_volume_type_mapping}), and the group snapshots
 * ({@code group_snapshots}). Status changes are compare-and-swaps, as the volumes'. Which volumes belong to a group
 * is {@code volumes.group_id}; which snapshots to a group snapshot, {@code snapshots.group_snapshot_id}.
 */
public class GroupRepository {

    /** The columns of {@code groups} a list may filter on. */
    public static final Set<String> COLUMNS = Set.of("id", "user_id", "project_id", "host", "availability_zone", "name",
            "description", "group_type_id", "status", "group_snapshot_id", "source_group_id", "replication_status",
            "created_at", "updated_at");

    /** The columns of {@code group_snapshots} a list may filter on. */
    public static final Set<String> SNAPSHOT_COLUMNS = Set.of("id", "group_id", "user_id", "project_id", "name",
            "description", "status", "group_type_id", "created_at", "updated_at");

    private static final Set<String> SETTABLE = Set.of("host", "availability_zone", "name", "description", "deleted",
            "deleted_at");

    private final JdbcTemplate jdbc;

    public GroupRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    // ----- groups --------------------------------------------------------------------------------

    public void insert(Group g) {
        jdbc.update("INSERT INTO `groups` (id, user_id, project_id, host, availability_zone, name, description, "
                        + "group_type_id, status, group_snapshot_id, source_group_id, replication_status, created_at, deleted) "
                        + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,FALSE)",
                g.id(), g.userId(), g.projectId(), g.host(), g.availabilityZone(), g.name(), g.description(),
                g.groupTypeId(), g.status(), g.groupSnapshotId(), g.sourceGroupId(), g.replicationStatus(),
                Timestamps.toDb(g.createdAt()));
        String now = Timestamps.toDb(Timestamps.now());
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < g.volumeTypeIds().size(); i++) {
            rows.add(new Object[] {g.id(), g.volumeTypeIds().get(i), i, now});
        }
        if (!rows.isEmpty()) {
            jdbc.batchUpdate("INSERT INTO group_volume_type_mapping (group_id, volume_type_id, position, created_at) "
                    + "VALUES (?,?,?,?)", rows);
        }
    }

    /** A live group. */
    public Optional<Group> find(String id) {
        return withTypes(jdbc.query("SELECT * FROM `groups` WHERE id = ? AND deleted = FALSE", ROW, id)).stream()
                .findFirst();
    }

    /** Locks a live group's row until the transaction ends. @return whether it exists */
    public boolean lock(String id) {
        return !jdbc.queryForList("SELECT id FROM `groups` WHERE id = ? AND deleted = FALSE FOR UPDATE", String.class, id)
                .isEmpty();
    }

    /**
     * Live groups, newest first, matching {@code filters} (column to value, {@link #COLUMNS}).
     *
     * @param projectId only this project's; null for all
     */
    public List<Group> list(String projectId, Map<String, Object> filters, int limit, int offset) {
        StringBuilder sql = new StringBuilder("SELECT * FROM `groups` WHERE deleted = FALSE");
        List<Object> args = new ArrayList<>();
        where(projectId, filters, COLUMNS, sql, args);
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?");
        args.add(limit);
        args.add(offset);
        return withTypes(jdbc.query(sql.toString(), ROW, args.toArray()));
    }

    /**
     * Moves a live group to {@code to} if it is in one of {@code from} (any status when {@code from} is empty).
     *
     * @param alsoSet further columns to set in the same statement
     * @return whether this call made the change
     */
    public boolean transition(String id, Collection<String> from, String to, Map<String, Object> alsoSet) {
        return cas("`groups`", SETTABLE, id, from, to, alsoSet, "");
    }

    /**
     * As {@link #transition}, only while no group snapshot of the group is live and no group is being made from it
     * or from one of its snapshots (Cinder's group delete filters).
     */
    public boolean transitionUnlessSource(String id, Collection<String> from, String to) {
        return cas("`groups`", SETTABLE, id, from, to, Map.of(),
                " AND NOT EXISTS (SELECT 1 FROM group_snapshots gs WHERE gs.group_id = `groups`.id AND gs.deleted = FALSE)"
                        // A derived table: MariaDB refuses a subquery on the table being updated.
                        + " AND id NOT IN (SELECT source_group_id FROM (SELECT source_group_id FROM `groups` "
                        + "WHERE source_group_id IS NOT NULL AND deleted = FALSE AND status = 'creating') AS busy)");
    }

    /**
     * A scheduler's placement: the creating group, not placed yet, gets its pool and zone.
     *
     * @return whether this call placed it
     */
    public boolean place(String id, String host, String availabilityZone) {
        return jdbc.update("UPDATE `groups` SET host = ?, availability_zone = ?, updated_at = ? WHERE id = ? "
                + "AND deleted = FALSE AND status = 'creating' AND host IS NULL", host, availabilityZone,
                Timestamps.toDb(Timestamps.now()), id) > 0;
    }

    /**
     * Ends the creation of a group made from a source once none of its volumes is {@code creating} any more:
     * {@code available} if all of them are, else {@code error}.
     *
     * @return whether the group's creation ended
     */
    public boolean finishCreationFromSource(String id) {
        String now = Timestamps.toDb(Timestamps.now());
        String pending = "SELECT 1 FROM volumes v WHERE v.group_id = ? AND v.deleted = FALSE AND v.status = 'creating'";
        String failed = "SELECT 1 FROM volumes v WHERE v.group_id = ? AND v.deleted = FALSE AND v.status <> 'available'";
        String source = " AND (group_snapshot_id IS NOT NULL OR source_group_id IS NOT NULL)";
        if (jdbc.update("UPDATE `groups` SET status = 'available', updated_at = ? WHERE id = ? AND deleted = FALSE "
                + "AND status = 'creating'" + source + " AND NOT EXISTS (" + failed + ")", now, id, id) > 0) {
            return true;
        }
        return jdbc.update("UPDATE `groups` SET status = 'error', updated_at = ? WHERE id = ? AND deleted = FALSE "
                + "AND status = 'creating'" + source + " AND NOT EXISTS (" + pending + ")", now, id, id) > 0;
    }

    /** Soft-deletes a live group in one of {@code from}. */
    public boolean markDeleted(String id, Collection<String> from) {
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("deleted", true);
        set.put("deleted_at", Timestamps.now());
        return transition(id, from, GroupStatus.DELETED, set);
    }

    /** The ids of the live volumes in a group, oldest first. */
    public List<String> volumeIds(String groupId) {
        return jdbc.queryForList("SELECT id FROM volumes WHERE group_id = ? AND deleted = FALSE ORDER BY created_at, id",
                String.class, groupId);
    }

    /** Live groups per project, for the quota check. */
    public Map<String, Integer> countByProject() {
        Map<String, Integer> out = new LinkedHashMap<>();
        jdbc.query("SELECT project_id, COUNT(*) FROM `groups` WHERE deleted = FALSE GROUP BY project_id",
                rs -> {
                    out.put(rs.getString(1), rs.getInt(2));
                });
        return out;
    }

    // ----- group snapshots -----------------------------------------------------------------------

    public void insertSnapshot(GroupSnapshot s) {
        jdbc.update("INSERT INTO group_snapshots (id, group_id, user_id, project_id, name, description, status, "
                        + "group_type_id, created_at, deleted) VALUES (?,?,?,?,?,?,?,?,?,FALSE)",
                s.id(), s.groupId(), s.userId(), s.projectId(), s.name(), s.description(), s.status(), s.groupTypeId(),
                Timestamps.toDb(s.createdAt()));
    }

    public Optional<GroupSnapshot> findSnapshot(String id) {
        return jdbc.query("SELECT * FROM group_snapshots WHERE id = ? AND deleted = FALSE", SNAPSHOT_ROW, id).stream()
                .findFirst();
    }

    /** Live group snapshots, newest first; see {@link #list}. */
    public List<GroupSnapshot> listSnapshots(String projectId, Map<String, Object> filters, int limit, int offset) {
        StringBuilder sql = new StringBuilder("SELECT * FROM group_snapshots WHERE deleted = FALSE");
        List<Object> args = new ArrayList<>();
        where(projectId, filters, SNAPSHOT_COLUMNS, sql, args);
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?");
        args.add(limit);
        args.add(offset);
        return jdbc.query(sql.toString(), SNAPSHOT_ROW, args.toArray());
    }

    /** Moves a live group snapshot to {@code to} if it is in one of {@code from} (any when empty). */
    public boolean transitionSnapshot(String id, Collection<String> from, String to) {
        return cas("group_snapshots", Set.of(), id, from, to, Map.of(), "");
    }

    /** As {@link #transitionSnapshot}, only while no group is being made from it. */
    public boolean transitionSnapshotUnlessSource(String id, Collection<String> from, String to) {
        return cas("group_snapshots", Set.of(), id, from, to, Map.of(),
                " AND NOT EXISTS (SELECT 1 FROM `groups` g WHERE g.group_snapshot_id = group_snapshots.id "
                        + "AND g.deleted = FALSE AND g.status = 'creating')");
    }

    public boolean markSnapshotDeleted(String id, Collection<String> from) {
        return cas("group_snapshots", Set.of("deleted", "deleted_at"), id, from, GroupStatus.DELETED,
                Map.of("deleted", true, "deleted_at", Timestamps.now()), "");
    }

    /** The ids of the live snapshots a group snapshot took, oldest first. */
    public List<String> snapshotIds(String groupSnapshotId) {
        return jdbc.queryForList("SELECT id FROM snapshots WHERE group_snapshot_id = ? AND deleted = FALSE "
                + "ORDER BY created_at, id", String.class, groupSnapshotId);
    }

    /** Whether any group snapshot of the group is live. */
    public boolean hasSnapshots(String groupId) {
        return !jdbc.queryForList("SELECT id FROM group_snapshots WHERE group_id = ? AND deleted = FALSE",
                String.class, groupId).isEmpty();
    }

    // ----- re-drive ------------------------------------------------------------------------------

    /** Live groups in one of {@code statuses} that have not changed since {@code before}, oldest first. */
    public List<Group> findStale(Collection<String> statuses, Instant before, int max) {
        List<Object> args = new ArrayList<>(statuses);
        args.add(Timestamps.toDb(before));
        args.add(max);
        return withTypes(jdbc.query("SELECT * FROM `groups` WHERE deleted = FALSE AND status IN ("
                + Conditions.placeholders(statuses.size()) + ") AND COALESCE(updated_at, created_at) < ? "
                + "ORDER BY created_at LIMIT ?", ROW, args.toArray()));
    }

    /**
     * Claims a stale group for one re-drive: bumps its {@code updated_at} if it is still in {@code status} and
     * unchanged since {@code before}, so of several schedulers only one re-drives it.
     */
    public boolean claimStale(String id, String status, Instant before, Instant now) {
        return jdbc.update("UPDATE `groups` SET updated_at = ? WHERE id = ? AND deleted = FALSE AND status = ? "
                + "AND COALESCE(updated_at, created_at) < ?", Timestamps.toDb(now), id, status,
                Timestamps.toDb(before)) > 0;
    }

    /** Live group snapshots in one of {@code statuses} unchanged since {@code before}, oldest first. */
    public List<GroupSnapshot> findStaleSnapshots(Collection<String> statuses, Instant before, int max) {
        List<Object> args = new ArrayList<>(statuses);
        args.add(Timestamps.toDb(before));
        args.add(max);
        return jdbc.query("SELECT * FROM group_snapshots WHERE deleted = FALSE AND status IN ("
                + Conditions.placeholders(statuses.size()) + ") AND COALESCE(updated_at, created_at) < ? "
                + "ORDER BY created_at LIMIT ?", SNAPSHOT_ROW, args.toArray());
    }

    /** As {@link #claimStale}, for a group snapshot. */
    public boolean claimStaleSnapshot(String id, String status, Instant before, Instant now) {
        return jdbc.update("UPDATE group_snapshots SET updated_at = ? WHERE id = ? AND deleted = FALSE AND status = ? "
                + "AND COALESCE(updated_at, created_at) < ?", Timestamps.toDb(now), id, status,
                Timestamps.toDb(before)) > 0;
    }

    // ----- helpers -------------------------------------------------------------------------------

    private boolean cas(String table, Set<String> settable, String id, Collection<String> from, String to,
            Map<String, Object> alsoSet, String extra) {
        StringBuilder sql = new StringBuilder("UPDATE " + table + " SET status = ?, updated_at = ?");
        List<Object> args = new ArrayList<>();
        args.add(to);
        args.add(Timestamps.toDb(Timestamps.now()));
        for (Map.Entry<String, Object> set : alsoSet.entrySet()) {
            if (!settable.contains(set.getKey())) {
                throw new IllegalArgumentException("not a settable column of " + table + ": " + set.getKey());
            }
            sql.append(", ").append(set.getKey()).append(" = ?");
            args.add(set.getValue() instanceof Instant instant ? Timestamps.toDb(instant) : set.getValue());
        }
        sql.append(" WHERE id = ? AND deleted = FALSE");
        args.add(id);
        if (!from.isEmpty()) {
            sql.append(" AND status IN (").append(Conditions.placeholders(from.size())).append(')');
            args.addAll(from);
        }
        sql.append(extra);
        return jdbc.update(sql.toString(), args.toArray()) > 0;
    }

    private static void where(String projectId, Map<String, Object> filters, Set<String> columns, StringBuilder sql,
            List<Object> args) {
        if (projectId != null) {
            sql.append(" AND project_id = ?");
            args.add(projectId);
        }
        filters.forEach((column, value) -> {
            if (!columns.contains(column)) {
                throw new IllegalArgumentException("not a filterable column: " + column);
            }
            sql.append(" AND ").append(column).append(" = ?");
            args.add(value);
        });
    }

    private List<Group> withTypes(List<Group> groups) {
        if (groups.isEmpty()) {
            return groups;
        }
        Map<String, List<String>> types = new LinkedHashMap<>();
        List<String> ids = groups.stream().map(Group::id).toList();
        jdbc.query("SELECT group_id, volume_type_id FROM group_volume_type_mapping WHERE group_id IN ("
                + Conditions.placeholders(ids.size()) + ") ORDER BY group_id, position", rs -> {
                    types.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                }, ids.toArray());
        return groups.stream().map(g -> new Group(g.id(), g.userId(), g.projectId(), g.host(), g.availabilityZone(),
                g.name(), g.description(), g.groupTypeId(), g.status(), g.groupSnapshotId(), g.sourceGroupId(),
                g.replicationStatus(), types.getOrDefault(g.id(), List.of()), g.createdAt())).toList();
    }

    private static final RowMapper<Group> ROW = GroupRepository::map;

    private static Group map(ResultSet rs, int row) throws SQLException {
        return new Group(rs.getString("id"), rs.getString("user_id"), rs.getString("project_id"), rs.getString("host"),
                rs.getString("availability_zone"), rs.getString("name"), rs.getString("description"),
                rs.getString("group_type_id"), rs.getString("status"), rs.getString("group_snapshot_id"),
                rs.getString("source_group_id"), rs.getString("replication_status"), List.of(),
                Timestamps.read(rs, "created_at"));
    }

    private static final RowMapper<GroupSnapshot> SNAPSHOT_ROW = GroupRepository::mapSnapshot;

    private static GroupSnapshot mapSnapshot(ResultSet rs, int row) throws SQLException {
        return new GroupSnapshot(rs.getString("id"), rs.getString("group_id"), rs.getString("user_id"),
                rs.getString("project_id"), rs.getString("name"), rs.getString("description"), rs.getString("status"),
                rs.getString("group_type_id"), Timestamps.read(rs, "created_at"));
    }
}
