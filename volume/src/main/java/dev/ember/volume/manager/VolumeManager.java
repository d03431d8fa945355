package dev.ember.volume.manager;

import dev.ember.common.attachment.AttachmentRepository;
import dev.ember.common.snapshot.Snapshot;
import dev.ember.common.snapshot.SnapshotRepository;
import dev.ember.common.snapshot.SnapshotStatus;
import dev.ember.common.context.CurrentContext;
import dev.ember.common.context.RequestContext;
import dev.ember.common.db.Timestamps;
import dev.ember.common.db.Tx;
import dev.ember.common.quota.Quotas;
import dev.ember.common.message.MessageRepository;
import dev.ember.common.message.UserMessage;
import dev.ember.common.pool.PoolRepository;
import dev.ember.common.type.VolumeType;
import dev.ember.common.type.VolumeTypeCache;
import dev.ember.common.volume.AbandonedStorage;
import dev.ember.common.volume.Hosts;
import dev.ember.common.volume.Volume;
import dev.ember.common.volume.VolumeRepository;
import dev.ember.common.volume.VolumeStatus;
import dev.ember.volume.spi.Capabilities;
import dev.ember.volume.spi.CloneCapable;
import dev.ember.volume.spi.DriverErrorCode;
import dev.ember.volume.spi.DriverException;
import dev.ember.volume.spi.SnapshotCapable;
import dev.ember.volume.spi.SnapshotSpec;
import dev.ember.volume.spi.ModelUpdate;
import dev.ember.volume.spi.RetriableDriverException;
import dev.ember.volume.spi.RetypeCapable;
import dev.ember.volume.spi.VolumeDriver;
import dev.ember.volume.spi.VolumeSpec;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The volume service's work on one backend: it owns every state change of the volumes placed there,
 * while the driver owns their bytes. Each operation re-reads the row, acts only if the row is still in
 * the status the operation expects, and ends with one compare-and-swap; so operations are idempotent
 * and a redelivered message or a re-driven operation is harmless.
 */
public final class VolumeManager {

    private static final Logger LOG = LoggerFactory.getLogger(VolumeManager.class);

    private final String backend;
    private final VolumeDriver driver;
    private final VolumeRepository volumes;
    private final VolumeTypeCache types;
    private final PoolRepository pools;
    private final MessageRepository messages;
    private final Tx tx;
    private final DriverTimer timer;
    private final Duration giveUpAfter;
    private final Supplier<String> serviceUuid;
    private final Supplier<Boolean> sharedTargets;
    private final VolumeLocks locks;
    private final AttachmentRepository attachments;
    private final SnapshotRepository snapshots;
    private final Quotas quotas;
    private final dev.ember.common.volume.Retypes retypes;
    private final dev.ember.common.notify.VolumeNotifications notifications;
    private final AbandonedStorage abandoned;

    public VolumeManager(String backend, VolumeDriver driver, VolumeRepository volumes, AttachmentRepository attachments,
            SnapshotRepository snapshots, VolumeTypeCache types, PoolRepository pools, MessageRepository messages, Tx tx, MeterRegistry meters,
            Duration giveUpAfter, Supplier<String> serviceUuid, Supplier<Boolean> sharedTargets, VolumeLocks locks,
            Quotas quotas, dev.ember.common.volume.Retypes retypes, dev.ember.common.notify.VolumeNotifications notifications,
            AbandonedStorage abandoned) {
        this.notifications = notifications;
        this.abandoned = abandoned;
        this.backend = backend;
        this.driver = driver;
        this.volumes = volumes;
        this.types = types;
        this.pools = pools;
        this.messages = messages;
        this.tx = tx;
        this.timer = new DriverTimer(backend, meters);
        this.giveUpAfter = giveUpAfter;
        this.serviceUuid = serviceUuid;
        this.sharedTargets = sharedTargets;
        this.attachments = attachments;
        this.snapshots = snapshots;
        this.locks = locks;
        this.quotas = quotas;
        this.retypes = retypes;
    }

    /** One operation asked of this backend: the volume and who asked. */
    public record Request(String volumeId, RequestContext context) {
    }

