package dev.ember.scheduler;

import dev.ember.common.context.RequestContext;
import dev.ember.common.db.Timestamps;
import dev.ember.common.db.Tx;
import dev.ember.common.message.MessageRepository;
import dev.ember.common.message.UserMessage;
import dev.ember.common.pool.PoolRepository;
import dev.ember.common.rpc.VolumeRpc;
import dev.ember.common.type.VolumeType;
import dev.ember.common.type.VolumeTypeRepository;
import dev.ember.common.volume.Volume;
import dev.ember.common.volume.VolumeRepository;
import dev.ember.common.volume.VolumeStatus;
import dev.ember.common.rpc.Retriable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Places new volumes: filters the active pools, orders them with the weighers, and claims capacity in
 * the best pool that still has room, in the same transaction that assigns the volume's host. Then it
 * tells the pool's volume service to create the volume.
 */
public final class SchedulerManager {

    private static final Logger LOG = LoggerFactory.getLogger(SchedulerManager.class);

    private final HostManager hosts;
    private final List<BackendFilter> filters;
    private final List<Weigher> weighers;
    private final VolumeRepository volumes;
    private final VolumeTypeRepository types;
    private final PoolRepository pools;
    private final MessageRepository messages;
    private final VolumeRpc volumeRpc;
    private final Tx tx;
    private final Duration patience;

    /**
     * @param patience how long a create waits for some backend to be up before failing with "no valid
     *     backend" (a backend's own rejection fails it at once)
     */
    public SchedulerManager(HostManager hosts, List<BackendFilter> filters, List<Weigher> weighers,
            VolumeRepository volumes, VolumeTypeRepository types, PoolRepository pools, MessageRepository messages,
            VolumeRpc volumeRpc, Tx tx, Duration patience) {
        this.hosts = hosts;
        this.filters = List.copyOf(filters);
        this.weighers = List.copyOf(weighers);
        this.volumes = volumes;
        this.types = types;
        this.pools = pools;
        this.messages = messages;
        this.volumeRpc = volumeRpc;
        this.tx = tx;
        this.patience = patience;
    }

    /**
     * Handles {@code create_volume}. Idempotent: a volume already placed is only re-sent to its
     * backend, a volume no longer {@code creating} is left alone.
     */
    public void createVolume(RequestContext context, String volumeId) {
        Volume volume = volumes.find(volumeId).orElse(null);
        if (volume == null || !VolumeStatus.CREATING.equals(volume.status())) {
            LOG.debug("volume {} is gone or no longer creating; nothing to schedule", volumeId);
            return;
        }
        if (volume.host() != null) {
            volumeRpc.createVolume(context, volume);
            return;
        }
        Map<String, String> extraSpecs = types.findById(volume.volumeTypeId()).map(VolumeType::extraSpecs).orElse(Map.of());
        RequestSpec spec = new RequestSpec(volumeId, volume.size(), volume.availabilityZone(), extraSpecs);
        Instant now = Timestamps.now();
        List<BackendState> all = hosts.backends(now);
        List<BackendState> candidates = new ArrayList<>();
        StringJoiner rejected = new StringJoiner("; ");
        for (BackendState state : all) {
            String failed = firstFailingFilter(state, spec);
            if (failed == null) {
                candidates.add(state);
            } else {
                rejected.add(state.pool() + ": " + failed);
            }
        }
        for (BackendState chosen : Weigher.order(candidates, weighers, spec)) {
            long limit = (long) Math.floor(Math.min(CapacityMath.claimLimitGb(chosen, spec.thin()), Long.MAX_VALUE / 2.0));
            Placement placement;
            try {
                placement = tx.call(() -> {
                    if (!pools.claim(chosen.pool(), volume.size(), limit)) {
                        return Placement.POOL_FULL;
                    }
                    if (!volumes.assignHost(volumeId, chosen.pool(), chosen.availabilityZone(), now)) {
                        throw new AlreadyPlaced();
                    }
                    return Placement.PLACED;
                });
            } catch (AlreadyPlaced e) {
                placement = Placement.ALREADY_PLACED;
            }
            if (placement == Placement.ALREADY_PLACED) {
                LOG.debug("volume {} was placed by another scheduler", volumeId);
                return;
            }
            if (placement == Placement.PLACED) {
                LOG.info("volume {} ({} GiB) placed on {}", volumeId, volume.size(), chosen.pool());
                volumes.find(volumeId).ifPresent(placed -> volumeRpc.createVolume(context, placed));
                return;
            }
            rejected.add(chosen.pool() + ": no capacity left to claim");
        }
        if (all.stream().noneMatch(BackendState::active)
                && Duration.between(volume.createdAt(), now).compareTo(patience) < 0) {
            // Every backend looks down: after a database or broker outage heartbeats are briefly stale
            // everywhere. Wait for them rather than fail a create that would succeed a second later.
            throw new Retriable.RetryLaterException("no active volume backend yet for volume " + volumeId, null);
        }
        noValidBackend(context, volume, all.isEmpty() ? "no volume service has reported any pool" : rejected.toString());
    }

    private String firstFailingFilter(BackendState state, RequestSpec spec) {
        if (!state.active()) {
            return "service down, disabled or frozen";
        }
        for (BackendFilter filter : filters) {
            if (!filter.passes(state, spec)) {
                return filter.name();
            }
        }
        return null;
    }

    private void noValidBackend(RequestContext context, Volume volume, String reasons) {
        LOG.warn("No valid backend was found for volume {} ({} GiB, zone {}): {}", volume.id(), volume.size(),
                volume.availabilityZone(), reasons);
        tx.run(() -> {
            if (volumes.transition(volume.id(), Set.of(VolumeStatus.CREATING), VolumeStatus.ERROR, Map.of(),
                    VolumeRepository.Guard.NO_HOST)) {
                messages.volumeError(context, volume.projectId(), volume.id(),
                        UserMessage.Action.SCHEDULE_ALLOCATE_VOLUME, UserMessage.Detail.NO_BACKEND_AVAILABLE);
            }
        });
    }

    private enum Placement { PLACED, POOL_FULL, ALREADY_PLACED }

    /** Rolls back a claim made for a volume another scheduler placed first. */
    private static final class AlreadyPlaced extends RuntimeException {
        AlreadyPlaced() {
            super(null, null, false, false);
        }
    }
}
