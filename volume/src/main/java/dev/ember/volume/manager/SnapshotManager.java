package dev.ember.volume.manager;

import dev.ember.common.context.CurrentContext;
import dev.ember.common.context.RequestContext;
import dev.ember.common.db.Timestamps;
import dev.ember.common.db.Tx;
import dev.ember.common.quota.Quotas;
import dev.ember.common.message.MessageRepository;
import dev.ember.common.message.UserMessage;
import dev.ember.common.snapshot.Snapshot;
import dev.ember.common.snapshot.SnapshotRepository;
import dev.ember.common.snapshot.SnapshotStatus;
import dev.ember.common.volume.Volume;
import dev.ember.common.volume.VolumeRepository;
import dev.ember.common.volume.VolumeStatus;
import dev.ember.volume.spi.Capabilities;
import dev.ember.volume.spi.DriverErrorCode;
import dev.ember.volume.spi.DriverException;
import dev.ember.volume.spi.RetriableDriverException;
import dev.ember.volume.spi.RevertCapable;
import dev.ember.volume.spi.SnapshotCapable;
import dev.ember.volume.spi.VolumeDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The volume service's work on snapshots of one backend (Cinder's {@code create_snapshot},
 * {@code delete_snapshot}, {@code revert_to_snapshot}): the driver acts under the snapshot's volume's lock,
 * then one compare-and-swap records the outcome, with a user message when it failed. Each operation
 * re-reads its rows and acts only from the status it expects, so a redelivered or re-driven message is
 * harmless.
 */
