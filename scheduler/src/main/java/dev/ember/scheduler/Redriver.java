package dev.ember.scheduler;

import dev.ember.common.context.CurrentContext;
import dev.ember.common.context.RequestContext;
import dev.ember.common.db.Timestamps;
import dev.ember.common.pool.PoolRepository;
import dev.ember.common.rpc.VolumeRpc;
import dev.ember.common.snapshot.Snapshot;
import dev.ember.common.snapshot.SnapshotRepository;
import dev.ember.common.snapshot.SnapshotStatus;
import dev.ember.common.volume.Volume;
import dev.ember.common.volume.VolumeRepository;
import dev.ember.common.volume.VolumeStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure a committed row and its message cannot part: operations still {@code creating} or
 * {@code deleting} (volumes and snapshots, and volumes {@code reverting}) after {@code redrive_after} seconds
 * without progress are driven again — placed here
 * if they have no host yet (the API's cast was lost), re-sent to their backend (a volume service's
 * message was lost), or, for a create whose backend has been down for twice {@code service_down_time},
 * taken back from it and placed again (elsewhere, or in error with a user message if nothing fits). Every handler is idempotent, so a re-drive of an operation that was merely slow
 * costs one ignored message. Of several schedulers only one re-drives a given volume: each claims it by
 * bumping its {@code updated_at} with a compare-and-swap.
 */
