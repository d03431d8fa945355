package dev.ember.scheduler;

import dev.ember.common.context.CurrentContext;
import dev.ember.common.context.RequestContext;
import dev.ember.common.db.Timestamps;
import dev.ember.common.group.Group;
import dev.ember.common.group.GroupRepository;
import dev.ember.common.group.GroupSnapshot;
import dev.ember.common.group.GroupStatus;
import dev.ember.common.rpc.VolumeRpc;
import dev.ember.common.type.VolumeType;
import dev.ember.common.type.VolumeTypeCache;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Places new groups (Cinder's {@code schedule_create_group} for generic groups): one pool that passes the filters
 * for every volume type of the group, the best of them by the weighers for the first type. The group's volumes are
 * then placed in that pool ({@link SchedulerManager} treats a group's pool as their {@code resource_backend}).
 * Nothing is claimed for the group itself: it holds no capacity, its volumes do.
 *
 * <p>It also re-drives groups and group snapshots whose message seems lost ({@link #redrive}), as the volume
 * re-drive does for volumes: every handler on both sides is idempotent.
 */
public final class GroupScheduler {

    private static final Logger LOG = LoggerFactory.getLogger(GroupScheduler.class);

    private final HostManager hosts;
    private final List<BackendFilter> filters;
    private final List<Weigher> weighers;
    private final VolumeTypeCache types;
    private final GroupRepository groups;
    private final VolumeRpc volumeRpc;
    private final Duration patience;

    /** @param patience how long a group waits for some backend to be up before failing */
    public GroupScheduler(HostManager hosts, List<BackendFilter> filters, List<Weigher> weighers, VolumeTypeCache types,
            GroupRepository groups, VolumeRpc volumeRpc, Duration patience) {
        this.hosts = hosts;
        this.filters = List.copyOf(filters);
        this.weighers = List.copyOf(weighers);
        this.types = types;
        this.groups = groups;
        this.volumeRpc = volumeRpc;
        this.patience = patience;
    }

    /**
     * One re-drive pass over groups and group snapshots that made no progress for {@code idle}: a creating group
     * without a pool is placed again, one with a pool is sent to its backend again (or, made from a source, is
     * finished if its volumes are done); deleting groups and creating or deleting group snapshots are sent to
     * their group's backend again. Each is claimed first, so of several schedulers one re-drives it.
     */
    public void redrive(Duration idle) {
        Instant now = Timestamps.now();
        Instant before = now.minus(idle);
        RequestContext context = RequestContext.internal();
        for (Group group : groups.findStale(List.of(GroupStatus.CREATING, GroupStatus.DELETING), before, 100)) {
            if (!groups.claimStale(group.id(), group.status(), before, now)) {
                continue;
            }
            CurrentContext.run(context, () -> {
                LOG.info("re-driving group {} ({})", group.id(), group.status());
                if (GroupStatus.DELETING.equals(group.status())) {
                    volumeRpc.deleteGroup(context, group);
                } else if (group.groupSnapshotId() != null || group.sourceGroupId() != null) {
                    groups.finishCreationFromSource(group.id());
                } else if (createGroup(context, group.id())) {
                    LOG.debug("group {} still waits for a backend", group.id());
                }
            });
        }
        for (GroupSnapshot snapshot : groups.findStaleSnapshots(List.of(GroupStatus.CREATING, GroupStatus.DELETING),
                before, 100)) {
            Group group = groups.find(snapshot.groupId()).orElse(null);
            if (group == null || group.host() == null
                    || !groups.claimStaleSnapshot(snapshot.id(), snapshot.status(), before, now)) {
                continue;
            }
            CurrentContext.run(context, () -> {
                LOG.info("re-driving group snapshot {} ({})", snapshot.id(), snapshot.status());
                if (GroupStatus.CREATING.equals(snapshot.status())) {
                    volumeRpc.createGroupSnapshot(context, group, snapshot);
                } else {
                    volumeRpc.deleteGroupSnapshot(context, group, snapshot);
                }
            });
        }
    }

    /**
     * Handles {@code create_group}. Idempotent: a group already placed is only re-sent to its backend, one no longer
     * {@code creating} is left alone; a group no pool suits goes to {@code error}.
     *
     * @return whether to try again later (no backend is up yet, not for long)
     */
    public boolean createGroup(RequestContext context, String groupId) {
        Group group = groups.find(groupId).orElse(null);
        if (group == null || !GroupStatus.CREATING.equals(group.status())) {
            LOG.debug("group {} is gone or no longer creating; nothing to schedule", groupId);
            return false;
        }
        if (group.host() != null) {
            volumeRpc.createGroup(context, group);
            return false;
        }
        Instant now = Timestamps.now();
        List<BackendState> states = hosts.backends(now);
        List<RequestSpec> specs = new ArrayList<>();
        for (String typeId : group.volumeTypeIds()) {
            Map<String, String> extraSpecs = types.byId(typeId).map(VolumeType::extraSpecs).orElse(Map.of());
            specs.add(new RequestSpec(group.id(), 0, group.availabilityZone(), extraSpecs));
        }
        List<BackendState> candidates = states.stream()
                .filter(BackendState::active)
                .filter(state -> specs.stream().allMatch(spec -> filters.stream().allMatch(f -> f.passes(state, spec))))
                .toList();
        if (candidates.isEmpty()) {
            if (states.stream().noneMatch(BackendState::active)
                    && Duration.between(group.createdAt(), now).compareTo(patience) < 0) {
                return true;
            }
            CurrentContext.run(context, () -> LOG.warn("No valid backend was found for group {} (types {})", groupId,
                    group.volumeTypeIds()));
            groups.transition(groupId, Set.of(GroupStatus.CREATING), GroupStatus.ERROR, Map.of());
            return false;
        }
        BackendState chosen = Weigher.order(candidates, weighers, specs.get(0)).get(0);
        if (!groups.place(groupId, chosen.pool(), chosen.availabilityZone())) {
            LOG.debug("group {} was placed or deleted meanwhile", groupId);
            return false;
        }
        Group placed = groups.find(groupId).orElse(null);
        if (placed != null) {
            CurrentContext.run(context, () -> LOG.info("group {} placed on {}", groupId, placed.host()));
            volumeRpc.createGroup(context, placed);
        }
        return false;
    }
}
