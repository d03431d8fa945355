package dev.ember.api.volume;

import dev.ember.api.http.ApiException;
import dev.ember.api.http.IdempotencyKey;
import dev.ember.common.attachment.Attachment;
import dev.ember.common.attachment.AttachmentRepository;
import dev.ember.common.config.CinderProperties;
import dev.ember.common.snapshot.Snapshot;
import dev.ember.common.snapshot.SnapshotRepository;
import dev.ember.common.snapshot.SnapshotStatus;
import dev.ember.common.context.RequestContext;
import dev.ember.common.db.IdempotencyKeys;
import dev.ember.common.db.Timestamps;
import dev.ember.common.db.Tx;
import dev.ember.common.pool.PoolRepository;
import dev.ember.common.quota.Quotas;
import dev.ember.common.rpc.BusUnavailableException;
import dev.ember.common.rpc.SchedulerRpc;
import dev.ember.common.rpc.VolumeRpc;
import dev.ember.common.service.ServiceRecord;
import dev.ember.common.service.ServiceRepository;
import dev.ember.common.type.VolumeType;
import dev.ember.common.type.VolumeTypeCache;
import dev.ember.common.type.VolumeTypeRepository;
import dev.ember.common.group.Group;
import dev.ember.common.group.GroupRepository;
import dev.ember.common.volume.Volume;
import dev.ember.common.db.ListQuery;
import dev.ember.common.volume.VolumeRepository;
import dev.ember.common.volume.VolumeStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;

/**
 * The API side of volume operations (Cinder's {@code cinder/volume/api.py}): checks, the database row,
 * and the message to the scheduler or the owning volume service.
 */
public final class VolumeApi {

    private static final Logger LOG = LoggerFactory.getLogger(VolumeApi.class);

    private final VolumeRepository volumes;
    private final AttachmentRepository attachments;
    private final SnapshotRepository snapshots;
    private final VolumeTypeCache types;
    private final ServiceRepository services;
    private final SchedulerRpc schedulerRpc;
    private final VolumeRpc volumeRpc;
    private final Tx tx;
    private final Quotas quotas;
    private final PoolRepository pools;
    private final VolumeTypeRepository typeRepository;
    private final dev.ember.common.qos.QosRepository qosSpecs;
    private final CinderProperties properties;
    private final GroupRepository groups;

    private final dev.ember.common.notify.VolumeNotifications notifications;
    private final IdempotencyKeys idempotencyKeys;

    public VolumeApi(VolumeRepository volumes, AttachmentRepository attachments, SnapshotRepository snapshots,
            VolumeTypeCache types, ServiceRepository services, SchedulerRpc schedulerRpc, VolumeRpc volumeRpc, Tx tx,
            Quotas quotas, PoolRepository pools, VolumeTypeRepository typeRepository,
            dev.ember.common.qos.QosRepository qosSpecs, CinderProperties properties, GroupRepository groups,
            dev.ember.common.notify.VolumeNotifications notifications, IdempotencyKeys idempotencyKeys) {
        this.notifications = notifications;
        this.idempotencyKeys = idempotencyKeys;
        this.volumes = volumes;
        this.groups = groups;
        this.attachments = attachments;
        this.snapshots = snapshots;
        this.types = types;
        this.services = services;
        this.schedulerRpc = schedulerRpc;
        this.volumeRpc = volumeRpc;
        this.tx = tx;
        this.quotas = quotas;
        this.pools = pools;
        this.typeRepository = typeRepository;
        this.qosSpecs = qosSpecs;
        this.properties = properties;
    }

    /**
     * What a create asks for, already validated against the schema.
     *
     * @param idempotency the request's {@code Idempotency-Key}, or null
     */
    public record CreateRequest(String name, String description, String volumeType, Map<String, String> metadata,
            Integer size, String availabilityZone, String snapshotId, String sourceVolid, String consistencygroupId,
            String groupId, String backupId, String imageRef, IdempotencyKey idempotency) {
    }

