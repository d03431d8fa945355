package dev.ember.api.attachment;

import dev.ember.api.http.ApiException;
import dev.ember.api.volume.VolumeApi;
import dev.ember.common.attachment.AttachStatus;
import dev.ember.common.attachment.Attachment;
import dev.ember.common.attachment.AttachmentRepository;
import dev.ember.common.context.RequestContext;
import dev.ember.common.db.Timestamps;
import dev.ember.common.db.Tx;
import dev.ember.common.rpc.CinderFault;
import dev.ember.common.rpc.VolumeRpc;
import dev.ember.common.volume.Volume;
import dev.ember.common.volume.VolumeRepository;
import dev.ember.common.volume.VolumeStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The attach actions older clients (and Nova before the attachments API) use on
 * {@code /volumes/{id}/action}: {@code os-reserve}, {@code os-unreserve}, {@code os-initialize_connection},
 * {@code os-attach}, {@code os-begin_detaching}, {@code os-roll_detaching}, {@code os-terminate_connection},
 * {@code os-detach}, with Cinder's status rules ({@code cinder/volume/api.py}). Every status change is one
 * compare-and-swap, and {@code os-attach} records its attachment and the volume's new status together: a
 * client that attaches without reserving first leaves nothing half-done.
 */
public final class LegacyAttachApi {

    private static final Logger LOG = LoggerFactory.getLogger(LegacyAttachApi.class);

    private final VolumeApi volumeApi;
    private final VolumeRepository volumes;
    private final AttachmentRepository attachments;
    private final VolumeRpc volumeRpc;
    private final Tx tx;
    private final AttachmentGuard guard;

    public LegacyAttachApi(VolumeApi volumeApi, VolumeRepository volumes, AttachmentRepository attachments,
            VolumeRpc volumeRpc, Tx tx, AttachmentGuard guard) {
        this.guard = guard;
        this.volumeApi = volumeApi;
        this.volumes = volumes;
        this.attachments = attachments;
        this.volumeRpc = volumeRpc;
        this.tx = tx;
    }

    /** {@code os-reserve}: available (or in use, when multiattach) to attaching. */
    public void reserve(RequestContext context, String volumeId) {
        Volume volume = volumeApi.get(context, volumeId);
        List<String> from = volume.multiattach() ? List.of(VolumeStatus.AVAILABLE, VolumeStatus.IN_USE)
                : List.of(VolumeStatus.AVAILABLE);
        if (!volumes.transition(volumeId, from, VolumeStatus.ATTACHING, Map.of(),
                volume.multiattach() ? VolumeRepository.Guard.MULTIATTACH : VolumeRepository.Guard.NOT_MULTIATTACH)) {
            String current = volumes.findWithoutMetadata(volumeId).map(Volume::status).orElse(volume.status());
            throw ApiException.invalidVolume("Volume status must be " + String.join(" or ", from)
                    + " to reserve, but the status is " + current + ".");
        }
    }

    /** {@code os-unreserve}: attaching back to in use (if it has attachments) or available; otherwise nothing. */
    public void unreserve(RequestContext context, String volumeId) {
        volumeApi.get(context, volumeId);
        unreserve(volumeId);
    }

    private void unreserve(String volumeId) {
        tx.run(() -> {
            if (!volumes.lock(volumeId)) {
                return;
            }
            boolean attached = attachments.ofVolume(volumeId).stream()
                    .anyMatch(a -> !AttachStatus.DETACHED.equals(a.attachStatus()));
            volumes.transition(volumeId, Set.of(VolumeStatus.ATTACHING), attached ? VolumeStatus.IN_USE : VolumeStatus.AVAILABLE);
        });
    }

