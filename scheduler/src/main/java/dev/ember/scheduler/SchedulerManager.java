package dev.ember.scheduler;

import dev.ember.common.context.CurrentContext;
import dev.ember.common.context.RequestContext;
import dev.ember.common.db.Timestamps;
import dev.ember.common.db.Tx;
import dev.ember.common.quota.Quotas;
import dev.ember.common.message.MessageRepository;
import dev.ember.common.message.UserMessage;
import dev.ember.common.pool.PoolRepository;
import dev.ember.common.rpc.RpcMessage;
import dev.ember.common.rpc.VolumeObjects;
import dev.ember.common.rpc.VolumeRpc;
import dev.ember.common.type.VolumeType;
import dev.ember.common.type.VolumeTypeCache;
import dev.ember.common.volume.Volume;
import dev.ember.common.volume.VolumeRepository;
import dev.ember.common.volume.VolumeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 *
 * <p>Creates that arrive together are placed together: one read of the pools and one transaction for
 * the whole batch, with each placement counted against the pools before the next is chosen, so a batch
 * spreads exactly as creates one by one would.
 */
public final class SchedulerManager {

    private static final Logger LOG = LoggerFactory.getLogger(SchedulerManager.class);

    private final HostManager hosts;
    private final List<BackendFilter> filters;
    private final List<Weigher> weighers;
    private final VolumeRepository volumes;
    private final dev.ember.common.snapshot.SnapshotRepository snapshots;
    private final VolumeTypeCache types;
    private final PoolRepository pools;
    private final MessageRepository messages;
    private final VolumeRpc volumeRpc;
    private final Quotas quotas;
    private final dev.ember.common.volume.Retypes retypes;
    private final dev.ember.common.group.GroupRepository groups;
    private final Tx tx;
    private final Duration patience;
    /**
     * When this scheduler first found no backend up for a volume: patience counts from there, not from
     * the volume's creation, so a create accepted just before a database outage still gets its full
     * patience once the database is back and heartbeats resume.
     */
    private final Map<String, Instant> waitingSince = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param patience how long a create waits for some backend to be up before failing with "no valid
     *     backend" (a backend's own rejection fails it at once)
     */
    public SchedulerManager(HostManager hosts, List<BackendFilter> filters, List<Weigher> weighers,
            VolumeRepository volumes, dev.ember.common.snapshot.SnapshotRepository snapshots, VolumeTypeCache types,
            PoolRepository pools, MessageRepository messages, VolumeRpc volumeRpc, Tx tx, Quotas quotas,
            dev.ember.common.volume.Retypes retypes, dev.ember.common.group.GroupRepository groups, Duration patience) {
        this.hosts = hosts;
        this.filters = List.copyOf(filters);
        this.weighers = List.copyOf(weighers);
        this.volumes = volumes;
        this.snapshots = snapshots;
        this.types = types;
        this.pools = pools;
        this.messages = messages;
        this.volumeRpc = volumeRpc;
        this.tx = tx;
        this.quotas = quotas;
        this.retypes = retypes;
        this.groups = groups;
        this.patience = patience;
    }

    /** Handles one {@code create_volume}; see {@link #createVolumes}. */
    public void createVolume(RequestContext context, String volumeId) {
        createVolumes(List.of(RpcMessage.cast("create_volume", volumeArgument(volumeId), "3.0", context)));
    }