    /**
     * Creates the row in {@code creating} and asks a scheduler to place it. The row is committed before
     * the message is sent; if the broker does not take the message, the scheduler's re-drive finds the
     * row and places it anyway, so the answer is 202 either way and the caller never waits on the broker.
     * A create with an idempotency key the project used before (within {@link IdempotencyKeys#RETENTION})
     * makes nothing and returns the volume the first one made.
     */
    public Volume create(RequestContext context, CreateRequest request) {
        IdempotencyKey idempotency = request.idempotency();
        if (idempotency != null) {
            Optional<Volume> earlier = madeEarlier(context, idempotency);
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        if (request.backupId() != null) {
            throw ApiException.notFound("Backup " + request.backupId() + " could not be found.");
        }
        if (request.consistencygroupId() != null) {
            throw ApiException.notFound("Group " + request.consistencygroupId() + " could not be found.");
        }
        Group group = request.groupId() == null ? null : groups.find(request.groupId())
                .filter(g -> context.isAdmin() || g.projectId().equals(context.projectId()))
                .orElseThrow(() -> ApiException.notFound("Group " + request.groupId() + " could not be found."));
        VolumeType requestedType = request.volumeType() == null || request.volumeType().isEmpty() ? null
                : resolveType(context, request.volumeType());
        Snapshot snapshot = request.snapshotId() == null ? null : snapshots.find(request.snapshotId())
                .filter(s -> context.isAdmin() || s.projectId().equals(context.projectId()))
                .orElseThrow(() -> ApiException.notFound("Snapshot " + request.snapshotId() + " could not be found."));
        Volume source = request.sourceVolid() == null ? null : get(context, request.sourceVolid());
        List<String> sources = new ArrayList<>();
        if (request.backupId() != null) {
            sources.add("backup");
        }
        if (request.imageRef() != null) {
            sources.add("imageRef");
        }
        if (snapshot != null) {
            sources.add("snapshot");
        }
        if (source != null) {
            sources.add("source volume");
        }
        if (sources.size() > 1) {
            throw ApiException.invalidInput("May specify only one of " + String.join(", ", sources));
        }
        if (request.imageRef() != null) {
            throw ApiException.invalidInput("creating a volume from an image needs the Image service, which this "
                    + "deployment does not have");
        }
        Volume parent = null;
        if (snapshot != null) {
            if (!SnapshotStatus.AVAILABLE.equals(snapshot.status())) {
                throw ApiException.badRequest("Invalid snapshot: Originating snapshot status must be one of 'available' values");
            }
            parent = volumes.findWithoutMetadata(snapshot.volumeId())
                    .orElseThrow(() -> ApiException.notFound("Volume " + snapshot.volumeId() + " could not be found."));
        }
        if (source != null) {
            if (!Set.of(VolumeStatus.AVAILABLE, VolumeStatus.IN_USE).contains(source.status())) {
                throw ApiException.invalidVolume("Originating source volume status must be one of 'available, in-use' values");
            }
            parent = source;
        }
        Integer size = request.size();
        if (size == null && snapshot != null) {
            size = snapshot.volumeSize();
        } else if (size == null && source != null) {
            size = source.size();
        }
        if (size == null || size <= 0) {
            throw ApiException.invalidInput("Volume size '" + (size == null ? "None" : size)
                    + "' must be an integer and greater than 0");
        }
        if (source != null && size < source.size()) {
            throw ApiException.invalidInput("Volume size '" + size + "'GB cannot be smaller than original volume size  "
                    + source.size() + "GB. They must be >= original volume size.");
        }
        if (snapshot != null && size < snapshot.volumeSize()) {
            throw ApiException.invalidInput("Volume size '" + size + "'GB cannot be smaller than the snapshot size "
                    + snapshot.volumeSize() + "GB. They must be >= original snapshot size.");
        }
        VolumeType type = requestedType;
        if (parent != null) {
            String parentTypeId = snapshot != null && snapshot.volumeTypeId() != null ? snapshot.volumeTypeId()
                    : parent.volumeTypeId();
            VolumeType parentType = types.byId(parentTypeId).orElse(null);
            if (type == null) {
                type = parentType;
            } else if (parentType != null && !type.id().equals(parentType.id())
                    && !Objects.equals(type.extraSpecs().get("volume_backend_name"),
                            parentType.extraSpecs().get("volume_backend_name"))) {
                throw ApiException.invalidInput("Invalid volume_type provided: " + type.id() + " (requested type is not "
                        + "compatible; " + (snapshot != null ? "recommend omitting the type argument)."
                        : "either match source volume, or omit type argument)."));
            }
        }
        if (group != null && parent == null) {
            // Cinder's check for a volume in a group: a type of the group's, named explicitly.
            if (type == null) {
                throw ApiException.invalidInput("volume_type must be provided when creating a volume in a group.");
            }
            if (!group.volumeTypeIds().contains(type.id())) {
                throw ApiException.invalidInput("Invalid volume_type provided: " + type.id() + " (requested type must "
                        + "be supported by this group).");
            }
        }
        if (type == null) {
            type = resolveType(context, null);
        }
        String zone;
        if (parent != null) {
            zone = request.availabilityZone() == null ? parent.availabilityZone() : availabilityZone(request.availabilityZone());
            if (!zone.equals(parent.availabilityZone())) {
                throw ApiException.invalidInput("Volume must be in the same availability zone as the "
                        + (snapshot != null ? "snapshot" : "source volume"));
            }
        } else {
            zone = availabilityZone(request.availabilityZone());
        }
        Instant now = Timestamps.now();
        Volume volume = new Volume(UUID.randomUUID().toString(), context.userId(), context.projectId(), null, null,
                size, zone, VolumeStatus.CREATING, VolumeStatus.DETACHED, null, null, null, null, null,
                request.name(), request.description(), null, null, null, type.id(), type.name(),
                snapshot == null ? null : snapshot.id(), source == null ? null : source.id(), null,
                null, group == null ? null : group.id(), parent != null && parent.bootable(), type.multiattach(), null, null, true, true, now, null, false,
                request.metadata(), Map.of(), null, false, null, null);
        // The row and its quota usage commit together; over quota, neither does. The usage counters are the
        // transaction's last statement: their row locks, which every create of the project needs, are then held
        // only until the commit.
        quotas.checkVolumeSize(context.projectId(), size);
        try {
            tx.run(() -> {
                volumes.insert(volume);
                if (idempotency != null) {
                    idempotencyKeys.record(context.projectId(), "volume", idempotency.key(), volume.id(),
                            idempotency.fingerprint(), now);
                }
                quotas.consume(volume.projectId(), quotas.of(volume));
            });
        } catch (DuplicateKeyException e) {
            if (idempotency == null) {
                throw e;
            }
            // A retry with the same key committed first: it made the volume.
            return madeEarlier(context, idempotency).orElseThrow(() -> e);
        }
        try {
            schedulerRpc.createVolume(context, volume);
        } catch (BusUnavailableException e) {
            LOG.warn("volume {} accepted but its create message was not sent ({}); the scheduler re-drive will place it",
                    volume.id(), e.getMessage());
        }
        return volume;
    }

    /**
     * The volume an earlier create with the same idempotency key made, as it is now; a key reused for another
     * request, or whose volume is gone, is a 409.
     */
    private Optional<Volume> madeEarlier(RequestContext context, IdempotencyKey idempotency) {
        Optional<IdempotencyKeys.Entry> entry = idempotencyKeys.find(context.projectId(), "volume", idempotency.key(),
                Timestamps.now());
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        if (!entry.get().fingerprint().equals(idempotency.fingerprint())) {
            throw ApiException.conflict("Idempotency-Key " + idempotency.key() + " was used for another request.");
        }
        Volume made = volumes.find(entry.get().resourceId()).orElseThrow(() -> ApiException.conflict("Idempotency-Key "
                + idempotency.key() + " was used to create volume " + entry.get().resourceId() + ", which has since been deleted."));
        LOG.info("volume create with Idempotency-Key {} already made volume {}", idempotency.key(), made.id());
        return Optional.of(made);
    }

    /** A volume the caller may see: its own project's, or any for an admin. */
    public Volume get(RequestContext context, String id) {
        return volumes.find(id)
                .filter(v -> context.isAdmin() || v.projectId().equals(context.projectId()))
                .orElseThrow(() -> ApiException.volumeNotFound(id));
    }

    /** A page of volumes; a marker that names no visible volume is Cinder's 404. */
    public List<Volume> list(ListQuery query) {
        return volumes.list(query);
    }

    /** The {@code attached} attachments of these volumes, by volume id. */
    public Map<String, List<Attachment>> attachedOf(List<String> volumeIds) {
        return attachments.attachedOf(volumeIds);
    }

    public VolumeRepository.Summary summary(ListQuery query) {
        return volumes.summary(query);
    }

    public int count(ListQuery query) {
        return volumes.count(query);
    }

    /** Renames, re-describes or replaces metadata of a volume. */
    /**
     * @param nameAndDescription {@code display_name}/{@code display_description} to set (values may be null)
     * @param metadata the new metadata, replacing the old; null to leave it
     */
    public Volume update(RequestContext context, String id, Map<String, String> nameAndDescription,
            Map<String, String> metadata) {
        Volume volume = get(context, id);
        if (VolumeStatus.MAINTENANCE.equals(volume.status())) {
            throw ApiException.invalidVolume("The volume cannot be updated during maintenance.");
        }
        notifications.volume(context, volume, "update.start");
        tx.run(() -> {
            if (!nameAndDescription.isEmpty()) {
                volumes.updateNameAndDescription(id, nameAndDescription);
            }
            if (metadata != null) {
                volumes.replaceMetadata(id, metadata);
            }
        });
        Volume updated = get(context, id);
        notifications.volume(context, updated, "update.end");
        return updated;
    }

    /** Every status a forced delete accepts: any but deleting itself. */
    private static final Set<String> FORCE_DELETABLE = forceDeletable();

    private static Set<String> forceDeletable() {
        Set<String> statuses = new java.util.HashSet<>(VolumeStatus.ALL);
        statuses.add(VolumeStatus.REVERTING);
        statuses.add(VolumeStatus.ERROR_DELETING);
        statuses.remove(VolumeStatus.DELETING);
        return Set.copyOf(statuses);
    }

    /**
     * Deletes a volume (Cinder's rules): one never placed on a backend is removed here at once; any
     * other must be detached, not migrating, in no group and (unless forced) in a deletable status; it moves to
     * {@code deleting} with one compare-and-swap, and its backend is asked to delete it.
     */
    /**
     * Cinder's {@code assert_not_frozen}: while an operator has frozen the volume's backend (os-services freeze),
     * operations that would modify it there are refused.
     */
    public void assertNotFrozen(Volume volume) {
        if (services.isFrozen(volume.host())) {
            throw ApiException.invalidInput("Modification operations are not allowed on frozen storage backends.");
        }
    }

    public void delete(RequestContext context, String id, boolean cascade, boolean force) {
        Volume volume = get(context, id);
        if (volume.host() == null && tx.call(() -> {
            // Only while no scheduler has placed it meanwhile.
            if (!volumes.markDeleted(id, Set.of(volume.status()), VolumeRepository.Guard.NO_HOST)) {
                return false;
            }
            quotas.release(volume.projectId(), quotas.of(volume));
            return true;
        })) {
            LOG.info("volume {} had no host; deleted", id);
            return;
        }
        assertNotFrozen(volume);
        // Under the volume's row lock, as a snapshot create takes it: no snapshot can appear meanwhile.
        boolean moved = tx.call(() -> {
            if (!volumes.lock(id)) {
                throw ApiException.volumeNotFound(id);
            }
            List<Snapshot> own = snapshots.ofVolume(id);
            if (!own.isEmpty() && !cascade) {
                return false;
            }
            if (!volumes.transition(id, force ? FORCE_DELETABLE : VolumeStatus.DELETABLE, VolumeStatus.DELETING,
                    Map.of("terminated_at", Timestamps.now()), VolumeRepository.Guard.NOT_ATTACHED,
                    VolumeRepository.Guard.HAS_HOST, VolumeRepository.Guard.NOT_MIGRATING,
                    VolumeRepository.Guard.NOT_IN_GROUP)) {
                return false;
            }
            for (Snapshot snapshot : own) {
                if (snapshot.groupSnapshotId() != null || !snapshots.transition(snapshot.id(), Set.of(
                        SnapshotStatus.AVAILABLE, SnapshotStatus.ERROR, SnapshotStatus.DELETING), SnapshotStatus.DELETING)) {
                    // Rolls the volume's change back too: both move or neither.
                    throw ApiException.invalidVolume("Failed to update snapshot.");
                }
            }
            return true;
        });
        if (!moved) {
            throw ApiException.invalidVolume("Volume status must be available or error or error_restoring or "
                    + "error_extending or error_managing and must not be migrating, attached, belong to a group, "
                    + "have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.");
        }
        Volume deleting = volumes.find(id).orElse(volume);
        try {
            volumeRpc.deleteVolume(context, deleting, cascade);
        } catch (BusUnavailableException e) {
            LOG.warn("volume {} is deleting but its message was not sent ({}); the re-drive will send it", id,
                    e.getMessage());
        }
    }

    /**
     * Cinder's {@code extend}: available (or, from 3.42, in use) to extending, remembering the previous status
     * and the size asked for; a scheduler then claims the growth and the backend grows the volume.
     */
    public void extend(RequestContext context, String id, int newSize, boolean attachedAllowed) {
        Volume volume = get(context, id);
        if (newSize <= volume.size()) {
            throw ApiException.invalidInput("New size for extend must be greater than current size. (current: "
                    + volume.size() + ", extended: " + newSize + ").");
        }
        quotas.checkVolumeSize(volume.projectId(), newSize);
        String from = attachedAllowed && VolumeStatus.IN_USE.equals(volume.status()) ? VolumeStatus.IN_USE
                : VolumeStatus.AVAILABLE;
        Map<String, Object> set = new java.util.LinkedHashMap<>();
        set.put("previous_status", from);
        set.put("extend_size", newSize);
        set.put("extend_claimed", false);
        boolean moved = tx.call(() -> {
            if (!volumes.transition(id, Set.of(from), VolumeStatus.EXTENDING, set)) {
                return false;
            }
            quotas.reserve(volume.projectId(), quotas.growth(volume, newSize));
            return true;
        });
        if (!moved) {
            String current = volumes.findWithoutMetadata(id).map(Volume::status).orElse(volume.status());
            throw ApiException.invalidVolume("Volume " + id + " status must be '{'status': '" + from + "'}' to extend, "
                    + "currently " + current + ".");
        }
        Volume extending = volumes.findWithoutMetadata(id).orElse(volume);
        try {
            schedulerRpc.extendVolume(context, extending, newSize);
        } catch (BusUnavailableException e) {
            LOG.warn("volume {} is extending but its message was not sent ({}); the re-drive will send it", id, e.getMessage());
        }
    }

    /**
     * Cinder's {@code revert_to_snapshot} (3.40): only to the volume's latest snapshot, of the same size; the
     * volume moves to reverting and the snapshot to restoring together (both or neither), then the backend
     * rolls the volume back.
     */
    public void revert(RequestContext context, String id, String snapshotId) {
        Volume volume = get(context, id);
        List<Snapshot> own = snapshots.ofVolume(id);
        if (own.isEmpty()) {
            throw ApiException.badRequest("Volume " + id + " doesn't have any snapshots.");
        }
        Snapshot latest = own.get(own.size() - 1);
        if (snapshotId == null || !snapshotId.equals(latest.id())) {
            throw ApiException.badRequest("Specified snapshot " + snapshotId + " is None or not the latest one of volume "
                    + id + ".");
        }
        if (volume.size() != latest.volumeSize()) {
            throw ApiException.badRequest("Can't revert volume " + id + " to its latest snapshot " + latest.id()
                    + ". The volume size must be equal to the snapshot size.");
        }
        tx.run(() -> {
            if (!volumes.transition(id, Set.of(VolumeStatus.AVAILABLE), VolumeStatus.REVERTING)) {
                throw ApiException.conflict("Invalid volume: Can't revert volume " + id + " to its latest snapshot "
                        + latest.id() + ". Volume's status must be 'available'.");
            }
            if (!snapshots.transition(latest.id(), Set.of(SnapshotStatus.AVAILABLE), SnapshotStatus.RESTORING)) {
                throw ApiException.conflict("Invalid snapshot: Can't revert volume " + id + " to its latest snapshot "
                        + latest.id() + ". Snapshot's status must be 'available'.");
            }
        });
        try {
            volumeRpc.revertToSnapshot(context, volume, latest);
        } catch (BusUnavailableException e) {
            LOG.warn("volume {} is reverting but its message was not sent ({}); the re-drive will send it", id, e.getMessage());
        }
    }

    /**
     * {@code os-reset_status} (admin; Cinder's {@code VolumeAdminController._reset_status}): sets the statuses asked
     * for whatever they were, except that a volume cannot be reset to deleting, nor to in-use without attachments.
     * Unlike Cinder, what an interrupted extend or retype had reserved or claimed is given back, so a reset never
     * leaves quota or capacity counted for growth that will not happen. {@code attach_status=detached} removes
     * every attachment, as Cinder does.
     *
     * @param migrationStatus the new migration status; {@code "none"} clears it
     */
    public void resetStatus(RequestContext context, String id, String status, String attachStatus, String migrationStatus) {
        get(context, id);
        if (VolumeStatus.DELETING.equals(status)) {
            throw ApiException.badRequest("Cannot reset-state to " + status);
        }
        if (VolumeStatus.IN_USE.equals(status) && attachments.ofVolume(id).isEmpty()) {
            throw ApiException.badRequest("Cannot reset-state to in-use because volume does not have any attachments.");
        }
        tx.run(() -> {
            if (!volumes.lock(id)) {
                throw ApiException.volumeNotFound(id);
            }
            Volume current = volumes.findWithoutMetadata(id).orElseThrow(() -> ApiException.volumeNotFound(id));
            Map<String, Object> set = new java.util.LinkedHashMap<>();
            if (attachStatus != null) {
                set.put("attach_status", attachStatus);
            }
            if (migrationStatus != null) {
                set.put("migration_status", "none".equals(migrationStatus) ? null : migrationStatus);
            }
            String newStatus = status != null ? status : current.status();
            if (!newStatus.equals(current.status())) {
                if (VolumeStatus.EXTENDING.equals(current.status())) {
                    set.put("extend_size", null);
                    set.put("extend_claimed", false);
                    quotas.cancel(current.projectId(), quotas.growthOf(current));
                    if (current.extendClaimed()) {
                        pools.releaseGrowth(current.host(), current.extendSize() - current.size());
                    }
                }
                if (VolumeStatus.RETYPING.equals(current.status())) {
                    set.put("retype_type_id", null);
                    set.put("retype_policy", null);
                    quotas.cancel(current.projectId(), quotas.retypeShare(current));
                }
            }
            volumes.transition(id, Set.of(current.status()), newStatus, set);
            if (VolumeStatus.DETACHED.equals(attachStatus)) {
                attachments.deleteAllOf(id);
                volumes.deleteAdminMetadata(id, "attached_mode");
            }
        });
        LOG.info("volume {} reset to status {}, attach status {}, migration status {}", id, status, attachStatus,
                migrationStatus);
    }

    /** {@code os-set_bootable}: refused only in maintenance, as every volume update. */
    public void setBootable(RequestContext context, String id, boolean bootable) {
        Volume volume = get(context, id);
        if (VolumeStatus.MAINTENANCE.equals(volume.status())) {
            throw ApiException.invalidVolume("The volume cannot be updated during maintenance.");
        }
        volumes.update(id, Map.of("bootable", bootable));
    }

    /** {@code os-update_readonly_flag}: the {@code readonly} admin metadata, of available volumes only. */
    public void updateReadonly(RequestContext context, String id, boolean readonly) {
        Volume volume = get(context, id);
        if (!VolumeStatus.AVAILABLE.equals(volume.status())) {
            throw ApiException.invalidVolume("Volume " + id + " status must be available to update readonly flag, but "
                    + "current status is: " + volume.status() + ".");
        }
        volumes.setAdminMetadata(id, Map.of("readonly", readonly ? "True" : "False"), false);
    }

    /**
     * Cinder's {@code retype} without migration: the volume (available or in use, not migrating, in no group)
     * moves to {@code retyping} with the new type's share of the per-type quotas reserved, in one transaction;
     * a scheduler then checks that its backend suits the new type and the backend retypes it in place. Anything
     * that would need the volume to move is refused, whatever {@code migration_policy} says, since Ember does not
     * migrate.
     */
    public void retype(RequestContext context, String id, String newType, String migrationPolicy) {
        Volume volume = get(context, id);
        VolumeType type = types.byNameOrId(newType).orElseThrow(() -> typeNotFound(newType));
        if (type.multiattach() != volume.multiattach() && !VolumeStatus.AVAILABLE.equals(volume.status())) {
            throw ApiException.invalidInput("Invalid volume_type passed, retypes affecting multiattach are only allowed "
                    + "on available volumes, the specified volume however currently has a status of: " + volume.status() + ".");
        }
        String refused = "Retype needs volume to be in available or in-use state, not be part of an active migration "
                + "or a consistency group, requested type has to be different that the one from the volume, and for "
                + "in-use volumes front-end qos specs cannot change.";
        if (type.id().equals(volume.volumeTypeId())) {
            throw ApiException.invalidVolume(refused);
        }
        String policy = migrationPolicy == null ? "never" : migrationPolicy;
        // Cinder's volume_qos_allows_retype: an attached volume keeps the front-end QoS the hypervisor applies.
        VolumeType oldType = types.byId(volume.volumeTypeId()).orElse(null);
        boolean qosUnchanged = oldType != null && java.util.Objects.equals(oldType.qosSpecsId(), type.qosSpecsId())
                || !frontEndQos(oldType) && !frontEndQos(type);
        Set<String> from = qosUnchanged ? Set.of(VolumeStatus.AVAILABLE, VolumeStatus.IN_USE) : Set.of(VolumeStatus.AVAILABLE);
        boolean moved = tx.call(() -> {
            Map<String, Object> set = new java.util.LinkedHashMap<>();
            set.put("previous_status", volume.status());
            set.put("retype_type_id", type.id());
            set.put("retype_policy", policy);
            if (!volumes.transition(id, from, VolumeStatus.RETYPING, set,
                    VolumeRepository.Guard.NOT_MIGRATING, VolumeRepository.Guard.NOT_IN_GROUP)) {
                return false;
            }
            quotas.reserve(volume.projectId(), quotas.typeShare(volume, type.name()));
            return true;
        });
        if (!moved) {
            throw ApiException.invalidVolume(refused);
        }
        Volume retyping = volumes.findWithoutMetadata(id).orElse(volume);
        try {
            schedulerRpc.retype(context, retyping, type.id(), policy);
        } catch (BusUnavailableException e) {
            LOG.warn("volume {} is retyping but its message was not sent ({}); the re-drive will send it", id, e.getMessage());
        }
    }

    private boolean frontEndQos(VolumeType type) {
        return type != null && type.qosSpecsId() != null
                && qosSpecs.find(type.qosSpecsId()).map(dev.ember.common.qos.QosSpecs::frontEnd).orElse(false);
    }

    // ----- metadata (cinder/api/v3/volume_metadata.py) -------------------------------------------

    /** The volume's own metadata (not the admin keys its detail view also shows). */
    public Map<String, String> metadata(RequestContext context, String id) {
        return get(context, id).metadata();
    }

    /** Sets keys; with {@code replace} the given map becomes the whole metadata. Refused in maintenance. */
    public Map<String, String> updateMetadata(RequestContext context, String id, Map<String, String> metadata, boolean replace) {
        Volume volume = get(context, id);
        if (VolumeStatus.MAINTENANCE.equals(volume.status())) {
            throw ApiException.invalidVolume("The volume metadata cannot be updated when the volume is in maintenance mode.");
        }
        tx.run(() -> {
            if (replace) {
                volumes.metadata().replace(id, metadata);
            } else {
                volumes.metadata().merge(id, metadata);
            }
        });
        return get(context, id).metadata();
    }

    public void deleteMetadata(RequestContext context, String id, String key) {
        Volume volume = get(context, id);
        if (!volume.metadata().containsKey(key)) {
            throw metadataNotFound(id, key);
        }
        if (VolumeStatus.MAINTENANCE.equals(volume.status())) {
            throw ApiException.invalidVolume("The volume metadata cannot be deleted when the volume is in maintenance mode.");
        }
        volumes.metadata().delete(id, key);
    }

    public static ApiException metadataNotFound(String id, String key) {
        return ApiException.notFound("Volume " + id + " has no metadata with key " + key + ".");
    }

    /**
     * The type a create names, which a non-admin may use only if it is public or the project has access to it; or,
     * when none is named, the project's default type (3.62), else {@code default_volume_type}.
     */
    private VolumeType resolveType(RequestContext context, String requested) {
        if (requested != null && !requested.isEmpty()) {
            VolumeType type = resolveType(requested);
            if (!type.isPublic() && !context.isAdmin() && !typeRepository.hasAccess(type.id(), context.projectId())) {
                throw typeNotFound(requested);
            }
            return type;
        }
        return typeRepository.projectDefault(context.projectId()).flatMap(types::byId).orElseGet(() -> resolveType(null));
    }

    private static ApiException typeNotFound(String requested) {
        return ApiException.notFound(VolumeTypeRepository.looksLikeUuid(requested)
                ? "Volume type " + requested + " could not be found."
                : "Volume type with name " + requested + " could not be found.");
    }

    private VolumeType resolveType(String requested) {
        if (requested == null || requested.isEmpty()) {
            String name = properties.defaultVolumeType();
            return types.byNameOrId(name).orElseThrow(() -> new ApiException(500,
                    "Default volume type " + name + " is not found. Please check default_volume_type config."));
        }
        return types.byNameOrId(requested).orElseThrow(() -> typeNotFound(requested));
    }

    /** The requested zone, which must be one some volume service serves; or the default zone. */
    public String availabilityZone(String requested) {
        if (requested == null) {
            return properties.defaultAvailabilityZone();
        }
        if (requested.equals(properties.defaultAvailabilityZone())) {
            return requested;
        }
        for (ServiceRecord service : services.list(null, ServiceRepository.VOLUME)) {
            if (requested.equals(service.availabilityZone())) {
                return requested;
            }
        }
        throw ApiException.badRequest("Availability zone '" + requested + "' is invalid.");
    }
}
