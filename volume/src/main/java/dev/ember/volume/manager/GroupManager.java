package dev.ember.volume.manager;

import dev.ember.common.context.RequestContext;
import dev.ember.common.db.Tx;
import dev.ember.common.group.Group;
import dev.ember.common.group.GroupRepository;
import dev.ember.common.group.GroupSnapshot;
import dev.ember.common.group.GroupStatus;
import dev.ember.common.quota.Quotas;
import dev.ember.common.rpc.Retriable;
import dev.ember.common.snapshot.SnapshotRepository;
import dev.ember.common.snapshot.SnapshotStatus;
import dev.ember.common.volume.VolumeRepository;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generic volume groups on one backend (Cinder's {@code _create_group_generic}, {@code _delete_group_generic},
 * {@code _create_group_snapshot_generic}, {@code _delete_group_snapshot_generic}): no driver Ember has knows
 * groups, so a group is only a row and its work is done volume by volume and snapshot by snapshot, through the
 * same code paths single volumes and snapshots take.
 */
final class GroupManager {

    private static final Logger LOG = LoggerFactory.getLogger(GroupManager.class);

    private final String backend;
    private final GroupRepository groups;
    private final VolumeRepository volumes;
    private final SnapshotRepository snapshots;
    private final VolumeManager volumeManager;
    private final SnapshotManager snapshotManager;
    private final Quotas quotas;
    private final Tx tx;

    GroupManager(String backend, GroupRepository groups, VolumeRepository volumes, SnapshotRepository snapshots,
            VolumeManager volumeManager, SnapshotManager snapshotManager, Quotas quotas, Tx tx) {
        this.backend = backend;
        this.groups = groups;
        this.volumes = volumes;
        this.snapshots = snapshots;
        this.volumeManager = volumeManager;
        this.snapshotManager = snapshotManager;
        this.quotas = quotas;
        this.tx = tx;
    }

    /** {@code create_group}: a group placed here is ready at once. */
    void createGroup(String groupId) {
        Group group = owned(groupId);
        if (group != null && groups.transition(groupId, Set.of(GroupStatus.CREATING), GroupStatus.AVAILABLE, Map.of())) {
            LOG.info("group {} created on {}", groupId, group.host());
        }
    }

    /**
     * {@code delete_group}: deletes the group's volumes the API moved to {@code deleting}, then the group (and its
     * quota) once it has no volume left; a volume the driver could not delete leaves the group in {@code error}.
     *
     * @throws Retriable.RetryLaterException when the storage is unreachable
     */
    void deleteGroup(String groupId, RequestContext context) {
        Group group = owned(groupId);
        if (group == null || !GroupStatus.DELETING.equals(group.status())) {
            return;
        }
        List<VolumeManager.Request> requests = groups.volumeIds(groupId).stream()
                .map(id -> new VolumeManager.Request(id, context)).toList();
        if (!volumeManager.deleteVolumes(requests).isEmpty()) {
            throw new Retriable.RetryLaterException("the storage is unreachable", null);
        }
        tx.run(() -> {
            if (!groups.volumeIds(groupId).isEmpty()) {
                groups.transition(groupId, Set.of(GroupStatus.DELETING), GroupStatus.ERROR, Map.of());
                LOG.error("group {} could not be deleted: some of its volumes could not be", groupId);
            } else if (groups.markDeleted(groupId, Set.of(GroupStatus.DELETING))) {
                quotas.release(group.projectId(), quotas.ofGroup());
                LOG.info("group {} deleted from {}", groupId, group.host());
            }
        });
    }

    /**
     * {@code create_group_snapshot}: takes the snapshots whose rows the API made, then marks the group snapshot
     * {@code available}, or {@code error} if any of them failed.
     */
    void createGroupSnapshot(String groupSnapshotId, RequestContext context) {
        GroupSnapshot groupSnapshot = groups.findSnapshot(groupSnapshotId).orElse(null);
        if (groupSnapshot == null || !GroupStatus.CREATING.equals(groupSnapshot.status())) {
            return;
        }
        List<String> ids = groups.snapshotIds(groupSnapshotId);
        List<SnapshotManager.Request> requests = ids.stream().map(id -> new SnapshotManager.Request(id, context)).toList();
        if (!snapshotManager.createSnapshots(requests).isEmpty()) {
            throw new Retriable.RetryLaterException("the storage is unreachable", null);
        }
        boolean allAvailable = snapshots.findMany(ids).stream().allMatch(s -> SnapshotStatus.AVAILABLE.equals(s.status()));
        String to = allAvailable ? GroupStatus.AVAILABLE : GroupStatus.ERROR;
        groups.transitionSnapshot(groupSnapshotId, Set.of(GroupStatus.CREATING), to);
        LOG.info("group snapshot {} of group {}: {}", groupSnapshotId, groupSnapshot.groupId(), to);
    }

    /** {@code delete_group_snapshot}: deletes its snapshots, then itself; a failure leaves it {@code error_deleting}. */
    void deleteGroupSnapshot(String groupSnapshotId, RequestContext context) {
        GroupSnapshot groupSnapshot = groups.findSnapshot(groupSnapshotId).orElse(null);
        if (groupSnapshot == null || !GroupStatus.DELETING.equals(groupSnapshot.status())) {
            return;
        }
        List<SnapshotManager.Request> requests = groups.snapshotIds(groupSnapshotId).stream()
                .map(id -> new SnapshotManager.Request(id, context)).toList();
        if (!snapshotManager.deleteSnapshots(requests).isEmpty()) {
            throw new Retriable.RetryLaterException("the storage is unreachable", null);
        }
        if (groups.snapshotIds(groupSnapshotId).isEmpty()) {
            groups.markSnapshotDeleted(groupSnapshotId, Set.of(GroupStatus.DELETING));
            LOG.info("group snapshot {} deleted", groupSnapshotId);
        } else {
            groups.transitionSnapshot(groupSnapshotId, Set.of(GroupStatus.DELETING), GroupStatus.ERROR_DELETING);
        }
    }

    /**
     * After volumes were created here: a group made from a source whose volumes are all done becomes
     * {@code available} (or {@code error}), Cinder's {@code create_group_from_src} outcome.
     */
    void volumesCreated(Collection<String> groupIds) {
        for (String groupId : groupIds) {
            if (groups.finishCreationFromSource(groupId)) {
                LOG.info("group {} made from its source: {}", groupId,
                        groups.find(groupId).map(Group::status).orElse(GroupStatus.DELETED));
            }
        }
    }

    /** The group if it lives on this backend. */
    private Group owned(String groupId) {
        Group group = groupId == null ? null : groups.find(groupId).orElse(null);
        if (group == null || !backend.equals(group.backend())) {
            LOG.debug("group {} is gone or not on {}", groupId, backend);
            return null;
        }
        return group;
    }
}
