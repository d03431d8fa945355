package dev.ember.common.attachment;

import dev.ember.common.db.Keyset;
import dev.ember.common.db.Timestamps;
import dev.ember.common.volume.VolumeRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * The {@code volume_attachment} table. Attach status changes are compare-and-swaps like the volumes'; a
 * change that also moves the volume ({@link #finishDetach}) takes the volume's row lock first.
 */
public class AttachmentRepository {

    private static final String SELECT = "SELECT a.* FROM volume_attachment a ";

    /** Columns {@link #transition} may set besides {@code attach_status}. */
    private static final Set<String> SETTABLE = Set.of("instance_uuid", "attached_host", "mountpoint", "attach_time",
            "detach_time", "attach_mode", "connection_info", "connector");

    private final JdbcTemplate jdbc;
    private final VolumeRepository volumes;

    public AttachmentRepository(JdbcTemplate jdbc, VolumeRepository volumes) {
        this.jdbc = jdbc;
        this.volumes = volumes;
    }

    public void insert(Attachment a) {
        jdbc.update("INSERT INTO volume_attachment (id, volume_id, instance_uuid, attached_host, mountpoint, attach_time, "
                        + "attach_status, attach_mode, connection_info, connector, created_at, deleted) "
                        + "VALUES (?,?,?,?,?,?,?,?,?,?,?,FALSE)",
                a.id(), a.volumeId(), a.instanceUuid(), a.attachedHost(), a.mountpoint(), Timestamps.toDb(a.attachTime()),
                a.attachStatus(), a.attachMode(), a.connectionInfo(), a.connector(), Timestamps.toDb(a.createdAt()));
    }

    /** The live attachment with this id. */
    public Optional<Attachment> find(String id) {
        return jdbc.query(SELECT + "WHERE a.id = ? AND a.deleted = FALSE", ROW, id).stream().findFirst();
    }

    /** The live attachments of one volume, oldest first. */
    public List<Attachment> ofVolume(String volumeId) {
        return jdbc.query(SELECT + "WHERE a.volume_id = ? AND a.deleted = FALSE ORDER BY a.created_at, a.id", ROW, volumeId);
    }

    /** The live {@code attached} attachments of these volumes, by volume (what a volume's view lists). */
    public Map<String, List<Attachment>> attachedOf(Collection<String> volumeIds) {
        Map<String, List<Attachment>> byVolume = new HashMap<>();
        if (volumeIds.isEmpty()) {
            return byVolume;
        }
        List<Object> args = new ArrayList<>(volumeIds);
        args.add(AttachStatus.ATTACHED);
        jdbc.query(SELECT + "WHERE a.volume_id IN (" + String.join(",", java.util.Collections.nCopies(volumeIds.size(), "?"))
                + ") AND a.deleted = FALSE AND a.attach_status = ? ORDER BY a.created_at, a.id", ROW, args.toArray())
                .forEach(a -> byVolume.computeIfAbsent(a.volumeId(), k -> new ArrayList<>()).add(a));
        return byVolume;
    }

    /** One page of attachments. */
    public List<Attachment> list(AttachmentQuery query) {
        StringBuilder sql = new StringBuilder(SELECT);
        List<Object> args = new ArrayList<>();
        if (query.projectId() != null) {
            sql.append("JOIN volumes v ON v.id = a.volume_id AND v.project_id = ? ");
            args.add(query.projectId());
        }
        sql.append("WHERE a.deleted = FALSE");
        query.equals().forEach((column, value) -> {
            sql.append(" AND a.").append(column).append(" = ?");
            args.add(value);
        });
        List<Keyset.Key> sort = Keyset.withTieBreakers(query.sort());
        if (query.marker() != null) {
            StringBuilder columns = new StringBuilder();
            sort.forEach(k -> columns.append(columns.length() == 0 ? "" : ", ").append(k.column()));
            List<Map<String, Object>> rows = jdbc.queryForList(
                    "SELECT " + columns + " FROM volume_attachment WHERE id = ? AND deleted = FALSE", query.marker());
            if (rows.isEmpty()) {
                throw new NotFoundException(query.marker());
            }
            Map<String, Object> marker = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            rows.get(0).forEach((column, value) -> marker.put(column, Timestamps.bindable(value)));
            Keyset.appendAfter("a", sort, marker, sql, args);
        }
        sql.append(Keyset.orderBy("a", sort)).append(" LIMIT ? OFFSET ?");
        args.add(query.limit());
        args.add(query.offset());
        return jdbc.query(sql.toString(), ROW, args.toArray());
    }

    /**
     * Moves a live attachment to {@code to} if it is in one of {@code from}.
     *
     * @param alsoSet further columns to set in the same statement (see {@link #SETTABLE})
     * @return whether this call made the change
     */
    public boolean transition(String id, Collection<String> from, String to, Map<String, Object> alsoSet) {
        StringBuilder sql = new StringBuilder("UPDATE volume_attachment SET attach_status = ?, updated_at = ?");
        List<Object> args = new ArrayList<>();
        args.add(to);
        args.add(Timestamps.toDb(Timestamps.now()));
        for (Map.Entry<String, Object> set : alsoSet.entrySet()) {
            if (!SETTABLE.contains(set.getKey())) {
                throw new IllegalArgumentException("not a settable attachment column: " + set.getKey());
            }
            sql.append(", ").append(set.getKey()).append(" = ?");
            args.add(set.getValue() instanceof Instant instant ? Timestamps.toDb(instant) : set.getValue());
        }
        sql.append(" WHERE id = ? AND deleted = FALSE AND attach_status IN (")
                .append(String.join(",", java.util.Collections.nCopies(from.size(), "?"))).append(')');
        args.add(id);
        args.addAll(from);
        return jdbc.update(sql.toString(), args.toArray()) > 0;
    }

    /** Sets columns of a live attachment without changing its status (see {@link #SETTABLE}). */
    public boolean update(String id, Map<String, Object> values) {
        StringBuilder sql = new StringBuilder("UPDATE volume_attachment SET updated_at = ?");
        List<Object> args = new ArrayList<>();
        args.add(Timestamps.toDb(Timestamps.now()));
        for (Map.Entry<String, Object> set : values.entrySet()) {
            if (!SETTABLE.contains(set.getKey())) {
                throw new IllegalArgumentException("not a settable attachment column: " + set.getKey());
            }
            sql.append(", ").append(set.getKey()).append(" = ?");
            args.add(set.getValue() instanceof Instant instant ? Timestamps.toDb(instant) : set.getValue());
        }
        sql.append(" WHERE id = ? AND deleted = FALSE");
        args.add(id);
        return jdbc.update(sql.toString(), args.toArray()) > 0;
    }

    /**
     * Cinder's {@code volume_detached}: soft-deletes the attachment (if {@code attachmentId} is not null and
     * still live, and if {@code onlyFrom} is null or holds its status) and sets the volume's status from the
     * attachments that remain ({@link AttachStatus#fromAttachments}); the volume's {@code attached_mode} admin
     * metadata goes with it. Must run inside a transaction: it takes the volume's row lock first.
     *
     * @return the volume's new statuses, or empty when the volume is gone or the attachment was not in
     *     {@code onlyFrom} (nothing changed)
     */
    public Optional<AttachStatus.VolumeStatuses> finishDetach(String volumeId, String attachmentId,
            Collection<String> onlyFrom) {
        if (!volumes.lock(volumeId)) {
            return Optional.empty();
        }
        if (attachmentId != null) {
            Instant now = Timestamps.now();
            StringBuilder sql = new StringBuilder("UPDATE volume_attachment SET deleted = TRUE, deleted_at = ?, "
                    + "detach_time = ?, attach_status = ? WHERE id = ? AND volume_id = ? AND deleted = FALSE");
            List<Object> args = new ArrayList<>(List.of(Timestamps.toDb(now), Timestamps.toDb(now),
                    AttachStatus.DETACHED, attachmentId, volumeId));
            if (onlyFrom != null) {
                sql.append(" AND attach_status IN (")
                        .append(String.join(",", java.util.Collections.nCopies(onlyFrom.size(), "?"))).append(')');
                args.addAll(onlyFrom);
            }
            if (jdbc.update(sql.toString(), args.toArray()) == 0 && onlyFrom != null) {
                return Optional.empty();
            }
        }
        List<String> remaining = jdbc.queryForList(
                "SELECT attach_status FROM volume_attachment WHERE volume_id = ? AND deleted = FALSE", String.class, volumeId);
        AttachStatus.VolumeStatuses statuses = AttachStatus.fromAttachments(remaining);
        // As Cinder: during a migration or an upload to an image, "available" is not shown.
        jdbc.update("UPDATE volumes SET attach_status = ?, updated_at = ?, status = CASE WHEN ? <> 'detached' "
                        + "OR (migration_status IS NULL AND status <> 'uploading') OR migration_status IN ('success', 'error') "
                        + "THEN ? ELSE status END WHERE id = ? AND deleted = FALSE",
                statuses.attachStatus(), Timestamps.toDb(Timestamps.now()), statuses.attachStatus(), statuses.status(),
                volumeId);
        volumes.deleteAdminMetadata(volumeId, "attached_mode");
        return Optional.of(statuses);
    }

    /** Soft-deletes every live attachment of a volume that is being deleted (Cinder's {@code volume_destroy}). */
    public void deleteAllOf(String volumeId) {
        Instant now = Timestamps.now();
        jdbc.update("UPDATE volume_attachment SET deleted = TRUE, deleted_at = ?, attach_status = ? "
                + "WHERE volume_id = ? AND deleted = FALSE", Timestamps.toDb(now), AttachStatus.DETACHED, volumeId);
    }

    /** A marker or id names no live attachment. */
    public static final class NotFoundException extends RuntimeException {
        public NotFoundException(String id) {
            super("Volume attachment could not be found with filter: attachment_id = " + id + ".");
        }
    }

    private static final RowMapper<Attachment> ROW = AttachmentRepository::map;

    private static Attachment map(ResultSet rs, int row) throws SQLException {
        return new Attachment(
                rs.getString("id"),
                rs.getString("volume_id"),
                rs.getString("instance_uuid"),
                rs.getString("attached_host"),
                rs.getString("mountpoint"),
                Timestamps.read(rs, "attach_time"),
                Timestamps.read(rs, "detach_time"),
                rs.getString("attach_status"),
                rs.getString("attach_mode"),
                rs.getString("connection_info"),
                rs.getString("connector"),
                Timestamps.read(rs, "created_at"),
                Timestamps.read(rs, "updated_at"),
                rs.getBoolean("deleted"));
    }
}
