package dev.ember.api.volume;

import dev.ember.api.http.ApiException;
import dev.ember.api.http.ApiRequest;
import dev.ember.common.attachment.Attachment;
import dev.ember.common.attachment.AttachmentRepository;
import dev.ember.common.config.CinderProperties;
import dev.ember.common.context.RequestContext;
import dev.ember.common.db.Timestamps;
import dev.ember.common.db.Tx;
import dev.ember.common.rpc.BusUnavailableException;
import dev.ember.common.rpc.SchedulerRpc;
import dev.ember.common.rpc.VolumeRpc;
import dev.ember.common.service.ServiceRecord;
import dev.ember.common.service.ServiceRepository;
import dev.ember.common.type.VolumeType;
import dev.ember.common.type.VolumeTypeCache;
import dev.ember.common.type.VolumeTypeRepository;
import dev.ember.common.volume.Volume;
import dev.ember.common.db.ListQuery;
import dev.ember.common.volume.VolumeRepository;
import dev.ember.common.volume.VolumeStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API side of volume operations (Cinder's {@code cinder/volume/api.py}): checks, the database row,
 * and the message to the scheduler or the owning volume service.
 */
public final class VolumeApi {

    private static final Logger LOG = LoggerFactory.getLogger(VolumeApi.class);

    private final VolumeRepository volumes;
    private final AttachmentRepository attachments;
    private final VolumeTypeCache types;
    private final ServiceRepository services;
    private final SchedulerRpc schedulerRpc;
    private final VolumeRpc volumeRpc;
    private final Tx tx;
    private final CinderProperties properties;

    public VolumeApi(VolumeRepository volumes, AttachmentRepository attachments, VolumeTypeCache types,
            ServiceRepository services, SchedulerRpc schedulerRpc, VolumeRpc volumeRpc, Tx tx,
            CinderProperties properties) {
        this.volumes = volumes;
        this.attachments = attachments;
        this.types = types;
        this.services = services;
        this.schedulerRpc = schedulerRpc;
        this.volumeRpc = volumeRpc;
        this.tx = tx;
        this.properties = properties;
    }

    /** What a create asks for, already validated against the schema. */
    public record CreateRequest(String name, String description, String volumeType, Map<String, String> metadata,
            Integer size, String availabilityZone, String snapshotId, String sourceVolid, String consistencygroupId,
            String groupId, String backupId, String imageRef) {
    }

    /**
     * Creates the row in {@code creating} and asks a scheduler to place it. The row is committed before
     * the message is sent; if the broker does not take the message, the scheduler's re-drive finds the
     * row and places it anyway, so the answer is 202 either way and the caller never waits on the broker.
     */
    public Volume create(RequestContext context, CreateRequest request) {
        if (request.snapshotId() != null) {
            throw ApiException.notFound("Snapshot " + request.snapshotId() + " could not be found.");
        }
        if (request.backupId() != null) {
            throw ApiException.notFound("Backup " + request.backupId() + " could not be found.");
        }
        String groupId = request.groupId() != null ? request.groupId() : request.consistencygroupId();
        if (groupId != null) {
            throw ApiException.notFound("Group " + groupId + " could not be found.");
        }
        if (request.sourceVolid() != null) {
            get(context, request.sourceVolid());
            throw ApiException.invalidInput("creating a volume from another volume is not available on this deployment yet");
        }
        if (request.imageRef() != null) {
            throw ApiException.invalidInput("creating a volume from an image needs the Image service, which this "
                    + "deployment does not have");
        }
        if (request.size() == null || request.size() <= 0) {
            throw ApiException.invalidInput("Volume size '" + (request.size() == null ? "None" : request.size())
                    + "' must be an integer and greater than 0");
        }
        VolumeType type = resolveType(request.volumeType());
        String zone = availabilityZone(request.availabilityZone());
        Instant now = Timestamps.now();
        Volume volume = new Volume(UUID.randomUUID().toString(), context.userId(), context.projectId(), null, null,
                request.size(), zone, VolumeStatus.CREATING, VolumeStatus.DETACHED, null, null, null, null, null,
                request.name(), request.description(), null, null, null, type.id(), type.name(), null, null, null,
                null, null, false, type.multiattach(), null, null, true, true, now, null, false, request.metadata(),
                Map.of());
        if (volume.metadata().isEmpty()) {
            volumes.insert(volume);
        } else {
            tx.run(() -> volumes.insert(volume));
        }
        try {
            schedulerRpc.createVolume(context, volume);
        } catch (BusUnavailableException e) {
            LOG.warn("volume {} accepted but its create message was not sent ({}); the scheduler re-drive will place it",
                    volume.id(), e.getMessage());
        }
        return volume;
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
        tx.run(() -> {
            if (!nameAndDescription.isEmpty()) {
                volumes.updateNameAndDescription(id, nameAndDescription);
            }
            if (metadata != null) {
                volumes.replaceMetadata(id, metadata);
            }
        });
        return get(context, id);
    }

    /**
     * Deletes a volume (Cinder's rules): one never placed on a backend is removed here at once; any
     * other must be detached and in a deletable status, moves to {@code deleting} with one
     * compare-and-swap, and its backend is asked to delete it.
     */
    public void delete(RequestContext context, String id, boolean cascade) {
        Volume volume = get(context, id);
        if (volume.host() == null && volumes.markDeleted(id, Set.of(volume.status()))) {
            LOG.info("volume {} had no host; deleted", id);
            return;
        }
        boolean moved = volumes.transition(id, VolumeStatus.DELETABLE, VolumeStatus.DELETING,
                Map.of("terminated_at", Timestamps.now()), VolumeRepository.Guard.NOT_ATTACHED,
                VolumeRepository.Guard.HAS_HOST);
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

    private VolumeType resolveType(String requested) {
        if (requested == null || requested.isEmpty()) {
            String name = properties.defaultVolumeType();
            return types.byNameOrId(name).orElseThrow(() -> new ApiException(500,
                    "Default volume type " + name + " is not found. Please check default_volume_type config."));
        }
        return types.byNameOrId(requested).orElseThrow(() -> ApiException.notFound(
                VolumeTypeRepository.looksLikeUuid(requested)
                        ? "Volume type " + requested + " could not be found."
                        : "Volume type with name " + requested + " could not be found."));
    }

    /** The requested zone, which must be one some volume service serves; or the default zone. */
    private String availabilityZone(String requested) {
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
