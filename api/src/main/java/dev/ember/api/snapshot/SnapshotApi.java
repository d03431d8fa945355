package dev.ember.api.snapshot;

import dev.ember.api.http.ApiException;
import dev.ember.api.volume.VolumeApi;
import dev.ember.common.context.RequestContext;
import dev.ember.common.db.ListQuery;
import dev.ember.common.db.Timestamps;
import dev.ember.common.db.Tx;
import dev.ember.common.quota.Quotas;
import dev.ember.common.rpc.BusUnavailableException;
import dev.ember.common.rpc.VolumeRpc;
import dev.ember.common.snapshot.Snapshot;
import dev.ember.common.snapshot.SnapshotRepository;
import dev.ember.common.snapshot.SnapshotStatus;
import dev.ember.common.volume.Volume;
import dev.ember.common.volume.VolumeRepository;
import dev.ember.common.volume.VolumeStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API side of snapshots (Cinder's snapshot methods of {@code cinder/volume/api.py}): checks, the row,
 * and the cast to the backend of the snapshot's volume. The row is committed before the cast; a lost cast
 * is sent again by the re-drive.
 */
public final class SnapshotApi {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotApi.class);
    private static final Set<String> NOT_MIGRATING = new java.util.HashSet<>(java.util.Arrays.asList(null, "deleting", "error", "success"));

    private final VolumeApi volumeApi;
    private final VolumeRepository volumes;
    private final SnapshotRepository snapshots;
    private final VolumeRpc volumeRpc;
    private final Tx tx;
    private final Quotas quotas;

    public SnapshotApi(VolumeApi volumeApi, VolumeRepository volumes, SnapshotRepository snapshots, VolumeRpc volumeRpc,
            Tx tx, Quotas quotas) {
        this.volumeApi = volumeApi;
        this.volumes = volumes;
        this.snapshots = snapshots;
        this.volumeRpc = volumeRpc;
        this.tx = tx;
        this.quotas = quotas;
    }

    /**
     * Cinder's {@code _create_snapshot}: the volume must be placed, not in maintenance, not migrating, not in
     * error, and available (or in use when {@code allowInUse}).
     */
    public Snapshot create(RequestContext context, String volumeId, String name, String description,
            Map<String, String> metadata, boolean allowInUse) {
        Volume volume = volumeApi.get(context, volumeId);
        volumeApi.assertNotFrozen(volume);
        if (volume.host() == null) {
            throw ApiException.invalidVolume("The snapshot cannot be created because volume has not been scheduled to any host.");
        }
        if (VolumeStatus.MAINTENANCE.equals(volume.status())) {
            throw ApiException.invalidVolume("The snapshot cannot be created when the volume is in maintenance mode.");
        }
        if (!NOT_MIGRATING.contains(volume.migrationStatus())) {
            throw ApiException.invalidVolume("Snapshot cannot be created while volume is migrating.");
        }
        if (VolumeStatus.ERROR.equals(volume.status())) {
            throw ApiException.invalidVolume("The snapshot cannot be created when the volume is in error status.");
        }
        List<String> valid = allowInUse ? List.of(VolumeStatus.AVAILABLE, VolumeStatus.IN_USE) : List.of(VolumeStatus.AVAILABLE);
        if (!valid.contains(volume.status())) {
            throw ApiException.invalidVolume("Volume " + volumeId + " status must be " + String.join(", ", valid)
                    + ", but current status is: " + volume.status() + ".");
        }
        Snapshot snapshot = new Snapshot(UUID.randomUUID().toString(), context.userId(), context.projectId(), volumeId, null,
                SnapshotStatus.CREATING, "0%", volume.size(), name, description, null, null, volume.volumeTypeId(), true,
                Timestamps.now(), null, false, metadata);
        tx.run(() -> {
            // The volume's row lock orders this insert against a racing delete of the volume.
            Volume locked = volumes.lock(volumeId) ? volumes.findWithoutMetadata(volumeId).orElse(null) : null;
            if (locked == null || !valid.contains(locked.status())) {
                throw ApiException.invalidVolume("Volume " + volumeId + " status must be " + String.join(", ", valid)
                        + " , but current status is: " + (locked == null ? "deleted" : locked.status()) + ".");
            }
            quotas.consume(snapshot.projectId(), quotas.of(snapshot));
            snapshots.insert(snapshot);
        });
        try {
            volumeRpc.createSnapshot(context, volume, snapshot);
        } catch (BusUnavailableException e) {
            LOG.warn("snapshot {} accepted but its create message was not sent ({}); the re-drive will send it",
                    snapshot.id(), e.getMessage());
        }
        return snapshot;
    }

    /** Fails with Cinder's 404 unless the caller may see the volume (checked before the force rules). */
    public void volumeVisible(RequestContext context, String volumeId) {
        if (volumeId == null) {
            throw ApiException.volumeNotFound("None");
        }
        volumeApi.get(context, volumeId);
    }

    /** A snapshot the caller may see: its own project's, or any for an admin. */
    public Snapshot get(RequestContext context, String id) {
        return snapshots.find(id)
                .filter(s -> context.isAdmin() || s.projectId().equals(context.projectId()))
                .orElseThrow(() -> notFound(id));
    }

    public List<Snapshot> list(ListQuery query) {
        return snapshots.list(query);
    }

    public int count(ListQuery query) {
        return snapshots.count(query);
    }

    /** Renames or re-describes ({@code display_name}/{@code display_description}); no status check, as Cinder. */
    public Snapshot update(RequestContext context, String id, Map<String, String> changes) {
        get(context, id);
        snapshots.updateNameAndDescription(id, changes);
        return get(context, id);
    }

    /**
     * Cinder's {@code delete_snapshot}: available or error (any status when forced) to deleting, then the
     * backend deletes it. A snapshot of a group snapshot is deleted with its group.
     */
    public void delete(RequestContext context, String id, boolean force) {
        Snapshot snapshot = get(context, id);
        volumes.findWithoutMetadata(snapshot.volumeId()).ifPresent(volumeApi::assertNotFrozen);
        List<String> from = force ? List.of(SnapshotStatus.AVAILABLE, SnapshotStatus.ERROR, SnapshotStatus.CREATING,
                SnapshotStatus.DELETING, SnapshotStatus.ERROR_DELETING, SnapshotStatus.RESTORING, SnapshotStatus.UPDATING,
                SnapshotStatus.BACKING_UP, SnapshotStatus.UNMANAGING)
                : List.of(SnapshotStatus.AVAILABLE, SnapshotStatus.ERROR);
        if (snapshot.groupSnapshotId() != null || !snapshots.transition(id, from, SnapshotStatus.DELETING)) {
            throw ApiException.badRequest(force ? "Invalid snapshot: Snapshot  must not be part of a group."
                    : "Invalid snapshot: Snapshot status must be available or error and must not be part of a group.");
        }
        Volume volume = volumes.findWithoutMetadata(snapshot.volumeId()).orElse(null);
        if (volume == null || volume.host() == null) {
            tx.run(() -> {
                if (snapshots.markDeleted(id, Set.of(SnapshotStatus.DELETING))) {
                    quotas.release(snapshot.projectId(), quotas.of(snapshot));
                }
            });
            return;
        }
        try {
            volumeRpc.deleteSnapshot(context, volume, snapshot);
        } catch (BusUnavailableException e) {
            LOG.warn("snapshot {} is deleting but its message was not sent ({}); the re-drive will send it", id, e.getMessage());
        }
    }

    /** {@code os-reset_status} (admin): any status, no transition check, as Cinder. */
    public void resetStatus(RequestContext context, String id, String status) {
        Snapshot snapshot = get(context, id);
        snapshots.transition(id, Set.of(snapshot.status()), status);
    }

    /**
     * {@code os-update_snapshot_status}: what a driver outside Cinder reports, within the transitions Cinder
     * allows (creating to creating/available/error, deleting to deleting/error_deleting).
     */
    public void updateStatus(RequestContext context, String id, String status, String progress) {
        Snapshot snapshot = get(context, id);
        Map<String, Set<String>> allowed = Map.of(
                SnapshotStatus.CREATING, Set.of(SnapshotStatus.CREATING, SnapshotStatus.AVAILABLE, SnapshotStatus.ERROR),
                SnapshotStatus.DELETING, Set.of(SnapshotStatus.DELETING, SnapshotStatus.ERROR_DELETING));
        if (!allowed.containsKey(snapshot.status())) {
            throw ApiException.badRequest("Snapshot status " + snapshot.status() + " not allowed for update_snapshot_status");
        }
        if (!allowed.get(snapshot.status()).contains(status)) {
            throw ApiException.badRequest("Provided snapshot status " + status + " not allowed for snapshot with status "
                    + snapshot.status() + ".");
        }
        Map<String, Object> set = new LinkedHashMap<>();
        if (progress != null && !progress.isEmpty()) {
            set.put("progress", progress);
        }
        snapshots.transition(id, Set.of(snapshot.status()), status, set);
    }

    // ----- metadata -------------------------------------------------------------------------------

    public Map<String, String> metadata(RequestContext context, String id) {
        return get(context, id).metadata();
    }

    /** Sets keys; with {@code replace} the given map becomes the whole metadata. */
    public Map<String, String> updateMetadata(RequestContext context, String id, Map<String, String> metadata, boolean replace) {
        get(context, id);
        tx.run(() -> {
            if (replace) {
                snapshots.metadata().replace(id, metadata);
            } else {
                snapshots.metadata().merge(id, metadata);
            }
        });
        return get(context, id).metadata();
    }

    public void deleteMetadata(RequestContext context, String id, String key) {
        Snapshot snapshot = get(context, id);
        if (!snapshot.metadata().containsKey(key)) {
            throw metadataNotFound(id, key);
        }
        snapshots.metadata().delete(id, key);
    }

    static ApiException metadataNotFound(String id, String key) {
        return ApiException.notFound("Snapshot " + id + " has no metadata with key " + key + ".");
    }

    public static ApiException notFound(String id) {
        return ApiException.notFound("Snapshot " + id + " could not be found.");
    }
}