    /**
     * Creates volumes the scheduler placed here: {@code creating} becomes {@code available}, or
     * {@code error} with a user message when the driver fails. The driver works volume by volume; the
     * outcomes are written together, each its own compare-and-swap.
     *
     * @return the requests to try again later (the storage was unreachable, not for long yet)
     */
    public List<Request> createVolumes(List<Request> requests) {
        Map<String, Volume> found = volumes.findManyWithoutMetadata(requests.stream().map(Request::volumeId).toList());
        List<Request> retry = new ArrayList<>();
        Map<Request, ModelUpdate> created = new LinkedHashMap<>();
        Map<Request, DriverException> failed = new LinkedHashMap<>();
        for (Request request : requests) {
            Volume volume = owned(found.get(request.volumeId()), request.volumeId(), VolumeStatus.CREATING);
            if (volume == null) {
                continue;
            }
            notifications.volume(request.context(), volume, "create.start");
            try {
                created.put(request, make(volume));
            } catch (RetriableDriverException e) {
                if (Duration.between(startOf(volume), Timestamps.now()).compareTo(giveUpAfter) < 0) {
                    LOG.warn("backend {} unavailable creating volume {}, will retry: {}", backend, volume.id(), e.getMessage());
                    retry.add(request);
                } else {
                    failed.put(request, e);
                }
            } catch (DriverException e) {
                failed.put(request, e);
            }
        }
        if (created.isEmpty() && failed.isEmpty()) {
            return retry;
        }
        String uuid = serviceUuid.get();
        Boolean shared = sharedTargets.get();
        Instant now = Timestamps.now();
        // Successes are independent compare-and-swaps: one round trip, no transaction needed.
        Map<String, Map<String, Object>> available = new LinkedHashMap<>();
        created.forEach((request, update) -> {
            Map<String, Object> set = new LinkedHashMap<>();
            set.put("launched_at", now);
            set.put("provider_location", update.providerLocation());
            set.put("provider_id", update.providerId());
            set.put("service_uuid", uuid);
            set.put("shared_targets", shared);
            available.put(request.volumeId(), set);
        });
        Map<String, String> onHost = new LinkedHashMap<>();
        created.keySet().forEach(r -> onHost.put(r.volumeId(), found.get(r.volumeId()).host()));
        volumes.transitionAll(available, onHost, Set.of(VolumeStatus.CREATING), VolumeStatus.AVAILABLE);
        removeStorageOfVolumesGone(created.keySet().stream().map(r -> found.get(r.volumeId())).toList());
        // A failure and its user message go together.
        failed.forEach((request, e) -> tx.run(() -> {
            if (volumes.transitionOnHost(request.volumeId(), found.get(request.volumeId()).host(),
                    Set.of(VolumeStatus.CREATING), VolumeStatus.ERROR)) {
                Volume volume = found.get(request.volumeId());
                messages.volumeError(request.context(), volume.projectId(), volume.id(),
                        UserMessage.Action.CREATE_VOLUME_FROM_BACKEND,
                        e instanceof RetriableDriverException ? UserMessage.Detail.DRIVER_NOT_INITIALIZED
                                : UserMessage.Detail.DRIVER_FAILED_CREATE);
            }
        }));
        created.keySet().forEach(r -> CurrentContext.run(r.context(),
                () -> LOG.info("volume {} created on {}", r.volumeId(), found.get(r.volumeId()).host())));
        notifyNow(requests.stream().filter(r -> created.containsKey(r) || failed.containsKey(r)).toList(), "create.end");
        failed.forEach((r, e) -> CurrentContext.run(r.context(),
                () -> LOG.error("creating volume {} failed: {}", r.volumeId(), e.getMessage())));
        return retry;
    }

    /**
     * After the creates' compare-and-swaps: a volume whose row has meanwhile left this backend (the re-drive took
     * it back and placed it elsewhere, or into {@code error}, or the API deleted it as a volume without a host)
     * or was force-deleted while still creating must not keep the storage this create just made; nothing else
     * would ever remove it ({@link #holdsStorage}).
     */
    private void removeStorageOfVolumesGone(List<Volume> made) {
        if (made.isEmpty()) {
            return;
        }
        Map<String, Volume> now;
        try {
            now = volumes.findManyWithoutMetadata(made.stream().map(Volume::id).toList());
        } catch (RuntimeException e) {
            // The outcomes are written; a volume the re-drive took back is in abandoned_storage anyway.
            LOG.warn("cannot re-read {} created volume(s) on {}: {}", made.size(), backend, e.getMessage());
            return;
        }
        for (Volume volume : made) {
            if (!holdsStorage(now.get(volume.id()))) {
                removeIfGone(volume.id(), spec(volume));
            }
        }
    }