final class SnapshotManager {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotManager.class);

    /** One snapshot operation asked of this backend. */
    record Request(String snapshotId, RequestContext context) {
    }

    private final String backend;
    private final VolumeDriver driver;
    private final VolumeRepository volumes;
    private final SnapshotRepository snapshots;
    private final MessageRepository messages;
    private final Tx tx;
    private final VolumeLocks locks;
    private final DriverTimer timer;
    private final VolumeManager volumeManager;
    private final Duration giveUpAfter;
    private final Quotas quotas;
    private final dev.ember.common.notify.VolumeNotifications notifications;

    SnapshotManager(String backend, VolumeDriver driver, VolumeRepository volumes, SnapshotRepository snapshots,
            MessageRepository messages, Tx tx, VolumeLocks locks, DriverTimer timer, VolumeManager volumeManager,
            Duration giveUpAfter, Quotas quotas, dev.ember.common.notify.VolumeNotifications notifications) {
        this.notifications = notifications;
        this.backend = backend;
        this.driver = driver;
        this.volumes = volumes;
        this.snapshots = snapshots;
        this.messages = messages;
        this.tx = tx;
        this.locks = locks;
        this.timer = timer;
        this.volumeManager = volumeManager;
        this.giveUpAfter = giveUpAfter;
        this.quotas = quotas;
    }

    /**
     * {@code creating} becomes {@code available} (progress 100 %), or {@code error} with a user message.
     *
     * @return the requests to try again later (the storage was unreachable, not for long yet)
     */
    List<Request> createSnapshots(List<Request> requests) {
        List<Request> retry = new ArrayList<>();
        for (Request request : requests) {
            Owned owned = owned(request, SnapshotStatus.CREATING);
            if (owned == null) {
                continue;
            }
            notifications.snapshot(request.context(), owned.snapshot(), owned.volume(), "create.start", null, null);
            try {
                SnapshotCapable capable = Capabilities.require(driver, SnapshotCapable.class, "create_snapshot");
                locks.with(owned.volume().id(), () -> timer.timed("create_snapshot", () -> capable.createSnapshot(
                        volumeManager.spec(owned.volume()), VolumeManager.snapshotSpec(owned.snapshot()))));
                snapshots.transition(owned.snapshot().id(), Set.of(SnapshotStatus.CREATING), SnapshotStatus.AVAILABLE,
                        Map.of("progress", "100%"));
                CurrentContext.run(request.context(), () -> LOG.info("snapshot {} of volume {} created",
                        owned.snapshot().id(), owned.volume().id()));
                notifications.snapshot(request.context(), owned.snapshot(), owned.volume(), "create.end",
                        SnapshotStatus.AVAILABLE, null);
            } catch (RetriableDriverException e) {
                if (Duration.between(owned.snapshot().createdAt(), Timestamps.now()).compareTo(giveUpAfter) < 0) {
                    LOG.warn("backend {} unavailable creating snapshot {}, will retry: {}", backend,
                            owned.snapshot().id(), e.getMessage());
                    retry.add(request);
                } else {
                    fail(request, owned.snapshot(), SnapshotStatus.CREATING, SnapshotStatus.ERROR,
                            UserMessage.Action.SNAPSHOT_CREATE, UserMessage.Detail.DRIVER_NOT_INITIALIZED, e);
                }
            } catch (DriverException e) {
                fail(request, owned.snapshot(), SnapshotStatus.CREATING, SnapshotStatus.ERROR,
                        UserMessage.Action.SNAPSHOT_CREATE, UserMessage.Detail.SNAPSHOT_CREATE_ERROR, e);
            }
        }
        return retry;
    }

    /**
     * {@code deleting} becomes deleted (at once on a driver without snapshots, which cannot hold one); a
     * snapshot other volumes depend on goes back to {@code available}
     * (Cinder's {@code SnapshotIsBusy}); any other failure leaves it {@code error_deleting}. Both with a
     * user message.
     *
     * @return the requests to try again later
     */
    List<Request> deleteSnapshots(List<Request> requests) {
        List<Request> retry = new ArrayList<>();
        for (Request request : requests) {
            Owned owned = owned(request, SnapshotStatus.DELETING);
            if (owned == null) {
                continue;
            }
            notifications.snapshot(request.context(), owned.snapshot(), owned.volume(), "delete.start", null, null);
            try {
                // A driver without snapshots never made one: there is nothing on the backend to remove.
                if (driver instanceof SnapshotCapable capable) {
                    locks.with(owned.volume().id(), () -> {
                        timer.timedAction("delete_snapshot", () -> capable.deleteSnapshot(volumeManager.spec(owned.volume()),
                                VolumeManager.snapshotSpec(owned.snapshot())));
                        return null;
                    });
                }
                tx.run(() -> {
                    if (snapshots.markDeleted(owned.snapshot().id(), Set.of(SnapshotStatus.DELETING))) {
                        quotas.release(owned.snapshot().projectId(), quotas.of(owned.snapshot()));
                    }
                });
                CurrentContext.run(request.context(), () -> LOG.info("snapshot {} deleted", owned.snapshot().id()));
                notifications.snapshot(request.context(), owned.snapshot(), owned.volume(), "delete.end", "deleted", true);
            } catch (RetriableDriverException e) {
                LOG.warn("backend {} unavailable deleting snapshot {}, will retry: {}", backend, owned.snapshot().id(),
                        e.getMessage());
                retry.add(request);
            } catch (DriverException e) {
                boolean busy = e.code() == DriverErrorCode.BUSY;
                fail(request, owned.snapshot(), SnapshotStatus.DELETING,
                        busy ? SnapshotStatus.AVAILABLE : SnapshotStatus.ERROR_DELETING, UserMessage.Action.SNAPSHOT_DELETE,
                        busy ? UserMessage.Detail.SNAPSHOT_IS_BUSY : UserMessage.Detail.SNAPSHOT_DELETE_ERROR, e);
            }
        }
        return retry;
    }

    /**
     * {@code revert_to_snapshot}: the volume ({@code reverting}) gets the snapshot's ({@code restoring}) bytes;
     * then both are {@code available}. A failure leaves the volume in {@code error} and the snapshot
     * {@code available}, as Cinder.
     *
     * @return whether to try again later (the storage was unreachable)
     */
    boolean revert(String volumeId, String snapshotId, RequestContext context) {
        Volume volume = volumes.findWithoutMetadata(volumeId).orElse(null);
        Snapshot snapshot = snapshots.findMany(List.of(snapshotId)).stream().findFirst().orElse(null);
        if (volume == null || snapshot == null || !backend.equals(volume.backend())
                || !VolumeStatus.REVERTING.equals(volume.status()) || !SnapshotStatus.RESTORING.equals(snapshot.status())) {
            LOG.debug("revert of volume {} to snapshot {}: nothing to do", volumeId, snapshotId);
            return false;
        }
        String outcome = VolumeStatus.AVAILABLE;
        notifications.volume(context, volume, "revert.start");
        try {
            RevertCapable capable = Capabilities.require(driver, RevertCapable.class, "revert_to_snapshot");
            locks.with(volumeId, () -> {
                timer.timedAction("revert_to_snapshot", () -> capable.revertToSnapshot(volumeManager.spec(volume),
                        VolumeManager.snapshotSpec(snapshot)));
                return null;
            });
        } catch (RetriableDriverException e) {
            LOG.warn("backend {} unavailable reverting volume {}, will retry: {}", backend, volumeId, e.getMessage());
            return true;
        } catch (DriverException e) {
            LOG.error("reverting volume {} to snapshot {} failed: {}", volumeId, snapshotId, e.getMessage());
            outcome = VolumeStatus.ERROR;
        }
        String volumeOutcome = outcome;
        tx.run(() -> {
            volumes.transition(volumeId, Set.of(VolumeStatus.REVERTING), volumeOutcome);
            snapshots.transition(snapshotId, Set.of(SnapshotStatus.RESTORING), SnapshotStatus.AVAILABLE);
        });
        if (VolumeStatus.AVAILABLE.equals(outcome)) {
            CurrentContext.run(context, () -> LOG.info("volume {} reverted to snapshot {}", volumeId, snapshotId));
            volumes.findWithoutMetadata(volumeId).ifPresent(now -> notifications.volume(context, now, "revert.end"));
        }
        return false;
    }

    /** Finishes what a crash interrupted: snapshots of this backend still creating or deleting. */
    void recover() {
        RequestContext context = RequestContext.internal();
        List<Request> creates = new ArrayList<>();
        List<Request> deletes = new ArrayList<>();
        for (Snapshot snapshot : snapshots.findOnBackend(backend, List.of(SnapshotStatus.CREATING, SnapshotStatus.DELETING))) {
            (SnapshotStatus.CREATING.equals(snapshot.status()) ? creates : deletes).add(new Request(snapshot.id(), context));
        }
        if (!creates.isEmpty() || !deletes.isEmpty()) {
            LOG.info("recovering {} unfinished snapshot operation(s) on {}", creates.size() + deletes.size(), backend);
        }
        try {
            createSnapshots(creates);
            deleteSnapshots(deletes);
            for (Volume volume : volumes.findOnBackend(backend, List.of(VolumeStatus.REVERTING))) {
                snapshots.ofVolume(volume.id()).stream().filter(s -> SnapshotStatus.RESTORING.equals(s.status()))
                        .findFirst().ifPresent(s -> revert(volume.id(), s.id(), context));
            }
        } catch (RuntimeException e) {
            LOG.warn("snapshot recovery on {} deferred to the re-drive: {}", backend, e.getMessage());
        }
    }

    private record Owned(Snapshot snapshot, Volume volume) {
    }

    /** The snapshot and its volume if the snapshot is live, in {@code status}, and its volume is on this backend. */
    private Owned owned(Request request, String status) {
        Snapshot snapshot = snapshots.findMany(List.of(request.snapshotId())).stream().findFirst().orElse(null);
        if (snapshot == null || !status.equals(snapshot.status())) {
            LOG.debug("snapshot {} is gone or not {}; nothing to do", request.snapshotId(), status);
            return null;
        }
        Volume volume = volumes.findWithoutMetadata(snapshot.volumeId()).orElse(null);
        if (volume == null || !backend.equals(volume.backend())) {
            LOG.warn("snapshot {} is not of a volume on {}; ignoring", snapshot.id(), backend);
            return null;
        }
        return new Owned(snapshot, volume);
    }

    /** The failure's status and its user message, both or neither. */
    private void fail(Request request, Snapshot snapshot, String from, String to, UserMessage.Action action,
            UserMessage.Detail detail, DriverException e) {
        tx.run(() -> {
            if (snapshots.transition(snapshot.id(), Set.of(from), to)) {
                messages.snapshotError(request.context(), snapshot.projectId(), snapshot.id(), action, detail);
            }
        });
        CurrentContext.run(request.context(), () -> LOG.error("{} of snapshot {} failed ({}): {}", action.text,
                snapshot.id(), to, e.getMessage()));
    }
}