    /**
     * Handles {@code create_volume} casts. Idempotent: a volume already placed is only re-sent to its
     * backend, a volume no longer {@code creating} is left alone.
     *
     * @return the messages to try again later: creates for which no backend is up yet
     */
    public List<RpcMessage> createVolumes(List<RpcMessage> requests) {
        Map<String, RpcMessage> byVolume = new LinkedHashMap<>();
        for (RpcMessage request : requests) {
            String id = VolumeObjects.id(request.args().get("volume"));
            if (id != null) {
                byVolume.putIfAbsent(id, request);
            }
        }
        Map<String, Volume> found = volumes.findManyWithoutMetadata(byVolume.keySet());
        List<Volume> toPlace = new ArrayList<>();
        for (String id : byVolume.keySet()) {
            Volume volume = found.get(id);
            if (volume == null || !VolumeStatus.CREATING.equals(volume.status())) {
                LOG.debug("volume {} is gone or no longer creating; nothing to schedule", id);
            } else if (volume.host() != null) {
                volumeRpc.createVolume(byVolume.get(id).context(), volume);
            } else {
                toPlace.add(volume);
            }
        }
        if (toPlace.isEmpty()) {
            return List.of();
        }
        Instant now = Timestamps.now();
        List<BackendState> observed = hosts.backends(now);
        Batch batch = place(toPlace, observed, byVolume, now);
        for (Volume placed : batch.placed()) {
            RequestContext context = byVolume.get(placed.id()).context();
            CurrentContext.run(context, () -> {
                LOG.info("volume {} ({} GiB) placed on {}", placed.id(), placed.size(), placed.host());
                volumeRpc.createVolume(context, placed);
            });
        }
        return batch.requeue();
    }

    /**
     * Cinder's scheduler {@code extend_volume}: claims the growth in the volume's own pool if it fits (the
     * capacity filter for the difference), then tells the backend to grow it; if it does not fit, the volume
     * goes back to its previous status with a user message. Idempotent: a growth claimed already is only
     * re-sent to the backend.
     *
     * @return whether to try again later (the volume's backend looks down, not for long yet)
     */
    public boolean extendVolume(RequestContext context, String volumeId) {
        Volume volume = volumes.findWithoutMetadata(volumeId).orElse(null);
        if (volume == null || !VolumeStatus.EXTENDING.equals(volume.status()) || volume.extendSize() == null
                || volume.host() == null) {
            LOG.debug("volume {} is not extending; nothing to schedule", volumeId);
            return false;
        }
        if (volume.extendClaimed()) {
            volumeRpc.extendVolume(context, volume, volume.extendSize());
            return false;
        }
        Instant now = Timestamps.now();
        BackendState state = hosts.backends(now).stream().filter(b -> b.pool().equals(volume.host())).findFirst().orElse(null);
        if (state != null && !state.active()
                && Duration.between(firstSeenWaiting(volumeId, now), now).compareTo(patience) < 0) {
            return true;
        }
        waitingSince.remove(volumeId);
        Map<String, String> extraSpecs = types.byId(volume.volumeTypeId()).map(VolumeType::extraSpecs).orElse(Map.of());
        RequestSpec spec = new RequestSpec(volumeId, volume.extendSize() - volume.size(), volume.availabilityZone(),
                extraSpecs, volume.host());
        boolean fits = state != null && state.active() && filters.stream().allMatch(f -> f.passes(state, spec));
        if (fits) {
            long limit = (long) Math.floor(Math.min(CapacityMath.claimLimitGb(state, spec.thin()), Long.MAX_VALUE / 2.0));
            fits = pools.claimGrowth(volumeId, volume.host(), limit, now);
        }
        if (!fits) {
            CurrentContext.run(context, () -> LOG.warn("no room to extend volume {} from {} to {} GiB on {}", volumeId,
                    volume.size(), volume.extendSize(), volume.host()));
            tx.run(() -> {
                Map<String, Object> back = new LinkedHashMap<>();
                back.put("extend_size", null);
                back.put("extend_claimed", false);
                String previous = volume.previousStatus() != null ? volume.previousStatus() : VolumeStatus.AVAILABLE;
                if (volumes.transition(volumeId, Set.of(VolumeStatus.EXTENDING), previous, back)) {
                    quotas.cancel(volume.projectId(), quotas.growthOf(volume));
                    messages.volumeError(context, volume.projectId(), volumeId, UserMessage.Action.EXTEND_VOLUME,
                            UserMessage.Detail.NO_BACKEND_AVAILABLE);
                }
            });
            return false;
        }
        Volume claimed = volumes.findWithoutMetadata(volumeId).orElse(volume);
        CurrentContext.run(context, () -> LOG.info("growth of volume {} to {} GiB claimed on {}", volumeId,
                claimed.extendSize(), claimed.host()));
        volumeRpc.extendVolume(context, claimed, claimed.extendSize());
        return false;
    }