    /**
     * Storage that this backend may hold for volumes that left it ({@link AbandonedStorage}): removed, unless
     * the volume came back; then the entry is forgotten. Called at start-up and periodically, since a backend
     * whose heartbeat stopped without a restart (its database was unreachable) may have lost a create too.
     */
    public void removeAbandonedStorage() {
        for (AbandonedStorage.Entry entry : abandoned.onBackend(backend)) {
            VolumeSpec spec = new VolumeSpec(entry.volumeId(), VolumeSpec.backendName(entry.volumeId()),
                    Math.max(1, entry.sizeGb()), entry.pool(), Map.of(), null, null);
            if (removeIfGone(entry.volumeId(), spec)) {
                abandoned.forget(backend, entry.volumeId());
            }
        }
    }

    /**
     * Under the volume's lock (so no create or delete of it on this backend runs meanwhile), re-reads the row and
     * deletes the volume's storage here unless the row says this backend holds it.
     *
     * @return whether the storage is where the row wants it (false: the driver failed; try again later)
     */
    private boolean removeIfGone(String volumeId, VolumeSpec spec) {
        try {
            return withLock(volumeId, () -> {
                if (holdsStorage(volumes.findWithoutMetadata(volumeId).orElse(null))) {
                    return true;
                }
                timer.timedAction("delete_volume", () -> driver.deleteVolume(spec));
                LOG.warn("removed the storage of volume {} from {}: the volume is no longer here", volumeId, backend);
                return true;
            });
        } catch (DriverException e) {
            LOG.warn("cannot remove the storage of volume {} from {} yet: {}", volumeId, backend, e.getMessage());
            return false;
        }
    }

    /**
     * Whether this backend should keep a volume's storage: its row is live and placed here, and unless a create
     * of it landed ({@code launched_at} set), not being deleted. A volume deleted after it was created is the
     * delete's to remove (it runs under the same lock, after any create); a forced delete of a volume still
     * {@code creating} may have run before the storage existed, and then only the create can remove it.
     */
    private boolean holdsStorage(Volume row) {
        return row != null && backend.equals(row.backend())
                && !(VolumeStatus.DELETING.equals(row.status()) && row.launchedAt() == null);
    }

    /**
     * Makes one volume's storage: empty, from a snapshot (under the snapshot's volume's lock, so the snapshot
     * cannot be deleted meanwhile), or as a clone of another volume (under both volumes' locks).
     */
    private ModelUpdate make(Volume volume) throws DriverException {
        if (volume.snapshotId() != null) {
            Snapshot snapshot = snapshots.findMany(List.of(volume.snapshotId())).stream().findFirst()
                    .orElseThrow(() -> new DriverException(DriverErrorCode.NOT_FOUND,
                            "the snapshot " + volume.snapshotId() + " of volume " + volume.id() + " is gone"));
            Volume source = source(snapshot.volumeId(), volume);
            SnapshotCapable capable = Capabilities.require(driver, SnapshotCapable.class, "create_volume_from_snapshot");
            return locks.with(volume.id(), source.id(), () -> timer.timed("create_volume_from_snapshot",
                    () -> capable.createVolumeFromSnapshot(spec(volume), spec(source), snapshotSpec(snapshot))));
        }
        if (volume.sourceVolid() != null) {
            Volume source = source(volume.sourceVolid(), volume);
            CloneCapable capable = Capabilities.require(driver, CloneCapable.class, "create_cloned_volume");
            return locks.with(volume.id(), source.id(), () -> timer.timed("create_cloned_volume",
                    () -> capable.createClonedVolume(spec(volume), spec(source))));
        }
        return withLock(volume.id(), () -> timer.timed("create_volume", () -> driver.createVolume(spec(volume))));
    }

