package dev.ember.api.attachment;

import dev.ember.api.http.ApiException;
import dev.ember.api.volume.VolumeApi;
import dev.ember.common.attachment.AttachStatus;
import dev.ember.common.attachment.Attachment;
import dev.ember.common.attachment.AttachmentQuery;
import dev.ember.common.attachment.AttachmentRepository;
import dev.ember.common.context.RequestContext;
import dev.ember.common.db.Timestamps;
import dev.ember.common.db.Tx;
import dev.ember.common.json.Json;
import dev.ember.common.rpc.CinderFault;
import dev.ember.common.rpc.VolumeRpc;
import dev.ember.common.volume.Volume;
import dev.ember.common.volume.VolumeRepository;
import dev.ember.common.volume.VolumeStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The attachments API (Cinder's {@code attachment_*} in {@code cinder/volume/api.py}): reserving a volume
 * for a host, connecting it through the owning volume service, completing and deleting. Every status
 * change is a compare-and-swap; reserving and recording an attachment is one transaction, so two racing
 * reservations of a volume that is not multiattach cannot both win.
 */
public final class AttachmentApi {

    private static final Logger LOG = LoggerFactory.getLogger(AttachmentApi.class);

    private final VolumeApi volumeApi;
    private final VolumeRepository volumes;
    private final AttachmentRepository attachments;
    private final VolumeRpc volumeRpc;
    private final Tx tx;
    private final AttachmentGuard guard;

    public AttachmentApi(VolumeApi volumeApi, VolumeRepository volumes, AttachmentRepository attachments,
            VolumeRpc volumeRpc, Tx tx, AttachmentGuard guard) {
        this.guard = guard;
        this.volumeApi = volumeApi;
        this.volumes = volumes;
        this.attachments = attachments;
        this.volumeRpc = volumeRpc;
        this.tx = tx;
    }

    /** An attachment as an answer shows it, with the connection info the call returned. */
    public record Shown(Attachment attachment, String connectionInfo) {
    }

    /**
     * Reserves the volume and records a {@code reserved} attachment; with a connector, also connects it
     * through the volume service. As in Cinder the answer shows the attachment as it was reserved, with
     * the connection info added.
     *
     * @param attachMode {@code rw}, {@code ro}, or {@code "null"} when the request named none
     */
    public Shown create(RequestContext context, String volumeId, String instanceUuid, JsonNode connector,
            String attachMode) {
        Volume volume = volumeApi.get(context, volumeId);
        boolean connect = connector != null && !connector.isNull();
        if (connect) {
            requireHost(connector);
        }
        if (volume.status().contains("error")) {
            throw ApiException.invalidVolume("Volume attachments can not be created if the volume is in an error state. "
                    + "The Volume " + volumeId + " currently has a status of: " + volume.status() + " ");
        }
        Attachment attachment = new Attachment(UUID.randomUUID().toString(), volumeId, instanceUuid, null, null, null,
                null, AttachStatus.RESERVED, volume.readonly() ? "ro" : attachMode, "{}", null, Timestamps.now(), null,
                false);
        tx.run(() -> {
            if (!reserve(volume, instanceUuid)) {
                Volume current = volumes.findWithoutMetadata(volumeId).orElse(volume);
                throw ApiException.invalidVolume("Volume " + volumeId + " status must be "
                        + String.join(" or ", reservable(volume)) + " to reserve, but the current status is "
                        + current.status() + ".");
            }
            attachments.insert(attachment);
        });
        LOG.info("volume {} reserved by attachment {} (instance {})", volumeId, attachment.id(), instanceUuid);
        if (!connect) {
            return new Shown(attachment, attachment.connectionInfo());
        }
        JsonNode info;
        try {
            info = connect(context, volume, connector, attachment.id(), "Unable to create attachment for volume (");
        } catch (RuntimeException e) {
            // The caller gets an error (a 503 when the broker, the volume service or its storage is away, a 400
            // for a connector the driver refuses) and never learns this attachment's id, so nobody could ever
            // delete it: as Cinder's attachment_create, the reservation is withdrawn here (the volume service
            // withdraws a connection it makes late).
            withdraw(context, volume.id(), attachment.id(), e);
            throw e;
        }
        // As Cinder, the attachment keeps the mode the request asked for ("null" when it named none).
        attachments.update(attachment.id(), Map.of("attach_mode", attachment.attachMode()));
        return new Shown(attachment, Json.write(info));
    }

    /** Deletes an attachment whose create failed; a failure here is logged (the create's own error is the answer). */
    private void withdraw(RequestContext context, String volumeId, String attachmentId, RuntimeException cause) {
        try {
            delete(context, attachmentId);
            LOG.info("attachment {} of volume {} withdrawn: its connection could not be made ({})", attachmentId, volumeId,
                    cause.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("attachment {} of volume {} could not be withdrawn after a failed create: {}", attachmentId, volumeId,
                    e.getMessage());
        }
    }

    /** The statuses a reservation may start from (Cinder's {@code _attachment_reserve}, plus racing multiattach ones). */
    private static List<String> reservable(Volume volume) {
        return volume.multiattach()
                ? List.of(VolumeStatus.AVAILABLE, VolumeStatus.IN_USE, VolumeStatus.DOWNLOADING)
                : List.of(VolumeStatus.AVAILABLE, VolumeStatus.DOWNLOADING);
    }

    /**
     * Moves the volume to {@code reserved}; an instance already attached to it may reserve it again (Nova's
     * live migration) without a status change. Runs inside the creating transaction.
     */
    private boolean reserve(Volume volume, String instanceUuid) {
        List<String> from = new ArrayList<>(reservable(volume));
        if (volume.multiattach()) {
            // Several hosts reserving a multiattach volume at once all succeed.
            from.add(VolumeStatus.RESERVED);
            from.add(VolumeStatus.ATTACHING);
        }
        if (volumes.transition(volume.id(), from, VolumeStatus.RESERVED, Map.of(),
                volume.multiattach() ? VolumeRepository.Guard.MULTIATTACH : VolumeRepository.Guard.NOT_MULTIATTACH)) {
            return true;
        }
        Volume current = volumes.findWithoutMetadata(volume.id()).orElse(null);
        return instanceUuid != null && current != null
                && Set.of(VolumeStatus.IN_USE, VolumeStatus.RESERVED).contains(current.status())
                && attachments.ofVolume(volume.id()).stream().anyMatch(a -> instanceUuid.equals(a.instanceUuid()));
    }

    /** Connects the attachment to the connector's host; the answer shows it as it was before. */
    public Shown update(RequestContext context, String attachmentId, JsonNode connector) {
        Attachment attachment = get(context, attachmentId);
        Volume volume = volumeApi.get(context, attachment.volumeId());
        requireHost(connector);
        if (volume.status().contains("error")) {
            throw new ApiException(409, "Resource conflict: Volume attachments can not be updated if the volume is in "
                    + "an error state. The Volume " + volume.id() + " currently has a status of: " + volume.status() + " ");
        }
        List<Attachment> all = attachments.ofVolume(volume.id());
        if (all.size() > 1 && !volume.multiattach() && all.stream().anyMatch(Attachment::hasConnection)) {
            throw new ApiException(409, "Resource conflict: duplicate connectors detected on volume " + volume.id());
        }
        JsonNode info = connect(context, volume, connector, attachmentId, "Unable to update attachment (");
        return new Shown(attachment, Json.write(info));
    }

    private JsonNode connect(RequestContext context, Volume volume, JsonNode connector, String attachmentId,
            String failurePrefix) {
        try {
            return volumeRpc.attachmentUpdate(context, volume, connector, attachmentId);
        } catch (CinderFault e) {
            if (e.kind() == CinderFault.Kind.BACKEND) {
                throw new ApiException(500, failurePrefix + e.getMessage() + ").");
            }
            throw e;
        }
    }

    /** Cinder's {@code os-complete}: the attachment is attached, the volume in use. */
    public void complete(RequestContext context, String attachmentId) {
        Attachment attachment = get(context, attachmentId);
        volumeApi.get(context, attachment.volumeId());
        tx.run(() -> {
            if (!volumes.lock(attachment.volumeId())) {
                throw ApiException.volumeNotFound(attachment.volumeId());
            }
            if (!attachments.transition(attachmentId, Set.of(AttachStatus.RESERVED, AttachStatus.ATTACHING,
                    AttachStatus.ATTACHED, AttachStatus.DETACHING), AttachStatus.ATTACHED, Map.of())) {
                Attachment now = attachments.find(attachmentId).orElseThrow(() -> notFound(attachmentId));
                throw ApiException.invalidVolume("Unable to complete attachment " + attachmentId + ": its status is "
                        + now.attachStatus() + ".");
            }
            if (!volumes.transition(attachment.volumeId(), Set.of(VolumeStatus.RESERVED, VolumeStatus.ATTACHING,
                    VolumeStatus.IN_USE, VolumeStatus.DETACHING), VolumeStatus.IN_USE,
                    Map.of("attach_status", AttachStatus.ATTACHED))) {
                // Throwing rolls the attachment's change back: both change or neither.
                Volume now = volumes.findWithoutMetadata(attachment.volumeId()).orElseThrow();
                throw ApiException.invalidVolume("Unable to complete attachment " + attachmentId + ": the volume is "
                        + now.status() + ".");
            }
        });
        LOG.info("attachment {} of volume {} completed", attachmentId, attachment.volumeId());
    }

    /**
     * Deletes an attachment: one only reserved is removed here; one connected is withdrawn and removed by
     * the volume service. Either way the volume's status follows from the attachments that remain.
     *
     * @return the volume's remaining attachments
     */
    public List<Attachment> delete(RequestContext context, String attachmentId) {
        Attachment attachment = get(context, attachmentId);
        Volume volume = volumeApi.get(context, attachment.volumeId());
        guard.requireDeletionAllowed(context, attachment);
        if (AttachStatus.RESERVED.equals(attachment.attachStatus()) && !attachment.hasConnection()) {
            if (tx.call(() -> attachments.finishDetach(volume.id(), attachmentId, Set.of(AttachStatus.RESERVED))).isPresent()) {
                LOG.info("reserved attachment {} of volume {} deleted", attachmentId, volume.id());
                return attachments.ofVolume(volume.id());
            }
            // It was connected meanwhile: the volume service withdraws it below.
        }
        if (attachments.find(attachmentId).isPresent()) {
            volumeRpc.attachmentDelete(context, volume, attachmentId);
        }
        return attachments.ofVolume(volume.id());
    }

    /** A live attachment of a volume the caller may see. */
    public Attachment get(RequestContext context, String attachmentId) {
        Attachment attachment = attachments.find(attachmentId).orElseThrow(() -> notFound(attachmentId));
        Optional<Volume> volume = volumes.findWithoutMetadata(attachment.volumeId());
        if (volume.isEmpty() || !context.isAdmin() && !volume.get().projectId().equals(context.projectId())) {
            throw notFound(attachmentId);
        }
        return attachment;
    }

    public List<Attachment> list(AttachmentQuery query) {
        return attachments.list(query);
    }

    private static void requireHost(JsonNode connector) {
        if (connector == null || !connector.isObject()) {
            throw ApiException.invalidInput("Connector doesn't have required information: host");
        }
        JsonNode host = connector.get("host");
        if (host == null || host.isNull() || !host.isString()) {
            throw ApiException.invalidInput("Connector doesn't have required information: host");
        }
    }

    static ApiException notFound(String attachmentId) {
        return ApiException.notFound("Volume attachment could not be found with filter: attachment_id = "
                + attachmentId + ".");
    }
}
