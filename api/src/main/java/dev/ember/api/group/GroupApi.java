package dev.ember.api.group;

import dev.ember.api.http.ApiException;
import dev.ember.api.validation.PythonRepr;
import dev.ember.api.volume.VolumeApi;
import dev.ember.common.context.RequestContext;
import dev.ember.common.db.Timestamps;
import dev.ember.common.db.Tx;
import dev.ember.common.group.Group;
import dev.ember.common.group.GroupRepository;
import dev.ember.common.group.GroupSnapshot;
import dev.ember.common.group.GroupStatus;
import dev.ember.common.group.GroupType;
import dev.ember.common.group.GroupTypeRepository;
import dev.ember.common.quota.Quotas;
import dev.ember.common.rpc.BusUnavailableException;
import dev.ember.common.rpc.SchedulerRpc;
import dev.ember.common.rpc.VolumeRpc;
import dev.ember.common.snapshot.Snapshot;
import dev.ember.common.snapshot.SnapshotRepository;
import dev.ember.common.snapshot.SnapshotStatus;
import dev.ember.common.type.VolumeType;
import dev.ember.common.type.VolumeTypeCache;
import dev.ember.common.type.VolumeTypeRepository;
import dev.ember.common.volume.Volume;
import dev.ember.common.volume.VolumeRepository;
import dev.ember.common.volume.VolumeStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API side of generic volume groups and group snapshots (Cinder's {@code cinder/group/api.py}): checks, rows
 * and quota in one transaction, then the cast. A new group is placed by a scheduler on one pool; volumes created in
 * it, and the volumes of a group made from a source, are placed in that pool. Adding and removing volumes needs no
 * driver (generic groups), so it is done here, each volume a compare-and-swap.
 */
public final class GroupApi {

    private static final Logger LOG = LoggerFactory.getLogger(GroupApi.class);
    /** Cinder's {@code VALID_ADD_VOL_TO_GROUP_STATUS}. */
    private static final List<String> VALID_ADD = List.of(VolumeStatus.AVAILABLE, VolumeStatus.IN_USE);
    /** Cinder's {@code VALID_REMOVE_VOL_FROM_GROUP_STATUS}. */
    private static final List<String> VALID_REMOVE = List.of(VolumeStatus.AVAILABLE, VolumeStatus.IN_USE,
            VolumeStatus.ERROR, "error_deleting");
    private static final Set<String> ANY_SNAPSHOT_STATUS = Set.of(SnapshotStatus.ERROR, SnapshotStatus.AVAILABLE,
            SnapshotStatus.CREATING, SnapshotStatus.DELETING, SnapshotStatus.UPDATING, SnapshotStatus.ERROR_DELETING,
            SnapshotStatus.BACKING_UP, SnapshotStatus.RESTORING, SnapshotStatus.UNMANAGING);

    private final GroupRepository groups;
    private final GroupTypeRepository groupTypes;
    private final VolumeApi volumeApi;
    private final VolumeRepository volumes;
    private final SnapshotRepository snapshots;
    private final VolumeTypeCache volumeTypes;
    private final SchedulerRpc schedulerRpc;
    private final VolumeRpc volumeRpc;
    private final Quotas quotas;
    private final Tx tx;

    public GroupApi(GroupRepository groups, GroupTypeRepository groupTypes, VolumeApi volumeApi, VolumeRepository volumes,
            SnapshotRepository snapshots, VolumeTypeCache volumeTypes, SchedulerRpc schedulerRpc, VolumeRpc volumeRpc,
            Quotas quotas, Tx tx) {
        this.groups = groups;
        this.groupTypes = groupTypes;
        this.volumeApi = volumeApi;
        this.volumes = volumes;
        this.snapshots = snapshots;
        this.volumeTypes = volumeTypes;
        this.schedulerRpc = schedulerRpc;
        this.volumeRpc = volumeRpc;
        this.quotas = quotas;
        this.tx = tx;
    }

    // ----- groups --------------------------------------------------------------------------------

    /** A live group the caller may see. */
    public Group get(RequestContext context, String id) {
        return groups.find(id).filter(g -> context.isAdmin() || g.projectId().equals(context.projectId()))
                .orElseThrow(() -> groupNotFound(id));
    }

    /** Cinder's group type lookup: by id, else by name (a uuid-like name too). */
    public GroupType groupType(String nameOrId) {
        if (VolumeTypeRepository.looksLikeUuid(nameOrId)) {
            return groupTypes.find(nameOrId).or(() -> groupTypes.findByName(nameOrId))
                    .orElseThrow(() -> ApiException.notFound("Group type " + nameOrId + " could not be found."));
        }
        return groupTypes.findByName(nameOrId).orElseThrow(() -> ApiException.notFound("Group type with name "
                + nameOrId + " could not be found."));
    }

    /** Groups of the migrated consistency-group type answer only to the consistency-group API, which is gone. */
    public void checkNotCgsnapshotType(String groupTypeId) {
        if (groupTypeId != null && groupTypes.find(groupTypeId)
                .filter(t -> GroupType.DEFAULT_CGSNAPSHOT_TYPE.equals(t.name())).isPresent()) {
            throw ApiException.badRequest("Group_type " + groupTypeId + " is reserved for migrating CGs to groups. "
                    + "Migrated group can only be operated by CG APIs.");
        }
    }

    public boolean isCgsnapshotType(String groupTypeId) {
        return groupTypes.find(groupTypeId).filter(t -> GroupType.DEFAULT_CGSNAPSHOT_TYPE.equals(t.name())).isPresent();
    }

    /** Cinder's {@code create}: the row and its {@code groups} quota, then a scheduler places it. */
    public Group create(RequestContext context, String name, String description, GroupType type,
            List<String> volumeTypeRefs, String availabilityZone) {
        List<String> typeIds = new ArrayList<>();
        for (String ref : volumeTypeRefs) {
            VolumeType volumeType = volumeTypes.byNameOrId(ref).orElseThrow(() -> ApiException.notFound(
                    VolumeTypeRepository.looksLikeUuid(ref) ? "Volume type " + ref + " could not be found."
                            : "Volume type with name " + ref + " could not be found."));
            typeIds.add(volumeType.id());
        }
        String zone = volumeApi.availabilityZone(availabilityZone);
        Group group = new Group(UUID.randomUUID().toString(), context.userId(), context.projectId(), null, zone, name,
                description, type.id(), GroupStatus.CREATING, null, null, "disabled", typeIds, Timestamps.now());
        tx.run(() -> {
            quotas.consume(group.projectId(), quotas.ofGroup());
            groups.insert(group);
        });
        try {
            schedulerRpc.createGroup(context, group);
        } catch (BusUnavailableException e) {
            LOG.warn("group {} accepted but its create message was not sent ({})", group.id(), e.getMessage());
        }
        return group;
    }

    /**
     * Cinder's {@code create_from_src}: a new group of the source's type in the source's pool, with one new volume
     * per snapshot of the group snapshot (or per volume of the source group), each made from it. The volumes are
     * placed by a scheduler in that pool like any volume; the group becomes available when they all are.
     */
    public Group createFromSource(RequestContext context, String name, String description, String groupSnapshotId,
            String sourceGroupId) {
        GroupSnapshot groupSnapshot = groupSnapshotId == null ? null : getSnapshot(context, groupSnapshotId);
        Group source = groupSnapshot != null ? get(context, groupSnapshot.groupId()) : get(context, sourceGroupId);
        checkNotCgsnapshotType(source.groupTypeId());
        List<Snapshot> fromSnapshots = groupSnapshot == null ? List.of()
                : snapshots.findMany(groups.snapshotIds(groupSnapshot.id()));
        List<Volume> fromVolumes = groupSnapshot != null ? List.of()
                : List.copyOf(volumes.findManyWithoutMetadata(groups.volumeIds(source.id())).values());
        if (groupSnapshot != null && fromSnapshots.isEmpty()) {
            throw invalidGroup("Group snapshot is empty. No group will be created.");
        }
        if (groupSnapshot == null && fromVolumes.isEmpty()) {
            throw invalidGroup("Source Group is empty. No group will be created.");
        }
        if (source.host() == null) {
            throw invalidGroup("No valid host to create group " + source.id() + ".");
        }
        for (Snapshot s : fromSnapshots) {
            if (!SnapshotStatus.AVAILABLE.equals(s.status())) {
                throw ApiException.badRequest("Invalid snapshot: Originating snapshot status must be one of 'available' "
                        + "values");
            }
        }
        for (Volume v : fromVolumes) {
            if (!VALID_ADD.contains(v.status())) {
                throw ApiException.invalidVolume("Originating source volume status must be one of 'available, in-use' "
                        + "values");
            }
        }
        Instant now = Timestamps.now();
        Set<String> typeIds = new LinkedHashSet<>(source.volumeTypeIds());
        Group group = new Group(UUID.randomUUID().toString(), context.userId(), context.projectId(), source.host(),
                source.availabilityZone(), name, description, source.groupTypeId(), GroupStatus.CREATING,
                groupSnapshotId, groupSnapshot == null ? sourceGroupId : null, "disabled", List.copyOf(typeIds), now);
        List<Volume> made = new ArrayList<>();
        for (Snapshot s : fromSnapshots) {
            made.add(newVolume(context, group, s.volumeSize(), s.volumeTypeId(), s.id(), null, now));
        }
        for (Volume v : fromVolumes) {
            made.add(newVolume(context, group, v.size(), v.volumeTypeId(), null, v.id(), now));
        }
        tx.run(() -> {
            quotas.consume(group.projectId(), quotas.ofGroup());
            groups.insert(group);
            for (Volume v : made) {
                quotas.consume(v.projectId(), quotas.of(v));
                volumes.insert(v);
            }
        });
        for (Volume v : made) {
            try {
                schedulerRpc.createVolume(context, v);
            } catch (BusUnavailableException e) {
                LOG.warn("volume {} of group {} accepted but its create message was not sent ({}); the re-drive will "
                        + "place it", v.id(), group.id(), e.getMessage());
            }
        }
        return group;
    }

    private Volume newVolume(RequestContext context, Group group, int size, String typeId, String snapshotId,
            String sourceVolid, Instant now) {
        VolumeType type = volumeTypes.byId(typeId).orElseThrow(() -> ApiException.notFound("Volume type " + typeId
                + " could not be found."));
        return new Volume(UUID.randomUUID().toString(), context.userId(), context.projectId(), null, null, size,
                group.availabilityZone(), VolumeStatus.CREATING, VolumeStatus.DETACHED, null, null, null, null, null,
                null, null, null, null, null, type.id(), type.name(), snapshotId, sourceVolid, null, null, group.id(),
                false, type.multiattach(), null, null, true, true, now, null, false, Map.of(), Map.of(), null, false,
                null, null);
    }

    /**
     * Cinder's {@code delete}: a group never placed goes at once; otherwise it must be available or error (any
     * status with {@code delete-volumes}), have no group snapshot, and its volumes (only with
     * {@code delete-volumes}) must be detached and without snapshots; they go to deleting with it and its backend
     * deletes them.
     */
    public void delete(RequestContext context, String id, boolean deleteVolumes) {
        Group group = get(context, id);
        checkNotCgsnapshotType(group.groupTypeId());
        if (group.host() == null) {
            tx.run(() -> {
                if (groups.markDeleted(id, Set.of())) {
                    quotas.release(group.projectId(), quotas.ofGroup());
                }
            });
            return;
        }
        if (!deleteVolumes && !Set.of(GroupStatus.AVAILABLE, GroupStatus.ERROR).contains(group.status())) {
            throw invalidGroup("Group status must be available or error, but current status is: " + group.status());
        }
        if (groups.hasSnapshots(id)) {
            throw invalidGroup("Group has existing snapshots.");
        }
        List<String> volumeIds = groups.volumeIds(id);
        if (!volumeIds.isEmpty() && !deleteVolumes) {
            throw invalidGroup("Group " + id + " still contains volumes. The delete-volumes flag is required to delete it.");
        }
        Map<String, Volume> members = volumes.findManyWithoutMetadata(volumeIds);
        for (Volume v : members.values()) {
            if ("attached".equals(v.attachStatus())) {
                throw invalidGroup("Volume in group " + id + " is attached. Need to detach first.");
            }
            if (!snapshots.ofVolume(v.id()).isEmpty()) {
                throw invalidGroup("Volume in group still has dependent snapshots.");
            }
        }
        Set<String> from = deleteVolumes ? Set.of() : Set.of(GroupStatus.AVAILABLE, GroupStatus.ERROR);
        tx.run(() -> {
            if (!groups.lock(id) || !groups.transitionUnlessSource(id, from, GroupStatus.DELETING)) {
                String reason = deleteVolumes
                        ? "Group status must be available or error and must not have dependent group snapshots"
                        : "Group must not have attached volumes, volumes with snapshots, or dependent group snapshots";
                throw invalidGroup("Cannot delete group " + id + ". " + reason + ", and it cannot be the source for an "
                        + "ongoing group or group snapshot creation.");
            }
            for (Volume v : members.values()) {
                if (!volumes.transition(v.id(), Set.of(v.status()), VolumeStatus.DELETING, Map.of(),
                        VolumeRepository.Guard.NOT_ATTACHED, VolumeRepository.Guard.NO_SNAPSHOTS)) {
                    throw invalidGroup("Volume in group " + id + " changed meanwhile; try again.");
                }
            }
        });
        Group deleting = groups.find(id).orElse(group);
        try {
            volumeRpc.deleteGroup(context, deleting);
        } catch (BusUnavailableException e) {
            LOG.warn("group {} is deleting but its message was not sent ({})", id, e.getMessage());
        }
    }

    /**
     * Cinder's {@code update}: renames, re-describes, and adds or removes volumes (comma-separated ids). Volumes
     * added must be the group's project's, of one of its types, available or in use, in no other group and in the
     * group's pool.
     */
    public void update(RequestContext context, String id, String name, String description, String addVolumes,
            String removeVolumes) {
        Group group = get(context, id);
        checkNotCgsnapshotType(group.groupTypeId());
        String newName = name != null && name.equals(group.name()) ? null : name;
        String newDescription = description != null && description.equals(group.description()) ? null : description;
        List<String> add = split(addVolumes);
        List<String> remove = split(removeVolumes);
        List<String> both = add.stream().filter(remove::contains).toList();
        if (!both.isEmpty()) {
            throw ApiException.invalidVolume("UUIDs " + PythonRepr.list(both) + " are in both add and remove volume list.");
        }
        List<String> current = groups.volumeIds(id);
        Map<String, Volume> members = volumes.findManyWithoutMetadata(current);
        List<String> toRemove = new ArrayList<>();
        for (String volumeId : current) {
            if (remove.contains(volumeId)) {
                Volume v = members.get(volumeId);
                if (!VALID_REMOVE.contains(v.status())) {
                    throw ApiException.invalidVolume("Cannot remove volume " + volumeId + " from group " + id
                            + " because volume is in an invalid state: " + v.status() + ". Valid states are: "
                            + PythonRepr.tuple(VALID_REMOVE) + ".");
                }
                toRemove.add(volumeId);
            }
        }
        for (String volumeId : remove) {
            if (!toRemove.contains(volumeId)) {
                throw ApiException.invalidVolume("Cannot remove volume " + volumeId + " from group " + id
                        + " because it is not in the group.");
            }
        }
        List<Volume> toAdd = new ArrayList<>();
        for (String volumeId : add) {
            if (current.contains(volumeId)) {
                continue;
            }
            Volume v = volumes.findWithoutMetadata(volumeId)
                    .filter(x -> context.isAdmin() || x.projectId().equals(context.projectId()))
                    .orElseThrow(() -> ApiException.invalidVolume("Cannot add volume " + volumeId + " to group " + id
                            + " because volume cannot be found."));
            if (v.groupId() != null) {
                throw ApiException.invalidVolume("Cannot add volume " + v.id() + " to group " + id
                        + " because it is already in group " + v.groupId() + ".");
            }
            if (!v.projectId().equals(group.projectId())) {
                throw ApiException.invalidVolume("Cannot add volume " + v.id() + " to group " + id
                        + " as they belong to different projects.");
            }
            if (!group.volumeTypeIds().contains(v.volumeTypeId())) {
                throw ApiException.invalidVolume("Cannot add volume " + v.id() + " to group " + id
                        + " because volume type " + v.volumeTypeId() + " is not supported by the group.");
            }
            if (!VALID_ADD.contains(v.status())) {
                throw ApiException.invalidVolume("Cannot add volume " + v.id() + " to group " + id
                        + " because volume is in an invalid state: " + v.status() + ". Valid states are: "
                        + PythonRepr.tuple(VALID_ADD) + ".");
            }
            if (v.backend() == null || group.host() == null || !v.backend().equals(group.backend())) {
                throw ApiException.invalidVolume("Volume is not local to this node.");
            }
            toAdd.add(v);
        }
        if (newName == null && newDescription == null && toAdd.isEmpty() && toRemove.isEmpty()) {
            throw invalidGroup("Cannot update group " + id + " because no valid name, description, add_volumes, or "
                    + "remove_volumes were provided.");
        }
        boolean membership = !toAdd.isEmpty() || !toRemove.isEmpty();
        Map<String, Object> fields = new java.util.LinkedHashMap<>();
        if (newName != null) {
            fields.put("name", newName);
        }
        if (newDescription != null) {
            fields.put("description", newDescription);
        }
        tx.run(() -> {
            if (!groups.transition(id, membership ? Set.of(GroupStatus.AVAILABLE) : Set.of(), GroupStatus.AVAILABLE,
                    fields)) {
                throw invalidGroup("Group status must be available.");
            }
            for (Volume v : toAdd) {
                if (!volumes.transition(v.id(), VALID_ADD, v.status(), java.util.Collections.singletonMap("group_id", id),
                        VolumeRepository.Guard.NOT_IN_GROUP)) {
                    throw ApiException.invalidVolume("Cannot add volume " + v.id() + " to group " + id
                            + " because volume is in an invalid state.");
                }
            }
            for (String volumeId : toRemove) {
                if (!volumes.transition(volumeId, VALID_REMOVE, members.get(volumeId).status(),
                        java.util.Collections.singletonMap("group_id", null))) {
                    throw ApiException.invalidVolume("Cannot remove volume " + volumeId + " from group " + id
                            + " because volume is in an invalid state.");
                }
            }
        });
    }

    /** A page of live groups, newest first; see {@link GroupRepository#list}. */
    public List<Group> list(String projectId, Map<String, Object> filters, int limit, int offset) {
        return groups.list(projectId, filters, limit, offset);
    }

    /** The ids of a group's live volumes. */
    public List<String> volumeIds(String groupId) {
        return groups.volumeIds(groupId);
    }

    /** A page of live group snapshots, newest first. */
    public List<GroupSnapshot> listSnapshots(String projectId, Map<String, Object> filters, int limit, int offset) {
        return groups.listSnapshots(projectId, filters, limit, offset);
    }

    /** {@code reset_status} (admin): any group status, no transition check, as Cinder. */
    public void resetStatus(RequestContext context, String id, String status) {
        get(context, id);
        groups.transition(id, Set.of(), status, Map.of());
    }

    // ----- group snapshots -----------------------------------------------------------------------

    public GroupSnapshot getSnapshot(RequestContext context, String id) {
        return groups.findSnapshot(id).filter(s -> context.isAdmin() || s.projectId().equals(context.projectId()))
                .orElseThrow(() -> ApiException.notFound("GroupSnapshot " + id + " could not be found."));
    }

    /**
     * Cinder's {@code create_group_snapshot}: one snapshot row per volume of the group (each checked as a single
     * snapshot is, and counted against the quota), then the group's backend takes them.
     */
    public GroupSnapshot createSnapshot(RequestContext context, String groupId, String name, String description) {
        Group group = get(context, groupId);
        checkNotCgsnapshotType(group.groupTypeId());
        Map<String, Volume> members = volumes.findManyWithoutMetadata(groups.volumeIds(groupId));
        for (Volume v : members.values()) {
            volumeApi.assertNotFrozen(v);
            if (v.host() == null) {
                throw ApiException.invalidVolume("The snapshot cannot be created because volume has not been scheduled "
                        + "to any host.");
            }
            if (VolumeStatus.MAINTENANCE.equals(v.status())) {
                throw ApiException.invalidVolume("The snapshot cannot be created when the volume is in maintenance mode.");
            }
            if (VolumeStatus.ERROR.equals(v.status())) {
                throw ApiException.invalidVolume("The snapshot cannot be created when the volume is in error status.");
            }
            if (!VALID_ADD.contains(v.status())) {
                throw ApiException.invalidVolume("Volume " + v.id() + " status must be available or in-use, but current "
                        + "status is: " + v.status() + ".");
            }
        }
        Instant now = Timestamps.now();
        GroupSnapshot groupSnapshot = new GroupSnapshot(UUID.randomUUID().toString(), groupId, context.userId(),
                context.projectId(), name, description, GroupStatus.CREATING, group.groupTypeId(), now);
        List<Snapshot> taken = new ArrayList<>();
        for (Volume v : members.values()) {
            taken.add(new Snapshot(UUID.randomUUID().toString(), context.userId(), context.projectId(), v.id(),
                    groupSnapshot.id(), SnapshotStatus.CREATING, "0%", v.size(), name, description, null, null,
                    v.volumeTypeId(), true, now, null, false, Map.of()));
        }
        tx.run(() -> {
            groups.insertSnapshot(groupSnapshot);
            for (Snapshot s : taken) {
                quotas.consume(s.projectId(), quotas.of(s));
                snapshots.insert(s);
            }
        });
        try {
            volumeRpc.createGroupSnapshot(context, group, groupSnapshot);
        } catch (BusUnavailableException e) {
            LOG.warn("group snapshot {} accepted but its message was not sent ({})", groupSnapshot.id(), e.getMessage());
        }
        return groupSnapshot;
    }

    /**
     * Cinder's {@code delete_group_snapshot}: available or error, and no group being made from it; its snapshots go
     * to deleting with it, then the group's backend deletes them.
     */
    public void deleteSnapshot(RequestContext context, String id) {
        GroupSnapshot groupSnapshot = getSnapshot(context, id);
        Group group = groups.find(groupSnapshot.groupId()).orElse(null);
        List<String> snapshotIds = groups.snapshotIds(id);
        tx.run(() -> {
            if (!groups.transitionSnapshotUnlessSource(id, Set.of(GroupStatus.AVAILABLE, GroupStatus.ERROR),
                    GroupStatus.DELETING)) {
                throw ApiException.badRequest("Invalid GroupSnapshot: GroupSnapshot status must be available or error, "
                        + "and no Group can be currently using it as source for its creation.");
            }
            for (String snapshotId : snapshotIds) {
                snapshots.transition(snapshotId, ANY_SNAPSHOT_STATUS, SnapshotStatus.DELETING);
            }
        });
        if (group == null || group.host() == null) {
            tx.run(() -> {
                for (Snapshot s : snapshots.findMany(snapshotIds)) {
                    if (snapshots.markDeleted(s.id(), Set.of(SnapshotStatus.DELETING))) {
                        quotas.release(s.projectId(), quotas.of(s));
                    }
                }
                groups.markSnapshotDeleted(id, Set.of(GroupStatus.DELETING));
            });
            return;
        }
        try {
            volumeRpc.deleteGroupSnapshot(context, group, groupSnapshot);
        } catch (BusUnavailableException e) {
            LOG.warn("group snapshot {} is deleting but its message was not sent ({})", id, e.getMessage());
        }
    }

    /** {@code reset_status} of a group snapshot (admin): any status, as Cinder. */
    public void resetSnapshotStatus(RequestContext context, String id, String status) {
        getSnapshot(context, id);
        groups.transitionSnapshot(id, Set.of(), status);
    }

    // ----- helpers -------------------------------------------------------------------------------

    private static List<String> split(String ids) {
        if (ids == null || ids.isEmpty()) {
            return new ArrayList<>();
        }
        String trimmed = ids.replaceAll("^,+|,+$", "");
        return new ArrayList<>(Arrays.asList(trimmed.split(",", -1)));
    }

    static ApiException invalidGroup(String reason) {
        return ApiException.badRequest("Invalid Group: " + reason);
    }

    public static ApiException groupNotFound(String id) {
        return ApiException.notFound("Group " + id + " could not be found.");
    }
}