    /** The live volume a new one is made from; it must be on this backend. */
    private Volume source(String sourceId, Volume volume) throws DriverException {
        Volume source = volumes.findWithoutMetadata(sourceId).orElseThrow(() -> new DriverException(
                DriverErrorCode.NOT_FOUND, "the source volume " + sourceId + " of volume " + volume.id() + " is gone"));
        if (!backend.equals(source.backend())) {
            throw new DriverException(DriverErrorCode.INVALID_ARGUMENT, "the source volume " + sourceId + " is on "
                    + source.backend() + ", not on " + backend);
        }
        return source;
    }

    static SnapshotSpec snapshotSpec(Snapshot snapshot) {
        return new SnapshotSpec(snapshot.id(), SnapshotSpec.backendName(snapshot.id()), snapshot.volumeId(),
                snapshot.volumeSize());
    }

    /**
     * Deletes volumes being deleted: each one's bytes, then all their rows and capacity claims in one
     * transaction. A driver failure leaves the volume {@code error_deleting}.
     *
     * @return the requests to try again later (the storage was unreachable)
     */
    public List<Request> deleteVolumes(List<Request> requests) {
        Map<String, Volume> found = volumes.findManyWithoutMetadata(requests.stream().map(Request::volumeId).toList());
        List<Request> retry = new ArrayList<>();
        Map<String, RequestContext> deletedBy = new LinkedHashMap<>();
        List<Volume> deleted = new ArrayList<>();
        List<Volume> failed = new ArrayList<>();
        for (Request request : requests) {
            Volume volume = owned(found.get(request.volumeId()), request.volumeId(), VolumeStatus.DELETING);
            if (volume == null) {
                continue;
            }
            deletedBy.put(volume.id(), request.context());
            notifications.volume(request.context(), volume, "delete.start");
            try {
                withLock(volume.id(), () -> {
                    // Cascade: the API moved the volume's snapshots to deleting with it.
                    // A driver without snapshots never made one: only the rows go.
                    for (Snapshot snapshot : snapshots.ofVolume(volume.id())) {
                        if (driver instanceof SnapshotCapable capable) {
                            timer.timedAction("delete_snapshot", () -> capable.deleteSnapshot(spec(volume), snapshotSpec(snapshot)));
                        }
                        tx.run(() -> {
                            if (snapshots.markDeleted(snapshot.id(), Set.of(SnapshotStatus.DELETING))) {
                                quotas.release(snapshot.projectId(), quotas.of(snapshot));
                            }
                        });
                    }
                    timer.timedAction("delete_volume", () -> driver.deleteVolume(spec(volume)));
                    return null;
                });
                deleted.add(volume);
            } catch (RetriableDriverException e) {
                LOG.warn("backend {} unavailable deleting volume {}, will retry: {}", backend, volume.id(), e.getMessage());
                retry.add(request);
            } catch (DriverException e) {
                LOG.error("deleting volume {} failed: {}", volume.id(), e.getMessage());
                failed.add(volume);
            }
        }
        if (deleted.isEmpty() && failed.isEmpty()) {
            return retry;
        }
        tx.run(() -> {
            for (Volume volume : deleted) {
                if (volumes.markDeleted(volume.id(), Set.of(VolumeStatus.DELETING))) {
                    pools.release(volume.host(), volume.size());
                    quotas.release(volume.projectId(), quotas.of(volume));
                    // A forced delete may interrupt an extend or a retype: what they held goes too.
                    quotas.cancel(volume.projectId(), quotas.growthOf(volume));
                    quotas.cancel(volume.projectId(), quotas.retypeShare(volume));
                    if (volume.extendClaimed() && volume.extendSize() != null) {
                        pools.releaseGrowth(volume.host(), volume.extendSize() - volume.size());
                    }
                    attachments.deleteAllOf(volume.id());
                }
            }
            for (Volume volume : failed) {
                volumes.transition(volume.id(), Set.of(VolumeStatus.DELETING), VolumeStatus.ERROR_DELETING);
            }
        });
        deleted.forEach(v -> CurrentContext.run(deletedBy.get(v.id()),
                () -> LOG.info("volume {} deleted from {}", v.id(), v.host())));
        deleted.forEach(v -> notifications.volume(deletedBy.get(v.id()), v, "delete.end", Map.of("status", "deleted")));
        return retry;
    }