    /** {@code os-begin_detaching}: in use and attached (and not migrating) to detaching. */
    public void beginDetaching(RequestContext context, String volumeId) {
        volumeApi.get(context, volumeId);
        if (!volumes.transition(volumeId, Set.of(VolumeStatus.IN_USE), VolumeStatus.DETACHING, Map.of(),
                VolumeRepository.Guard.ATTACHED, VolumeRepository.Guard.NOT_MIGRATING)) {
            Volume now = volumes.findWithoutMetadata(volumeId).orElseThrow(() -> ApiException.volumeNotFound(volumeId));
            boolean migrating = now.migrationStatus() != null
                    && !Set.of("deleting", "error", "success").contains(now.migrationStatus());
            if (!migrating) {
                throw ApiException.invalidVolume("Unable to detach volume. Volume status must be 'in-use' and "
                        + "attach_status must be 'attached' to detach.");
            }
        }
    }

    /** {@code os-roll_detaching}: detaching back to in use; otherwise nothing. */
    public void rollDetaching(RequestContext context, String volumeId) {
        volumeApi.get(context, volumeId);
        volumes.transition(volumeId, Set.of(VolumeStatus.DETACHING), VolumeStatus.IN_USE);
    }

    /** {@code os-initialize_connection}: exports the volume to the connector's host; the nested connection info. */
    public JsonNode initializeConnection(RequestContext context, String volumeId, JsonNode connector) {
        Volume volume = volumeApi.get(context, volumeId);
        if (VolumeStatus.MAINTENANCE.equals(volume.status())) {
            throw ApiException.invalidVolume("The volume connection cannot be initialized in maintenance mode.");
        }
        if (connector == null || !connector.isObject()) {
            throw ApiException.invalidInput("Connector doesn't have required information: host");
        }
        requireHostOnBackend(volume);
        try {
            return volumeRpc.initializeConnection(context, volume, connector);
        } catch (CinderFault e) {
            if (e.kind() == CinderFault.Kind.BACKEND) {
                LOG.warn("initialize_connection of volume {} failed: {}", volumeId, e.getMessage());
                throw new ApiException(500, "Unable to fetch connection information from backend.");
            }
            throw e;
        }
    }

    /** {@code os-terminate_connection}: withdraws the host's access, then unreserves. */
    public void terminateConnection(RequestContext context, String volumeId, JsonNode connector) {
        Volume volume = volumeApi.get(context, volumeId);
        requireHostOnBackend(volume);
        try {
            volumeRpc.terminateConnection(context, volume, connector, false);
        } catch (CinderFault e) {
            if (e.kind() == CinderFault.Kind.BACKEND) {
                LOG.warn("terminate_connection of volume {} failed: {}", volumeId, e.getMessage());
                throw new ApiException(500, "Unable to terminate volume connection from backend.");
            }
            throw e;
        }
        unreserve(volumeId);
    }

