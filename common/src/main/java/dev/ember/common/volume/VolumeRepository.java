package dev.ember.common.volume;

import dev.ember.common.db.Conditions;
import dev.ember.common.db.Keyset;
import dev.ember.common.db.ListQuery;
import dev.ember.common.db.MetadataTable;
import dev.ember.common.db.MonthPartitions;
import dev.ember.common.db.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * The {@code volumes} table. Every status change goes through {@link #transition}: one conditional
 * UPDATE that succeeds only if the row is still in an expected status, so two racing requests can never
 * both win and a lost race never corrupts a row.
 */
public class VolumeRepository {

    private static final String SELECT = "SELECT v.*, t.name AS volume_type_name FROM volumes v "
            + "LEFT JOIN volume_types t ON t.id = v.volume_type_id ";

    /** Columns {@link #transition} may set besides {@code status}. */
    private static final Set<String> SETTABLE = Set.of(
            "host", "attach_status", "migration_status", "previous_status", "scheduled_at", "launched_at",
            "terminated_at", "provider_location", "provider_auth", "provider_id", "service_uuid",
            "shared_targets", "size", "deleted", "deleted_at", "availability_zone", "replication_status", "bootable",
            "extend_size", "extend_claimed", "multiattach", "volume_type_id", "retype_type_id", "retype_policy",
            "project_id", "user_id", "group_id", "purge_month");

    /** The columns of {@code volumes} a list may filter or sort on (Cinder accepts any model column). */
    public static final Set<String> COLUMNS = Set.of(
            "id", "user_id", "project_id", "host", "cluster_name", "size", "availability_zone", "status",
            "attach_status", "migration_status", "previous_status", "scheduled_at", "launched_at",
            "terminated_at", "display_name", "display_description", "provider_location", "provider_auth",
            "provider_geometry", "provider_id", "volume_type_id", "snapshot_id", "source_volid",
            "encryption_key_id", "consistencygroup_id", "group_id", "bootable", "multiattach",
            "replication_status", "service_uuid", "shared_targets", "use_quota", "created_at", "updated_at",
            "deleted_at", "deleted");

    private final JdbcTemplate jdbc;
    private final MetadataTable metadata;

    public VolumeRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.metadata = new MetadataTable(jdbc, "volume_metadata", "volume_id");
    }

    /** The volumes' user metadata ({@code volume_metadata}). */
    public MetadataTable metadata() {
        return metadata;
    }

    /**
     * Sets columns of a live volume that are not its status (for example {@code bootable}).
     *
     * @return whether the volume exists
     */
    public boolean update(String id, Map<String, Object> set) {
        StringBuilder sql = new StringBuilder("UPDATE volumes SET updated_at = ?");
        List<Object> args = new ArrayList<>();
        args.add(Timestamps.toDb(Timestamps.now()));
        for (Map.Entry<String, Object> column : set.entrySet()) {
            if (!SETTABLE.contains(column.getKey())) {
                throw new IllegalArgumentException("not a settable volume column: " + column.getKey());
            }
            sql.append(", ").append(column.getKey()).append(" = ?");
            args.add(column.getValue() instanceof Instant instant ? Timestamps.toDb(instant) : column.getValue());
        }
        sql.append(" WHERE id = ? AND deleted = FALSE");
        args.add(id);
        return jdbc.update(sql.toString(), args.toArray()) > 0;
    }

    /** Extra conditions a transition may require besides the expected statuses. */
    public enum Guard {
        /** The volume is not attached ({@code attach_status != 'attached'}). */
        NOT_ATTACHED("attach_status <> 'attached'"),
        /** The volume has not been placed on a backend. */
        NO_HOST("host IS NULL"),
        /** The volume has been placed on a backend. */
        HAS_HOST("host IS NOT NULL"),
        /** The volume is attached ({@code attach_status = 'attached'}). */
        ATTACHED("attach_status = 'attached'"),
        /** The volume is not being migrated (Cinder's {@code AVAILABLE_MIGRATION_STATUS}). */
        NOT_MIGRATING("(migration_status IS NULL OR migration_status IN ('deleting', 'error', 'success'))"),
        /** Multiattach volumes only. */
        MULTIATTACH("multiattach = TRUE"),
        /** Volumes that are not multiattach only. */
        NOT_MULTIATTACH("multiattach = FALSE"),
        /** The volume belongs to no group or consistency group. */
        NOT_IN_GROUP("(group_id IS NULL OR group_id = '') AND (consistencygroup_id IS NULL OR consistencygroup_id = '')"),
        /** The volume has no live snapshot (Cinder's {@code volume_has_snapshots_filter}, negated). */
        NO_SNAPSHOTS("NOT EXISTS (SELECT 1 FROM snapshots s WHERE s.volume_id = volumes.id AND s.deleted = FALSE)");

        private final String sql;

        Guard(String sql) {
            this.sql = sql;
        }
    }

    public void insert(Volume v) {
        jdbc.update("INSERT INTO volumes (id, user_id, project_id, host, size, availability_zone, status, "
                        + "attach_status, display_name, display_description, volume_type_id, snapshot_id, "
                        + "source_volid, consistencygroup_id, group_id, bootable, multiattach, use_quota, "
                        + "created_at, deleted) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,FALSE)",
                v.id(), v.userId(), v.projectId(), v.host(), v.size(), v.availabilityZone(), v.status(),
                v.attachStatus(), v.displayName(), v.displayDescription(), v.volumeTypeId(), v.snapshotId(),
                v.sourceVolid(), v.consistencygroupId(), v.groupId(), v.bootable(), v.multiattach(), v.useQuota(),
                Timestamps.toDb(v.createdAt()));
        if (!v.metadata().isEmpty()) {
            List<Object[]> rows = new ArrayList<>();
            v.metadata().forEach((key, value) -> rows.add(new Object[] {v.id(), key, value, Timestamps.toDb(v.createdAt())}));
            jdbc.batchUpdate("INSERT INTO volume_metadata (volume_id, `key`, `value`, created_at) VALUES (?,?,?,?)", rows);
        }
    }

    /** The live (not deleted) volume with this id, with its metadata. */
    public Optional<Volume> find(String id) {
        List<Volume> found = jdbc.query(SELECT + "WHERE " + MonthPartitions.liveById("v"), ROW, id);
        return found.isEmpty() ? Optional.empty() : Optional.of(withMetadata(found).get(0));
    }

    /** The live volumes among {@code ids}, without metadata, by id. */
    public Map<String, Volume> findManyWithoutMetadata(Collection<String> ids) {
        Map<String, Volume> found = new HashMap<>();
        if (ids.isEmpty()) {
            return found;
        }
        jdbc.query(SELECT + "WHERE v.id IN (" + placeholders(ids.size()) + ") AND v.deleted = FALSE", ROW, ids.toArray())
                .forEach(v -> found.put(v.id(), v));
        return found;
    }

    /** The live volume with this id, without reading its metadata (for services that do not show it). */
    public Optional<Volume> findWithoutMetadata(String id) {
        return jdbc.query(SELECT + "WHERE " + MonthPartitions.liveById("v"), ROW, id).stream().findFirst();
    }

    /**
     * Moves the volume to {@code to} if it is live, in one of {@code from}, and every guard holds.
     *
     * @param alsoSet further columns to set in the same statement (see {@link #SETTABLE})
     * @return whether this call made the change; false means the row was not in an expected state
     */
    public boolean transition(String id, Collection<String> from, String to, Map<String, Object> alsoSet, Guard... guards) {
        return transition(id, null, from, to, alsoSet, guards);
    }

    /**
     * {@link #transition} of a volume that must also still be placed on {@code host}: a backend finishing its work
     * on a volume uses it, so that it cannot change a volume the re-drive has meanwhile taken back from it and
     * placed elsewhere.
     */
    public boolean transitionOnHost(String id, String host, Collection<String> from, String to) {
        return transition(id, java.util.Objects.requireNonNull(host, "host"), from, to, Map.of());
    }

    private boolean transition(String id, String host, Collection<String> from, String to, Map<String, Object> alsoSet,
            Guard... guards) {
        StringBuilder sql = new StringBuilder("UPDATE volumes SET status = ?, updated_at = ?");
        List<Object> args = new ArrayList<>();
        args.add(to);
        args.add(Timestamps.toDb(Timestamps.now()));
        for (Map.Entry<String, Object> set : alsoSet.entrySet()) {
            if (!SETTABLE.contains(set.getKey())) {
                throw new IllegalArgumentException("not a settable volume column: " + set.getKey());
            }
            sql.append(", ").append(set.getKey()).append(" = ?");
            args.add(set.getValue() instanceof Instant instant ? Timestamps.toDb(instant) : set.getValue());
        }
        sql.append(" WHERE ").append(MonthPartitions.liveById(null)).append(" AND status IN (")
                .append(placeholders(from.size())).append(')');
        args.add(id);
        args.addAll(from);
        if (host != null) {
            sql.append(" AND host = ?");
            args.add(host);
        }
        for (Guard guard : guards) {
            sql.append(" AND ").append(guard.sql);
        }
        return jdbc.update(sql.toString(), args.toArray()) > 0;
    }

    /**
     * The same {@link #transition} for many volumes at once, each its own compare-and-swap, sent to the
     * database in one round trip; no volume's outcome depends on another's.
     *
     * @param alsoSet the further columns of each volume, by id (one column set for all)
     * @param onHost the host each volume must still be placed on, by id (as {@link #transitionOnHost})
     * @return how many volumes moved, as far as the driver tells (it may count a batch row it cannot tell about
     *     as moved): re-read the rows when the outcome matters
     */
    public int transitionAll(Map<String, Map<String, Object>> alsoSet, Map<String, String> onHost, Collection<String> from,
            String to) {
        if (alsoSet.isEmpty()) {
            return 0;
        }
        List<String> columns = new ArrayList<>(alsoSet.values().iterator().next().keySet());
        for (String column : columns) {
            if (!SETTABLE.contains(column)) {
                throw new IllegalArgumentException("not a settable volume column: " + column);
            }
        }
        StringBuilder sql = new StringBuilder("UPDATE volumes SET status = ?, updated_at = ?");
        columns.forEach(c -> sql.append(", ").append(c).append(" = ?"));
        sql.append(" WHERE ").append(MonthPartitions.liveById(null)).append(" AND status IN (")
                .append(placeholders(from.size())).append(')')
                .append(" AND host = ?");
        String now = Timestamps.toDb(Timestamps.now());
        List<Object[]> rows = new ArrayList<>();
        alsoSet.forEach((id, values) -> {
            List<Object> args = new ArrayList<>();
            args.add(to);
            args.add(now);
            for (String column : columns) {
                Object value = values.get(column);
                args.add(value instanceof Instant instant ? Timestamps.toDb(instant) : value);
            }
            args.add(id);
            args.addAll(from);
            args.add(java.util.Objects.requireNonNull(onHost.get(id), "no host for " + id));
            rows.add(args.toArray());
        });
        int moved = 0;
        for (int count : jdbc.batchUpdate(sql.toString(), rows)) {
            moved += count > 0 || count == java.sql.Statement.SUCCESS_NO_INFO ? 1 : 0;
        }
        return moved;
    }

    public boolean transition(String id, Collection<String> from, String to) {
        return transition(id, from, to, Map.of());
    }

    /**
     * Soft-deletes the volume if it is still in {@code from} and the guards hold; its metadata rows stay with it.
     * The row moves to this month's partition ({@link MonthPartitions}), which purge drops whole. A transfer
     * still offered for it (a forced delete of an {@code awaiting-transfer} volume) is withdrawn with it, as
     * Cinder's {@code volume_destroy} does; run it in the caller's transaction to make the two one change.
     */
    public boolean markDeleted(String id, Collection<String> from, Guard... guards) {
        Instant now = Timestamps.now();
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("deleted", true);
        set.put("deleted_at", now);
        set.put("purge_month", MonthPartitions.of(now));
        set.put("terminated_at", now);
        if (!transition(id, from, VolumeStatus.DELETED, set, guards)) {
            return false;
        }
        jdbc.update("UPDATE transfers SET deleted = TRUE, deleted_at = ? WHERE volume_id = ? AND deleted = FALSE",
                Timestamps.toDb(now), id);
        return true;
    }

    /**
     * Renames or re-describes a volume (not a status change). {@code changes} maps {@code display_name}
     * and/or {@code display_description} to the new value, which may be null.
     */
    public boolean updateNameAndDescription(String id, Map<String, String> changes) {
        List<String> sets = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        for (Map.Entry<String, String> change : changes.entrySet()) {
            if (!change.getKey().equals("display_name") && !change.getKey().equals("display_description")) {
                throw new IllegalArgumentException("not a name or description column: " + change.getKey());
            }
            sets.add(change.getKey() + " = ?");
            args.add(change.getValue());
        }
        sets.add("updated_at = ?");
        args.add(Timestamps.toDb(Timestamps.now()));
        args.add(id);
        return jdbc.update("UPDATE volumes SET " + String.join(", ", sets) + " WHERE " + MonthPartitions.liveById(null),
                args.toArray()) > 0;
    }

    /** Replaces the volume's metadata with {@code metadata}. */
    public void replaceMetadata(String id, Map<String, String> newMetadata) {
        metadata.replace(id, newMetadata);
    }

    /** Live volumes placed on {@code backend} ({@code host@backend}) whose status is one of {@code statuses}. */
    public List<Volume> findOnBackend(String backend, Collection<String> statuses) {
        String sql = SELECT + "WHERE v.deleted = FALSE AND (v.host = ? OR v.host LIKE ? ESCAPE '!') AND v.status IN ("
                + placeholders(statuses.size()) + ")";
        List<Object> args = new ArrayList<>();
        args.add(backend);
        args.add(likeEscape(backend) + "#%");
        args.addAll(statuses);
        return withMetadata(jdbc.query(sql, ROW, args.toArray()));
    }

    /**
     * Live volumes on {@code host} as Cinder's {@code volume_get_all_by_host} matches it: exactly, any pool
     * of it ({@code host#...}) when it names no pool, any backend of it ({@code host@...}) when it names none.
     */
    public List<Volume> findByHost(String host) {
        StringBuilder sql = new StringBuilder(SELECT).append("WHERE v.deleted = FALSE AND (v.host = ?");
        List<Object> args = new ArrayList<>();
        args.add(host);
        if (!host.contains("#")) {
            sql.append(" OR v.host LIKE ? ESCAPE '!'");
            args.add(likeEscape(host) + "#%");
        }
        if (!host.contains("@")) {
            sql.append(" OR v.host LIKE ? ESCAPE '!'");
            args.add(likeEscape(host) + "@%");
        }
        sql.append(") ORDER BY v.created_at");
        return withMetadata(jdbc.query(sql.toString(), ROW, args.toArray()));
    }

    /** Sets a live volume's host to {@code newHost} if it is still {@code oldHost}; false if it moved meanwhile. */
    public boolean moveHost(String id, String oldHost, String newHost) {
        return jdbc.update("UPDATE volumes SET host = ?, updated_at = ? WHERE id = ? AND host = ? AND deleted = FALSE",
                newHost, Timestamps.toDb(Timestamps.now()), id, oldHost) > 0;
    }

    /**
     * Live volumes in one of {@code statuses} not updated since {@code before}: operations whose message
     * may have been lost, for the re-drive.
     */
    public List<Volume> findStale(Collection<String> statuses, Instant before, int max) {
        List<Object> args = new ArrayList<>(statuses);
        args.add(Timestamps.toDb(before));
        args.add(max);
        return jdbc.query(SELECT + "WHERE v.status IN (" + placeholders(statuses.size())
                + ") AND COALESCE(v.updated_at, v.created_at) < ? AND v.deleted = FALSE ORDER BY v.created_at LIMIT ?",
                ROW, args.toArray());
    }

    /**
     * Claims a stale volume for a re-drive: bumps {@code updated_at} only if nobody else touched the row
     * since it was read, so of several schedulers re-driving at once only one sends the message.
     */
    public boolean touchIfUnchanged(Volume seen, Instant now) {
        Instant last = seen.updatedAt();
        if (last == null) {
            return jdbc.update("UPDATE volumes SET updated_at = ? WHERE id = ? AND status = ? AND updated_at IS NULL",
                    Timestamps.toDb(now), seen.id(), seen.status()) > 0;
        }
        return jdbc.update("UPDATE volumes SET updated_at = ? WHERE id = ? AND status = ? AND updated_at = ?",
                Timestamps.toDb(now), seen.id(), seen.status(), Timestamps.toDb(last)) > 0;
    }

    /** One page of volumes, metadata included. */
    public List<Volume> list(ListQuery query) {
        query.requireColumns(COLUMNS);
        List<Object> args = new ArrayList<>();
        StringBuilder sql = new StringBuilder(SELECT).append("WHERE v.deleted = FALSE");
        Conditions.append("v", query, "volume_metadata", "volume_id", sql, args);
        List<Keyset.Key> sort = Keyset.withTieBreakers(query.sort());
        if (query.marker() != null) {
            Keyset.appendAfter("v", sort, Keyset.markerValues(jdbc, "volumes", "deleted = FALSE", query, sort)
                    .orElseThrow(() -> new MarkerNotFoundException(query.marker())), sql, args);
        }
        sql.append(Keyset.orderBy("v", sort)).append(" LIMIT ? OFFSET ?");
        args.add(query.limit());
        args.add(query.offset());
        return withMetadata(jdbc.query(sql.toString(), ROW, args.toArray()));
    }

    /** How many volumes match the query's filters (Cinder's {@code with_count}). */
    /** Cinder's volume summary: how many volumes match, their total size, and each metadata key's distinct values. */
    public record Summary(int count, long totalSize, Map<String, List<String>> metadata) {
    }

    /** The {@link Summary} of the volumes {@code query} matches (its page and sort are ignored). */
    public Summary summary(ListQuery query) {
        query.requireColumns(COLUMNS);
        List<Object> args = new ArrayList<>();
        StringBuilder where = new StringBuilder(" FROM volumes v WHERE v.deleted = FALSE");
        Conditions.append("v", query, "volume_metadata", "volume_id", where, args);
        long[] totals = new long[2];
        jdbc.query("SELECT COUNT(*), COALESCE(SUM(v.size), 0)" + where, rs -> {
            totals[0] = rs.getLong(1);
            totals[1] = rs.getLong(2);
        }, args.toArray());
        Map<String, List<String>> metadata = new TreeMap<>();
        jdbc.query("SELECT DISTINCT m.`key`, m.`value` FROM volume_metadata m WHERE m.volume_id IN (SELECT v.id" + where
                + ") ORDER BY m.`key`, m.`value`", rs -> {
                    metadata.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                }, args.toArray());
        return new Summary((int) totals[0], totals[1], metadata);
    }

    /** One project's live volumes and snapshots on a backend, as {@code os-hosts/{host}} reports them. */
    public record BackendUsage(String projectId, long volumeCount, long volumeGb, long snapshotCount, long snapshotGb) {
    }

    /**
     * Per project, the live volumes on {@code backend} ({@code host@backend}, any of its pools) and the snapshots of
     * those volumes, ordered by project.
     */
    public List<BackendUsage> usageOnBackend(String backend) {
        String like = likeEscape(backend) + "#%";
        Map<String, long[]> byProject = new TreeMap<>();
        jdbc.query("SELECT v.project_id, COUNT(*), COALESCE(SUM(v.size), 0) FROM volumes v WHERE v.deleted = FALSE "
                + "AND (v.host = ? OR v.host LIKE ? ESCAPE '!') GROUP BY v.project_id", rs -> {
                    long[] row = byProject.computeIfAbsent(rs.getString(1), k -> new long[4]);
                    row[0] = rs.getLong(2);
                    row[1] = rs.getLong(3);
                }, backend, like);
        jdbc.query("SELECT s.project_id, COUNT(*), COALESCE(SUM(s.volume_size), 0) FROM snapshots s JOIN volumes v ON "
                + "v.id = s.volume_id WHERE s.deleted = FALSE AND (v.host = ? OR v.host LIKE ? ESCAPE '!') "
                + "GROUP BY s.project_id", rs -> {
                    long[] row = byProject.computeIfAbsent(rs.getString(1), k -> new long[4]);
                    row[2] = rs.getLong(2);
                    row[3] = rs.getLong(3);
                }, backend, like);
        List<BackendUsage> usage = new ArrayList<>();
        byProject.forEach((project, row) -> usage.add(new BackendUsage(project, row[0], row[1], row[2], row[3])));
        return usage;
    }

    public int count(ListQuery query) {
        query.requireColumns(COLUMNS);
        List<Object> args = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT COUNT(*) FROM volumes v WHERE v.deleted = FALSE");
        Conditions.append("v", query, "volume_metadata", "volume_id", sql, args);
        Integer count = jdbc.queryForObject(sql.toString(), Integer.class, args.toArray());
        return count == null ? 0 : count;
    }

    private List<Volume> withMetadata(List<Volume> volumes) {
        if (volumes.isEmpty()) {
            return volumes;
        }
        Map<String, Map<String, String>> user = new HashMap<>();
        Map<String, Map<String, String>> admin = new HashMap<>();
        List<Object> ids = new ArrayList<>();
        volumes.forEach(v -> ids.add(v.id()));
        String in = placeholders(ids.size());
        List<Object> args = new ArrayList<>(ids);
        args.addAll(ids);
        // One round trip for both kinds; 0 = user metadata (by key), 1 = admin metadata (in the order it was set,
        // as Cinder shows it).
        jdbc.query("SELECT 0 AS kind, volume_id, `key`, `value`, NULL AS set_at FROM volume_metadata WHERE volume_id IN ("
                + in + ") UNION ALL SELECT 1 AS kind, volume_id, `key`, `value`, created_at AS set_at FROM "
                + "volume_admin_metadata WHERE volume_id IN (" + in + ") ORDER BY kind, volume_id, set_at, `key`", rs -> {
                    (rs.getInt(1) == 0 ? user : admin).computeIfAbsent(rs.getString(2), k -> new LinkedHashMap<>())
                            .put(rs.getString(3), rs.getString(4));
                }, args.toArray());
        List<Volume> out = new ArrayList<>(volumes.size());
        for (Volume v : volumes) {
            out.add(v.withMetadata(user.getOrDefault(v.id(), Map.of()), admin.getOrDefault(v.id(), Map.of())));
        }
        return out;
    }

    /** Sets admin metadata keys ({@code readonly}, {@code attached_mode}...); {@code onlyIfAbsent} keeps existing values. */
    public void setAdminMetadata(String id, Map<String, String> values, boolean onlyIfAbsent) {
        Object now = Timestamps.toDb(Timestamps.now());
        for (Map.Entry<String, String> entry : values.entrySet()) {
            int updated = onlyIfAbsent ? 0 : jdbc.update(
                    "UPDATE volume_admin_metadata SET `value` = ? WHERE volume_id = ? AND `key` = ?",
                    entry.getValue(), id, entry.getKey());
            if (updated == 0) {
                boolean present = !jdbc.queryForList("SELECT 1 FROM volume_admin_metadata WHERE volume_id = ? AND `key` = ?",
                        id, entry.getKey()).isEmpty();
                if (!present) {
                    jdbc.update("INSERT INTO volume_admin_metadata (volume_id, `key`, `value`, created_at) VALUES (?,?,?,?)",
                            id, entry.getKey(), entry.getValue(), now);
                }
            }
        }
    }

    public void deleteAdminMetadata(String id, String key) {
        jdbc.update("DELETE FROM volume_admin_metadata WHERE volume_id = ? AND `key` = ?", id, key);
    }

    /**
     * Takes the row lock of a live volume until the transaction ends: every transaction that changes a
     * volume's attachments takes it first, so they serialise per volume and always lock in one order
     * (volume, then its attachments).
     *
     * @return whether the volume exists and is live
     */
    public boolean lock(String id) {
        return !jdbc.queryForList("SELECT id FROM volumes WHERE " + MonthPartitions.liveById(null) + " FOR UPDATE", id)
                .isEmpty();
    }

    /** Stores what a driver's export returned ({@code provider_location}, {@code provider_auth}); nulls leave a column as is. */
    public void saveExport(String id, String providerLocation, String providerAuth) {
        jdbc.update("UPDATE volumes SET provider_location = COALESCE(?, provider_location), "
                + "provider_auth = COALESCE(?, provider_auth), updated_at = ? WHERE " + MonthPartitions.liveById(null),
                providerLocation, providerAuth, Timestamps.toDb(Timestamps.now()), id);
    }

    static String placeholders(int n) {
        return Conditions.placeholders(n);
    }

    static String likeEscape(String value) {
        return Conditions.likeEscape(value);
    }

    private static final RowMapper<Volume> ROW = VolumeRepository::map;

    private static Volume map(ResultSet rs, int row) throws SQLException {
        Object shared = rs.getObject("shared_targets");
        return new Volume(
                rs.getString("id"),
                rs.getString("user_id"),
                rs.getString("project_id"),
                rs.getString("host"),
                rs.getString("cluster_name"),
                rs.getInt("size"),
                rs.getString("availability_zone"),
                rs.getString("status"),
                rs.getString("attach_status"),
                rs.getString("migration_status"),
                rs.getString("previous_status"),
                Timestamps.read(rs, "scheduled_at"),
                Timestamps.read(rs, "launched_at"),
                Timestamps.read(rs, "terminated_at"),
                rs.getString("display_name"),
                rs.getString("display_description"),
                rs.getString("provider_location"),
                rs.getString("provider_auth"),
                rs.getString("provider_id"),
                rs.getString("volume_type_id"),
                rs.getString("volume_type_name"),
                rs.getString("snapshot_id"),
                rs.getString("source_volid"),
                rs.getString("encryption_key_id"),
                rs.getString("consistencygroup_id"),
                rs.getString("group_id"),
                rs.getBoolean("bootable"),
                rs.getBoolean("multiattach"),
                rs.getString("replication_status"),
                rs.getString("service_uuid"),
                shared == null ? null : rs.getBoolean("shared_targets"),
                rs.getBoolean("use_quota"),
                Timestamps.read(rs, "created_at"),
                Timestamps.read(rs, "updated_at"),
                rs.getBoolean("deleted"),
                Map.of(),
                Map.of(),
                (Integer) rs.getObject("extend_size", Integer.class),
                rs.getBoolean("extend_claimed"),
                rs.getString("retype_type_id"),
                rs.getString("retype_policy"));
    }

    /** The marker of a list names no visible volume. */
    public static final class MarkerNotFoundException extends RuntimeException {
        private final String marker;

        public MarkerNotFoundException(String marker) {
            super("Volume " + marker + " could not be found.");
            this.marker = marker;
        }

        public String marker() {
            return marker;
        }
    }
}