    /**
     * {@code extend_volume}: grows a volume whose growth a scheduler claimed; {@code extending} goes back to
     * its previous status with the new size, or to {@code error_extending} (the claim given back) with a
     * user message when the driver fails.
     *
     * @return whether to try again later (the storage was unreachable, not for long yet)
     */
    public boolean extendVolume(String volumeId, RequestContext context) {
        Volume volume = owned(volumes.findWithoutMetadata(volumeId).orElse(null), volumeId, VolumeStatus.EXTENDING);
        if (volume == null || volume.extendSize() == null || !volume.extendClaimed()) {
            return false;
        }
        int newSize = volume.extendSize();
        notifications.volume(context, volume, "resize.start");
        try {
            withLock(volumeId, () -> {
                timer.timedAction("extend_volume", () -> driver.extendVolume(spec(volume), newSize));
                return null;
            });
        } catch (RetriableDriverException e) {
            if (volume.updatedAt() == null
                    || Duration.between(volume.updatedAt(), Timestamps.now()).compareTo(giveUpAfter) < 0) {
                LOG.warn("backend {} unavailable extending volume {}, will retry: {}", backend, volumeId, e.getMessage());
                return true;
            }
            failExtend(volume, context, e);
            return false;
        } catch (DriverException e) {
            failExtend(volume, context, e);
            return false;
        }
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("size", newSize);
        set.put("extend_size", null);
        set.put("extend_claimed", false);
        String previous = volume.previousStatus() != null ? volume.previousStatus() : VolumeStatus.AVAILABLE;
        tx.run(() -> {
            if (volumes.transition(volumeId, Set.of(VolumeStatus.EXTENDING), previous, set)) {
                quotas.commit(volume.projectId(), quotas.growthOf(volume));
            }
        });
        CurrentContext.run(context, () -> LOG.info("volume {} extended from {} to {} GiB", volumeId, volume.size(), newSize));
        volumes.findWithoutMetadata(volumeId).ifPresent(now -> notifications.volume(context, now, "resize.end"));
        return false;
    }

    /**
     * {@code retype}: the backend gives the volume its new type in place ({@link RetypeCapable}); a driver that
     * cannot, or refuses, ends the retype with the volume keeping its type (Cinder's "Retype requires migration
     * but is not allowed."). Idempotent: a volume no longer retyping is left alone.
     *
     * @return whether to try again later (the storage was unreachable, not for long yet)
     */
    public boolean retype(String volumeId, RequestContext context) {
        Volume volume = owned(volumes.findWithoutMetadata(volumeId).orElse(null), volumeId, VolumeStatus.RETYPING);
        if (volume == null || volume.retypeTypeId() == null) {
            return false;
        }
        VolumeType newType = types.byId(volume.retypeTypeId()).orElse(null);
        boolean retyped = false;
        String why = "the backend cannot change a volume's type in place";
        if (newType != null && driver instanceof RetypeCapable capable) {
            try {
                retyped = withLock(volumeId, () -> timer.timed("retype",
                        () -> capable.retype(spec(volume), newType.extraSpecs())));
                why = "the backend would have to move the volume";
            } catch (RetriableDriverException e) {
                if (volume.updatedAt() == null
                        || Duration.between(volume.updatedAt(), Timestamps.now()).compareTo(giveUpAfter) < 0) {
                    LOG.warn("backend {} unavailable retyping volume {}, will retry: {}", backend, volumeId, e.getMessage());
                    return true;
                }
                why = e.getMessage();
            } catch (DriverException e) {
                why = e.getMessage();
            }
        }
        if (retyped && retypes.complete(volume, newType)) {
            CurrentContext.run(context, () -> LOG.info("volume {} retyped to {}", volumeId, newType.name()));
            volumes.findWithoutMetadata(volumeId).ifPresent(now -> notifications.volume(context, now, "retype",
                    Map.of("volume_type", newType.id())));
        } else if (!retyped && retypes.abandon(volume)) {
            String reason = why;
            CurrentContext.run(context, () -> LOG.warn("Retype requires migration but is not allowed: volume {} keeps its "
                    + "type ({})", volumeId, reason));
        }
        return false;
    }