    /**
     * {@code os-attach}: records the volume attached to an instance or host, in one transaction with the
     * volume's move to in use. An instance (or host) already attached gets its attachment back.
     */
    public void attach(RequestContext context, String volumeId, String instanceUuid, String hostName, String mountpoint,
            String mode) {
        Volume volume = volumeApi.get(context, volumeId);
        if (VolumeStatus.MAINTENANCE.equals(volume.status())) {
            throw ApiException.invalidVolume("The volume cannot be attached in maintenance mode.");
        }
        volumes.setAdminMetadata(volumeId, Map.of("readonly", "False"), true);
        if (volume.readonly() && !"ro".equals(mode)) {
            throw ApiException.badRequest("Invalid attaching mode '" + mode + "' for volume " + volumeId + ".");
        }
        String host = hostName == null ? null : sanitizeHostname(hostName);
        tx.run(() -> {
            if (!volumes.lock(volumeId)) {
                throw ApiException.volumeNotFound(volumeId);
            }
            Volume current = volumes.find(volumeId).orElseThrow(() -> ApiException.volumeNotFound(volumeId));
            String attachedMode = current.adminMetadata().get("attached_mode");
            if (VolumeStatus.ATTACHING.equals(current.status()) && attachedMode != null && !attachedMode.equals(mode)) {
                throw ApiException.invalidVolume("being attached by different mode");
            }
            List<Attachment> live = attachments.ofVolume(volumeId);
            for (Attachment a : live) {
                boolean same = instanceUuid != null ? instanceUuid.equals(a.instanceUuid())
                        : host != null && host.equals(a.attachedHost());
                if (same && !AttachStatus.DETACHED.equals(a.attachStatus())) {
                    volumes.transition(volumeId, Set.of(current.status()), VolumeStatus.IN_USE,
                            Map.of("attach_status", AttachStatus.ATTACHED));
                    return;
                }
            }
            if (VolumeStatus.IN_USE.equals(current.status()) && !current.multiattach() && current.migrationStatus() == null) {
                throw ApiException.invalidVolume("volume is already attached and multiple attachments are not enabled");
            }
            List<String> from = new ArrayList<>(List.of(VolumeStatus.AVAILABLE, VolumeStatus.ATTACHING, VolumeStatus.RESERVED));
            if (current.multiattach()) {
                from.add(VolumeStatus.IN_USE);
            }
            if (!volumes.transition(volumeId, from, VolumeStatus.IN_USE, Map.of("attach_status", AttachStatus.ATTACHED))) {
                throw ApiException.invalidVolume("Volume status must be " + String.join(" or ", from)
                        + " to attach, but the current status is " + current.status() + ".");
            }
            attachments.insert(new Attachment(UUID.randomUUID().toString(), volumeId, instanceUuid, host, mountpoint,
                    Timestamps.now(), null, AttachStatus.ATTACHED, mode, null, null, Timestamps.now(), null, false));
            volumes.setAdminMetadata(volumeId, Map.of("attached_mode", mode), false);
        });
        LOG.info("volume {} attached to {} at {}", volumeId, instanceUuid != null ? instanceUuid : host, mountpoint);
    }

    /** {@code os-detach}: the volume service removes the export and the attachment. */
    public void detach(RequestContext context, String volumeId, String attachmentId) {
        Volume volume = volumeApi.get(context, volumeId);
        if (VolumeStatus.MAINTENANCE.equals(volume.status())) {
            throw ApiException.invalidVolume("The volume cannot be detached in maintenance mode.");
        }
        requireHostOnBackend(volume);
        guard.requireDetachAllowed(context, attachments.ofVolume(volumeId), attachmentId);
        volumeRpc.detachVolume(context, volume, attachmentId);
    }

    /**
     * {@code os-force_detach} (admin): withdraws access (every host's when no connector is given), then detaches;
     * an attachment that does not exist or a volume in the wrong state is Cinder's 400.
     */
    public void forceDetach(RequestContext context, String volumeId, JsonNode connector, String attachmentId) {
        Volume volume = volumeApi.get(context, volumeId);
        requireHostOnBackend(volume);
        try {
            volumeRpc.terminateConnection(context, volume, connector, true);
        } catch (CinderFault e) {
            if (e.kind() == CinderFault.Kind.BACKEND) {
                LOG.warn("terminate_connection of volume {} failed: {}", volumeId, e.getMessage());
                throw new ApiException(500, "Unable to terminate volume connection from backend.");
            }
            throw e;
        }
        try {
            volumeRpc.detachVolume(context, volume, attachmentId);
        } catch (CinderFault e) {
            if (e.kind() == CinderFault.Kind.NOT_FOUND || e.kind() == CinderFault.Kind.INVALID_VOLUME) {
                String type = e.kind() == CinderFault.Kind.NOT_FOUND ? "VolumeAttachmentNotFound" : "InvalidVolume";
                throw ApiException.badRequest("Error force detaching volume - " + type + ": " + e.getMessage());
            }
            throw e;
        }
    }

    private static void requireHostOnBackend(Volume volume) {
        if (volume.host() == null) {
            throw ApiException.invalidVolume("Volume " + volume.id() + " has no host: it is " + volume.status() + ".");
        }
    }

    /** Cinder's {@code sanitize_hostname}: spaces and underscores to dashes, only word characters, dots and dashes. */
    static String sanitizeHostname(String hostName) {
        String name = hostName.replace(' ', '-').replace('_', '-').replaceAll("[^\\w.-]", "").toLowerCase(Locale.ROOT);
        return name.replaceAll("^[.-]+|[.-]+$", "");
    }
}