public final class Redriver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Redriver.class);
    private static final int BATCH = 200;

    private final VolumeRepository volumes;
    private final SnapshotRepository snapshots;
    private final PoolRepository pools;
    private final HostManager hosts;
    private final SchedulerManager scheduler;
    private final VolumeRpc volumeRpc;
    private final Duration after;
    private final Counter redriven;
    private final ScheduledExecutorService timer;

    private final Duration abandonAfter;

    /**
     * @param after how long an operation may make no progress before it is driven again
     * @param abandonAfter how long a backend may be down before its unfinished creates go elsewhere
     */
    public Redriver(VolumeRepository volumes, SnapshotRepository snapshots, PoolRepository pools, HostManager hosts,
            SchedulerManager scheduler, VolumeRpc volumeRpc, Duration after, Duration abandonAfter, MeterRegistry meters) {
        this.snapshots = snapshots;
        this.abandonAfter = abandonAfter;
        this.volumes = volumes;
        this.pools = pools;
        this.hosts = hosts;
        this.scheduler = scheduler;
        this.volumeRpc = volumeRpc;
        this.after = after;
        this.redriven = Counter.builder("ember_redriven_operations")
                .description("Operations driven again after their message seemed lost").register(meters);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "redriver");
            t.setDaemon(true);
            return t;
        });
    }

    public Redriver start() {
        long period = Math.max(1, after.toSeconds() / 3);
        timer.scheduleWithFixedDelay(() -> runOnce(after), period, period, TimeUnit.SECONDS);
        return this;
    }

    /**
     * Called when the broker connection comes back: messages in flight during the outage may be gone, so
     * operations without progress for a few seconds are driven again at once rather than after
     * {@code redrive_after}.
     */
    public void afterReconnect() {
        timer.schedule(() -> runOnce(AFTER_RECONNECT), 2, TimeUnit.SECONDS);
    }

    private static final Duration AFTER_RECONNECT = Duration.ofSeconds(2);

    /** One pass over operations idle for longer than {@code idle}; public for tests. */
    public void runOnce(Duration idle) {
        try {
            Instant now = Timestamps.now();
            List<Volume> stale = volumes.findStale(List.of(VolumeStatus.CREATING, VolumeStatus.DELETING),
                    now.minus(idle), BATCH);
            redriveSnapshots(now.minus(idle), now);
            if (stale.isEmpty()) {
                return;
            }
            // Backends gone for twice service_down_time lose their unfinished creates to other backends.
            Set<String> gone = new HashSet<>();
            hosts.backends(now).stream()
                    .filter(b -> !b.active() && Duration.between(b.lastSeen(), now).compareTo(abandonAfter) > 0)
                    .forEach(b -> gone.add(b.backend()));
            for (Volume volume : stale) {
                if (!volumes.touchIfUnchanged(volume, now)) {
                    continue;
                }
                redriven.increment();
                RequestContext context = RequestContext.internal();
                CurrentContext.run(context, () -> redrive(context, volume, gone, now));
            }
        } catch (RuntimeException e) {
            LOG.warn("re-drive pass failed: {}", e.getMessage());
        }
    }

    /**
     * Snapshots still creating or deleting, and volumes still extending, retyping or reverting, without progress:
     * their message is sent again (every handler is idempotent).
     */
    private void redriveSnapshots(Instant before, Instant now) {
        for (Snapshot snapshot : snapshots.findStale(List.of(SnapshotStatus.CREATING, SnapshotStatus.DELETING), before, BATCH)) {
            if (!snapshots.touchIfUnchanged(snapshot, now)) {
                continue;
            }
            Volume volume = volumes.findWithoutMetadata(snapshot.volumeId()).orElse(null);
            if (volume == null || volume.host() == null) {
                continue;
            }
            redriven.increment();
            RequestContext context = RequestContext.internal();
            CurrentContext.run(context, () -> {
                LOG.info("re-driving {} of snapshot {} (volume {})", snapshot.status(), snapshot.id(), volume.id());
                try {
                    if (SnapshotStatus.CREATING.equals(snapshot.status())) {
                        volumeRpc.createSnapshot(context, volume, snapshot);
                    } else {
                        volumeRpc.deleteSnapshot(context, volume, snapshot);
                    }
                } catch (RuntimeException e) {
                    LOG.warn("re-drive of snapshot {} failed, will try again: {}", snapshot.id(), e.getMessage());
                }
            });
        }
        for (Volume volume : volumes.findStale(List.of(VolumeStatus.EXTENDING), before, BATCH)) {
            if (!volumes.touchIfUnchanged(volume, now) || volume.host() == null || volume.extendSize() == null) {
                continue;
            }
            redriven.increment();
            RequestContext context = RequestContext.internal();
            CurrentContext.run(context, () -> {
                LOG.info("re-driving the extend of volume {} to {} GiB", volume.id(), volume.extendSize());
                try {
                    if (volume.extendClaimed()) {
                        volumeRpc.extendVolume(context, volume, volume.extendSize());
                    } else {
                        scheduler.extendVolume(context, volume.id());
                    }
                } catch (RuntimeException e) {
                    LOG.warn("re-drive of the extend of {} failed, will try again: {}", volume.id(), e.getMessage());
                }
            });
        }
        for (Volume volume : volumes.findStale(List.of(VolumeStatus.RETYPING), before, BATCH)) {
            if (!volumes.touchIfUnchanged(volume, now) || volume.host() == null || volume.retypeTypeId() == null) {
                continue;
            }
            redriven.increment();
            RequestContext context = RequestContext.internal();
            CurrentContext.run(context, () -> {
                LOG.info("re-driving the retype of volume {} to type {}", volume.id(), volume.retypeTypeId());
                try {
                    scheduler.retype(context, volume.id());
                } catch (RuntimeException e) {
                    LOG.warn("re-drive of the retype of {} failed, will try again: {}", volume.id(), e.getMessage());
                }
            });
        }
        for (Volume volume : volumes.findStale(List.of(VolumeStatus.REVERTING), before, BATCH)) {
            if (!volumes.touchIfUnchanged(volume, now) || volume.host() == null) {
                continue;
            }
            snapshots.ofVolume(volume.id()).stream().filter(s -> SnapshotStatus.RESTORING.equals(s.status())).findFirst()
                    .ifPresent(snapshot -> {
                        redriven.increment();
                        RequestContext context = RequestContext.internal();
                        CurrentContext.run(context, () -> {
                            LOG.info("re-driving the revert of volume {} to snapshot {}", volume.id(), snapshot.id());
                            try {
                                volumeRpc.revertToSnapshot(context, volume, snapshot);
                            } catch (RuntimeException e) {
                                LOG.warn("re-drive of the revert of {} failed, will try again: {}", volume.id(), e.getMessage());
                            }
                        });
                    });
        }
    }

    private void redrive(RequestContext context, Volume volume, Set<String> goneBackends, Instant now) {
        LOG.info("re-driving {} of volume {} (host {})", volume.status(), volume.id(), volume.host());
        try {
            if (VolumeStatus.CREATING.equals(volume.status())) {
                if (volume.host() != null && goneBackends.contains(volume.backend())
                        && pools.unplace(volume.id(), volume.host(), volume.size(), now)) {
                    // Its backend died before finishing it and has not come back: place it again. The backend may
                    // have made the storage already; unplace notes that, and the backend removes it when it runs.
                    LOG.warn("backend {} of creating volume {} is gone; placing the volume again", volume.backend(),
                            volume.id());
                }
                scheduler.createVolume(context, volume.id());
            } else if (volume.host() != null) {
                volumeRpc.deleteVolume(context, volume, false);
            }
        } catch (RuntimeException e) {
            LOG.warn("re-drive of volume {} failed, will try again: {}", volume.id(), e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