    private void failExtend(Volume volume, RequestContext context, DriverException e) {
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("extend_size", null);
        set.put("extend_claimed", false);
        tx.run(() -> {
            if (volumes.transition(volume.id(), Set.of(VolumeStatus.EXTENDING), VolumeStatus.ERROR_EXTENDING, set)) {
                pools.releaseGrowth(volume.host(), volume.extendSize() - volume.size());
                quotas.cancel(volume.projectId(), quotas.growthOf(volume));
                messages.volumeError(context, volume.projectId(), volume.id(), UserMessage.Action.EXTEND_VOLUME,
                        UserMessage.Detail.DRIVER_FAILED_EXTEND);
            }
        });
        CurrentContext.run(context, () -> LOG.error("extending volume {} failed: {}", volume.id(), e.getMessage()));
    }

    /**
     * Finishes what a crash interrupted: storage made for volumes that have left this backend meanwhile is
     * removed, volumes of this backend still {@code creating} are created, those still {@code deleting} are
     * deleted. Idempotent, like every operation here.
     */
    public void recover() {
        RequestContext context = RequestContext.internal();
        try {
            removeAbandonedStorage();
        } catch (RuntimeException e) {
            LOG.warn("removing abandoned storage on {} deferred: {}", backend, e.getMessage());
        }
        List<Volume> unfinished = volumes.findOnBackend(backend, List.of(VolumeStatus.CREATING, VolumeStatus.DELETING));
        if (!unfinished.isEmpty()) {
            LOG.info("recovering {} unfinished operation(s) on {}", unfinished.size(), backend);
        }
        List<Request> creates = new ArrayList<>();
        List<Request> deletes = new ArrayList<>();
        for (Volume volume : unfinished) {
            (VolumeStatus.CREATING.equals(volume.status()) ? creates : deletes).add(new Request(volume.id(), context));
        }
        try {
            createVolumes(creates);
            deleteVolumes(deletes);
            for (Volume volume : volumes.findOnBackend(backend, List.of(VolumeStatus.EXTENDING))) {
                extendVolume(volume.id(), context);
            }
        } catch (RuntimeException e) {
            LOG.warn("recovery on {} deferred to the re-drive: {}", backend, e.getMessage());
        }
    }

    public String backend() {
        return backend;
    }

    /** Sends {@code volume.<suffix>} for each request's volume as it is now in the database. */
    private void notifyNow(List<Request> requests, String suffix) {
        if (requests.isEmpty()) {
            return;
        }
        Map<String, Volume> now = volumes.findManyWithoutMetadata(requests.stream().map(Request::volumeId).toList());
        for (Request request : requests) {
            Volume volume = now.get(request.volumeId());
            if (volume != null) {
                notifications.volume(request.context(), volume, suffix);
            }
        }
    }

    /** The row if it is live, placed on this backend and in {@code status}; else null (nothing to do). */
    private Volume owned(Volume volume, String volumeId, String status) {
        if (volume == null) {
            LOG.info("volume {} no longer exists; nothing to do", volumeId);
            return null;
        }
        if (!backend.equals(volume.backend())) {
            LOG.warn("volume {} belongs to {}, not {}; ignoring", volumeId, volume.backend(), backend);
            return null;
        }
        if (!status.equals(volume.status())) {
            LOG.debug("volume {} is {}, not {}; already handled", volumeId, volume.status(), status);
            return null;
        }
        return volume;
    }

    VolumeSpec spec(Volume volume) {
        Map<String, String> extraSpecs = types.byId(volume.volumeTypeId()).map(t -> t.extraSpecs()).orElse(Map.of());
        return new VolumeSpec(volume.id(), VolumeSpec.backendName(volume.id()), volume.size(),
                Hosts.pool(volume.host()), extraSpecs, volume.providerLocation(), volume.providerAuth());
    }

    private static Instant startOf(Volume volume) {
        return volume.scheduledAt() != null ? volume.scheduledAt() : volume.createdAt();
    }

    /** Runs one driver call while no other thread of this service works on the same volume. */
    private <T> T withLock(String volumeId, VolumeLocks.Work<T> call) throws DriverException {
        return locks.with(volumeId, call);
    }
}