    /**
     * Cinder's scheduler {@code retype} ({@code find_retype_backend}) without migration: the volume's own pool must
     * pass the filters for the new type (capacity is not asked again: the volume is already there); then its
     * backend is told to retype it. A pool that does not suit the type ends the retype: the volume goes back to its
     * previous status and keeps its type, as Cinder does with {@code migration_policy=never}.
     *
     * @return whether to try again later (the volume's backend looks down, not for long yet)
     */
    public boolean retype(RequestContext context, String volumeId) {
        Volume volume = volumes.findWithoutMetadata(volumeId).orElse(null);
        if (volume == null || !VolumeStatus.RETYPING.equals(volume.status()) || volume.retypeTypeId() == null
                || volume.host() == null) {
            LOG.debug("volume {} is not retyping; nothing to schedule", volumeId);
            return false;
        }
        Instant now = Timestamps.now();
        BackendState state = hosts.backends(now).stream().filter(b -> b.pool().equals(volume.host())).findFirst().orElse(null);
        if (state != null && !state.active()
                && Duration.between(firstSeenWaiting(volumeId, now), now).compareTo(patience) < 0) {
            return true;
        }
        waitingSince.remove(volumeId);
        VolumeType type = types.byId(volume.retypeTypeId()).orElse(null);
        RequestSpec spec = new RequestSpec(volumeId, 0, volume.availabilityZone(),
                type == null ? Map.of() : type.extraSpecs(), volume.host());
        boolean suits = type != null && state != null && state.active() && filters.stream().allMatch(f -> f.passes(state, spec));
        if (!suits) {
            if (retypes.abandon(volume)) {
                CurrentContext.run(context, () -> LOG.warn("Current backend not valid for volume {} with type {}, "
                        + "migration not allowed; the volume keeps its type", volumeId, volume.retypeTypeId()));
            }
            return false;
        }
        volumeRpc.retype(context, volume, volume.retypeTypeId(), volume.retypePolicy());
        return false;
    }

    private record Batch(List<Volume> placed, List<RpcMessage> requeue) {
    }

    /**
     * A claim and a host for every volume that fits, each one atomic; an error and a user message for
     * every one that does not.
     */
    private Batch place(List<Volume> toPlace, List<BackendState> observed, Map<String, RpcMessage> byVolume,
            Instant now) {
        List<BackendState> states = new ArrayList<>(observed);
        List<Volume> placed = new ArrayList<>();
        List<RpcMessage> requeue = new ArrayList<>();
        for (Volume volume : toPlace) {
            Map<String, String> extraSpecs = types.byId(volume.volumeTypeId()).map(VolumeType::extraSpecs).orElse(Map.of());
            RequestSpec spec = new RequestSpec(volume.id(), volume.size(), volume.availabilityZone(), extraSpecs,
                    resourceBackend(volume));
            List<BackendState> candidates = new ArrayList<>();
            StringJoiner rejected = new StringJoiner("; ");
            for (BackendState state : states) {
                String failed = firstFailingFilter(state, spec);
                if (failed == null) {
                    candidates.add(state);
                } else {
                    rejected.add(state.pool() + ": " + failed);
                }
            }
            Outcome outcome = Outcome.NO_ROOM;
            for (BackendState chosen : Weigher.order(candidates, weighers, spec)) {
                long limit = (long) Math.floor(Math.min(CapacityMath.claimLimitGb(chosen, spec.thin()), Long.MAX_VALUE / 2.0));
                if (pools.claimAndPlace(chosen.pool(), volume.size(), limit, volume.id(), chosen.availabilityZone(), now)) {
                    placed.add(volume.placedOn(chosen.pool(), chosen.availabilityZone(), now));
                    states.set(states.indexOf(chosen), chosen.withClaim(volume.size()));
                    outcome = Outcome.DONE;
                    break;
                }
                if (!stillWaiting(volume.id())) {
                    LOG.debug("volume {} was placed or deleted meanwhile", volume.id());
                    outcome = Outcome.DONE;
                    break;
                }
                rejected.add(chosen.pool() + ": no capacity left to claim");
            }
            if (outcome == Outcome.DONE) {
                waitingSince.remove(volume.id());
                continue;
            }
            if (states.stream().noneMatch(BackendState::active)
                    && Duration.between(firstSeenWaiting(volume.id(), now), now).compareTo(patience) < 0) {
                // Every backend looks down: right after a database or broker outage heartbeats are briefly
                // stale everywhere. Wait for them rather than fail a create that would succeed a second later.
                requeue.add(byVolume.get(volume.id()));
                continue;
            }
            waitingSince.remove(volume.id());
            noValidBackend(byVolume.get(volume.id()).context(), volume,
                    states.isEmpty() ? "no volume service has reported any pool" : rejected.toString());
        }
        return new Batch(placed, requeue);
    }

