package dev.ember.common.snapshot;

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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * The {@code snapshots} table. Status changes are compare-and-swaps, as the volumes'. A snapshot lives on
 * its volume's backend: queries by backend join the volume.
 */
public class SnapshotRepository {

    /** The columns of {@code snapshots} a list may filter or sort on. */
    public static final Set<String> COLUMNS = Set.of("id", "user_id", "project_id", "volume_id", "cgsnapshot_id",
            "group_snapshot_id", "status", "progress", "volume_size", "scheduled_at", "display_name",
            "display_description", "provider_location", "provider_id", "encryption_key_id", "volume_type_id",
            "use_quota", "created_at", "updated_at", "deleted_at", "deleted");

    private static final String SELECT = "SELECT s.* FROM snapshots s ";
    private static final Set<String> SETTABLE = Set.of("progress", "provider_location", "provider_id", "deleted",
            "deleted_at", "purge_month", "project_id", "user_id");

    private final JdbcTemplate jdbc;
    private final MetadataTable metadata;

    public SnapshotRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.metadata = new MetadataTable(jdbc, "snapshot_metadata", "snapshot_id");
    }

    public void insert(Snapshot s) {
        jdbc.update("INSERT INTO snapshots (id, user_id, project_id, volume_id, group_snapshot_id, status, progress, "
                        + "volume_size, display_name, display_description, volume_type_id, use_quota, created_at, deleted) "
                        + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,FALSE)",
                s.id(), s.userId(), s.projectId(), s.volumeId(), s.groupSnapshotId(), s.status(), s.progress(),
                s.volumeSize(), s.displayName(), s.displayDescription(), s.volumeTypeId(), s.useQuota(),
                Timestamps.toDb(s.createdAt()));
        metadata.insert(s.id(), s.metadata());
    }

    public Optional<Snapshot> find(String id) {
        return withMetadata(jdbc.query(SELECT + "WHERE " + MonthPartitions.liveById("s"), ROW, id)).stream()
                .findFirst();
    }

    /** The live snapshots among {@code ids}, without metadata. */
    public List<Snapshot> findMany(Collection<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc.query(SELECT + "WHERE s.id IN (" + Conditions.placeholders(ids.size()) + ") AND s.deleted = FALSE",
                ROW, ids.toArray());
    }

    /** The live snapshots of a volume, oldest first. */
    public List<Snapshot> ofVolume(String volumeId) {
        return jdbc.query(SELECT + "WHERE s.volume_id = ? AND s.deleted = FALSE ORDER BY s.created_at, s.id", ROW, volumeId);
    }

    /** Live snapshots of volumes placed on {@code backend} ({@code host@backend}) in one of {@code statuses}. */
    public List<Snapshot> findOnBackend(String backend, Collection<String> statuses) {
        List<Object> args = new ArrayList<>();
        args.add(backend);
        args.add(Conditions.likeEscape(backend) + "#%");
        args.addAll(statuses);
        return jdbc.query(SELECT + "JOIN volumes v ON v.id = s.volume_id WHERE s.deleted = FALSE AND (v.host = ? OR "
                + "v.host LIKE ? ESCAPE '!') AND s.status IN (" + Conditions.placeholders(statuses.size()) + ")",
                ROW, args.toArray());
    }

    /** Live snapshots in one of {@code statuses} not updated since {@code before} (for the re-drive). */
    public List<Snapshot> findStale(Collection<String> statuses, Instant before, int max) {
        List<Object> args = new ArrayList<>(statuses);
        args.add(Timestamps.toDb(before));
        args.add(max);
        return jdbc.query(SELECT + "WHERE s.status IN (" + Conditions.placeholders(statuses.size())
                + ") AND COALESCE(s.updated_at, s.created_at) < ? AND s.deleted = FALSE ORDER BY s.created_at LIMIT ?",
                ROW, args.toArray());
    }

    /** Claims a stale snapshot for a re-drive (see {@code VolumeRepository.touchIfUnchanged}). */
    public boolean touchIfUnchanged(Snapshot seen, Instant now) {
        Instant last = seen.updatedAt();
        return last == null
                ? jdbc.update("UPDATE snapshots SET updated_at = ? WHERE id = ? AND status = ? AND updated_at IS NULL",
                        Timestamps.toDb(now), seen.id(), seen.status()) > 0
                : jdbc.update("UPDATE snapshots SET updated_at = ? WHERE id = ? AND status = ? AND updated_at = ?",
                        Timestamps.toDb(now), seen.id(), seen.status(), Timestamps.toDb(last)) > 0;
    }

    /**
     * Moves a live snapshot to {@code to} if it is in one of {@code from}.
     *
     * @param alsoSet further columns to set in the same statement
     */
    public boolean transition(String id, Collection<String> from, String to, Map<String, Object> alsoSet) {
        StringBuilder sql = new StringBuilder("UPDATE snapshots SET status = ?, updated_at = ?");
        List<Object> args = new ArrayList<>();
        args.add(to);
        args.add(Timestamps.toDb(Timestamps.now()));
        for (Map.Entry<String, Object> set : alsoSet.entrySet()) {
            if (!SETTABLE.contains(set.getKey())) {
                throw new IllegalArgumentException("not a settable snapshot column: " + set.getKey());
            }
            sql.append(", ").append(set.getKey()).append(" = ?");
            args.add(set.getValue() instanceof Instant instant ? Timestamps.toDb(instant) : set.getValue());
        }
        sql.append(" WHERE ").append(MonthPartitions.liveById(null)).append(" AND status IN (")
                .append(Conditions.placeholders(from.size())).append(')');
        args.add(id);
        args.addAll(from);
        return jdbc.update(sql.toString(), args.toArray()) > 0;
    }

    public boolean transition(String id, Collection<String> from, String to) {
        return transition(id, from, to, Map.of());
    }

    /** Soft-deletes the snapshot if it is still in {@code from}, moving it to this month's partition. */
    public boolean markDeleted(String id, Collection<String> from) {
        Instant now = Timestamps.now();
        return transition(id, from, SnapshotStatus.DELETED, Map.of("deleted", true, "deleted_at", now, "purge_month",
                MonthPartitions.of(now)));
    }

    /** Renames or re-describes ({@code display_name}, {@code display_description}; values may be null). */
    public boolean updateNameAndDescription(String id, Map<String, String> changes) {
        List<String> sets = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        changes.forEach((column, value) -> {
            if (!column.equals("display_name") && !column.equals("display_description")) {
                throw new IllegalArgumentException("not a name or description column: " + column);
            }
            sets.add(column + " = ?");
            args.add(value);
        });
        sets.add("updated_at = ?");
        args.add(Timestamps.toDb(Timestamps.now()));
        args.add(id);
        return jdbc.update("UPDATE snapshots SET " + String.join(", ", sets) + " WHERE id = ? AND deleted = FALSE",
                args.toArray()) > 0;
    }

    /** The snapshot's metadata table. */
    public MetadataTable metadata() {
        return metadata;
    }

    public List<Snapshot> list(ListQuery query) {
        query.requireColumns(COLUMNS);
        List<Object> args = new ArrayList<>();
        StringBuilder sql = new StringBuilder(SELECT).append("WHERE s.deleted = FALSE");
        Conditions.append("s", query, "snapshot_metadata", "snapshot_id", sql, args);
        List<Keyset.Key> sort = Keyset.withTieBreakers(query.sort());
        if (query.marker() != null) {
            Keyset.appendAfter("s", sort, Keyset.markerValues(jdbc, "snapshots", "deleted = FALSE", query, sort)
                    .orElseThrow(() -> new MarkerNotFoundException(query.marker())), sql, args);
        }
        sql.append(Keyset.orderBy("s", sort)).append(" LIMIT ? OFFSET ?");
        args.add(query.limit());
        args.add(query.offset());
        return withMetadata(jdbc.query(sql.toString(), ROW, args.toArray()));
    }

    public int count(ListQuery query) {
        query.requireColumns(COLUMNS);
        List<Object> args = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT COUNT(*) FROM snapshots s WHERE s.deleted = FALSE");
        Conditions.append("s", query, "snapshot_metadata", "snapshot_id", sql, args);
        Integer count = jdbc.queryForObject(sql.toString(), Integer.class, args.toArray());
        return count == null ? 0 : count;
    }

    private List<Snapshot> withMetadata(List<Snapshot> snapshots) {
        if (snapshots.isEmpty()) {
            return snapshots;
        }
        Map<String, Map<String, String>> byId = metadata.of(snapshots.stream().map(Snapshot::id).toList());
        return snapshots.stream().map(s -> s.withMetadata(byId.getOrDefault(s.id(), Map.of()))).toList();
    }

    /** The marker of a list names no visible snapshot. */
    public static final class MarkerNotFoundException extends RuntimeException {
        public MarkerNotFoundException(String marker) {
            super("Snapshot " + marker + " could not be found.");
        }
    }

    private static final RowMapper<Snapshot> ROW = SnapshotRepository::map;

    private static Snapshot map(ResultSet rs, int row) throws SQLException {
        return new Snapshot(
                rs.getString("id"),
                rs.getString("user_id"),
                rs.getString("project_id"),
                rs.getString("volume_id"),
                rs.getString("group_snapshot_id"),
                rs.getString("status"),
                rs.getString("progress"),
                rs.getInt("volume_size"),
                rs.getString("display_name"),
                rs.getString("display_description"),
                rs.getString("provider_location"),
                rs.getString("provider_id"),
                rs.getString("volume_type_id"),
                rs.getBoolean("use_quota"),
                Timestamps.read(rs, "created_at"),
                Timestamps.read(rs, "updated_at"),
                rs.getBoolean("deleted"),
                Map.of());
    }
}
