package dev.ember.common.notify;

import dev.ember.common.context.RequestContext;
import dev.ember.common.volume.Volume;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cinder's volume usage notifications ({@code volume_utils.notify_about_volume_usage}): event type
 * {@code volume.<suffix>}, publisher {@code volume.<host>}, payload as {@code _usage_from_volume}.
 * Callers send them after the state change they report has committed.
 */
public final class VolumeNotifications {

    private final Notifier notifier;
    private final String publisherId;
    private final String snapshotPublisherId;

    /** @param host {@code [DEFAULT] host} of this process */
    public VolumeNotifications(Notifier notifier, String host) {
        this.notifier = notifier;
        this.publisherId = "volume." + host;
        this.snapshotPublisherId = "snapshot." + host;
    }

    /**
     * Sends {@code snapshot.<suffix>} at INFO (publisher {@code snapshot.<host>}), payload as Cinder's
     * {@code _usage_from_snapshot}; {@code status} and {@code deleted} override the snapshot's own when not null.
     */
    public void snapshot(RequestContext context, dev.ember.common.snapshot.Snapshot snapshot, Volume volume, String suffix,
            String status, Boolean deleted) {
        if (!notifier.enabled()) {
            return;
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("tenant_id", snapshot.projectId());
        payload.put("user_id", snapshot.userId());
        payload.put("availability_zone", volume == null ? null : volume.availabilityZone());
        payload.put("volume_id", snapshot.volumeId());
        payload.put("volume_size", snapshot.volumeSize());
        payload.put("snapshot_id", snapshot.id());
        payload.put("display_name", snapshot.displayName());
        payload.put("created_at", str(snapshot.createdAt()));
        payload.put("status", status != null ? status : snapshot.status());
        payload.put("deleted", String.valueOf(deleted != null ? deleted : snapshot.deleted()));
        payload.put("metadata", snapshot.metadata());
        notifier.notify(context, snapshotPublisherId, "snapshot." + suffix, "INFO", payload);
    }

    /** Sends {@code volume.<suffix>} at INFO for {@code volume} as it is now, plus {@code extra} payload keys. */
    public void volume(RequestContext context, Volume volume, String suffix, Map<String, Object> extra) {
        if (!notifier.enabled()) {
            return;
        }
        Map<String, Object> payload = usage(volume);
        payload.putAll(extra);
        notifier.notify(context, publisherId, "volume." + suffix, "INFO", payload);
    }

    public void volume(RequestContext context, Volume volume, String suffix) {
        volume(context, volume, suffix, Map.of());
    }

    /** {@code _usage_from_volume}'s keys, in its order; times as Python's {@code isoformat()} of aware datetimes. */
    static Map<String, Object> usage(Volume volume) {
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("tenant_id", volume.projectId());
        usage.put("host", volume.host());
        usage.put("user_id", volume.userId());
        usage.put("availability_zone", volume.availabilityZone());
        usage.put("volume_id", volume.id());
        usage.put("volume_type", volume.volumeTypeId());
        usage.put("display_name", volume.displayName());
        usage.put("launched_at", isoformat(volume.launchedAt()));
        usage.put("created_at", isoformat(volume.createdAt()));
        usage.put("status", volume.status());
        usage.put("snapshot_id", volume.snapshotId());
        usage.put("size", volume.size());
        usage.put("replication_status", volume.replicationStatus());
        usage.put("replication_extended_status", null);
        usage.put("replication_driver_data", null);
        usage.put("metadata", volume.metadata());
        usage.put("volume_attachment", List.of());
        return usage;
    }

    /** Python's {@code str()} of a UTC-aware datetime ({@code 2026-12-03 11:27:56.123456+00:00}); 'None' if none. */
    static String str(Instant time) {
        return time == null ? "None" : isoformat(time).replace('T', ' ');
    }

    /** {@code datetime.isoformat()} of a UTC-aware time ({@code 2026-12-03T11:27:56.123456+00:00}); '' if none. */
    static String isoformat(Instant time) {
        if (time == null) {
            return "";
        }
        Instant t = time.truncatedTo(ChronoUnit.MICROS);
        String pattern = t.getNano() == 0 ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd'T'HH:mm:ss.SSSSSS";
        return DateTimeFormatter.ofPattern(pattern).withZone(ZoneOffset.UTC).format(t) + "+00:00";
    }
}