    private enum Outcome { DONE, NO_ROOM }

    private Instant firstSeenWaiting(String volumeId, Instant now) {
        if (waitingSince.size() > 10_000) {
            // Entries of volumes another scheduler finished; forget those far older than any patience.
            waitingSince.values().removeIf(since -> Duration.between(since, now).compareTo(patience.multipliedBy(4)) > 0);
        }
        return waitingSince.computeIfAbsent(volumeId, id -> now);
    }

    /** Whether the volume still waits for a host (after a placement that did not happen). */
    private boolean stillWaiting(String volumeId) {
        return volumes.findWithoutMetadata(volumeId)
                .filter(v -> VolumeStatus.CREATING.equals(v.status()) && v.host() == null).isPresent();
    }

    /**
     * The pool a volume made from a snapshot or a volume must go to: its source's (Cinder's
     * {@code resource_backend}, with {@code snapshot_same_host} on); for a volume of a group, the group's. Null for
     * a new empty volume.
     */
    private String resourceBackend(Volume volume) {
        if (volume.groupId() != null) {
            // A volume of a group goes where its group is (Cinder's group_backend).
            return groups.find(volume.groupId()).map(dev.ember.common.group.Group::host)
                    .orElse("(the group " + volume.groupId() + " is gone or not placed)");
        }
        String sourceId = volume.sourceVolid();
        if (sourceId == null && volume.snapshotId() != null) {
            sourceId = snapshots.findMany(List.of(volume.snapshotId())).stream().findFirst()
                    .map(dev.ember.common.snapshot.Snapshot::volumeId).orElse(null);
            if (sourceId == null) {
                return "(the snapshot " + volume.snapshotId() + " is gone)";
            }
        }
        if (sourceId == null) {
            return null;
        }
        String source = sourceId;
        return volumes.findWithoutMetadata(sourceId).map(Volume::host).orElse("(the volume " + source + " is gone)");
    }

    private String firstFailingFilter(BackendState state, RequestSpec spec) {
        if (spec.resourceBackend() != null && !spec.resourceBackend().equals(state.pool())) {
            return "not the pool of the source (" + spec.resourceBackend() + ")";
        }
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

    /** The volume goes to {@code error} with a user message saying why, both or neither. */
    private void noValidBackend(RequestContext context, Volume volume, String reasons) {
        CurrentContext.run(context, () -> LOG.warn("No valid backend was found for volume {} ({} GiB, zone {}): {}",
                volume.id(), volume.size(), volume.availabilityZone(), reasons));
        tx.run(() -> {
            if (volumes.transition(volume.id(), Set.of(VolumeStatus.CREATING), VolumeStatus.ERROR, Map.of(),
                    VolumeRepository.Guard.NO_HOST)) {
                messages.volumeError(context, volume.projectId(), volume.id(),
                        UserMessage.Action.SCHEDULE_ALLOCATE_VOLUME, UserMessage.Detail.NO_BACKEND_AVAILABLE);
            }
        });
    }

    private static tools.jackson.databind.node.ObjectNode volumeArgument(String volumeId) {
        tools.jackson.databind.node.ObjectNode args = dev.ember.common.json.Json.object();
        args.put("volume", volumeId);
        return args;
    }
}
