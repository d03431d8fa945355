package dev.ember.volume.manager;

import dev.ember.common.attachment.AttachStatus;
import dev.ember.common.attachment.Attachment;
import dev.ember.common.attachment.AttachmentRepository;
import dev.ember.common.db.Timestamps;
import dev.ember.common.db.Tx;
import dev.ember.common.qos.QosRepository;
import dev.ember.common.qos.QosSpecs;
import dev.ember.common.json.Json;
import dev.ember.common.rpc.CinderFault;
import dev.ember.common.rpc.RpcMessage;
import dev.ember.common.rpc.VolumeObjects;
import dev.ember.common.type.VolumeType;
import dev.ember.common.type.VolumeTypeCache;
import dev.ember.common.volume.Volume;
import dev.ember.common.volume.VolumeRepository;
import dev.ember.common.volume.VolumeStatus;
import dev.ember.volume.spi.ConnectionCapable;
import dev.ember.volume.spi.ConnectionInfo;
import dev.ember.volume.spi.Connector;
import dev.ember.volume.spi.DriverErrorCode;
import dev.ember.volume.spi.DriverException;
import dev.ember.volume.spi.ModelUpdate;
import dev.ember.volume.spi.RetriableDriverException;
import dev.ember.volume.spi.VolumeDriver;
import dev.ember.volume.spi.VolumeSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The volume service's side of attaching on one backend (Cinder's {@code attachment_update},
 * {@code attachment_delete}, {@code initialize_connection}, {@code terminate_connection},
 * {@code detach_volume}): the driver exports the volume and lets hosts in, and the attachment rows record
 * it. Every handler runs under the volume's lock, re-reads the rows, and is idempotent.
 *
 * <p>The export lives as long as some attachment of the volume does: a host's access is withdrawn when its
 * last attachment goes (several attachments from one host share it), the export when the volume's last one
 * does. When an attachment vanished while its connection was being made (deleted meanwhile), what was made
 * for it is undone, so no target outlives its attachments.
 */
final class AttachmentManager {

    private static final Logger LOG = LoggerFactory.getLogger(AttachmentManager.class);
    /** The statuses a volume may have while one of its attachments connects. */
    private static final Set<String> ATTACHABLE_VOLUME = Set.of(VolumeStatus.RESERVED, VolumeStatus.ATTACHING,
            VolumeStatus.IN_USE, VolumeStatus.DETACHING);

    private final String backend;
    private final VolumeDriver driver;
    private final VolumeRepository volumes;
    private final AttachmentRepository attachments;
    private final QosRepository qosSpecs;
    private final VolumeTypeCache types;
    private final Tx tx;
    private final VolumeLocks locks;
    private final DriverTimer timer;
    private final VolumeManager volumeManager;
    private final dev.ember.common.notify.VolumeNotifications notifications;

    AttachmentManager(String backend, VolumeDriver driver, VolumeRepository volumes, AttachmentRepository attachments,
            VolumeTypeCache types, QosRepository qosSpecs, Tx tx, VolumeLocks locks, DriverTimer timer,
            VolumeManager volumeManager, dev.ember.common.notify.VolumeNotifications notifications) {
        this.notifications = notifications;
        this.qosSpecs = qosSpecs;
        this.backend = backend;
        this.driver = driver;
        this.volumes = volumes;
        this.attachments = attachments;
        this.types = types;
        this.tx = tx;
        this.locks = locks;
        this.timer = timer;
        this.volumeManager = volumeManager;
    }

    // ----- RPC handlers ---------------------------------------------------------------------------

    /** {@code attachment_update(vref, connector, attachment_id)}: returns the flattened connection info. */
    JsonNode attachmentUpdate(RpcMessage message) throws DriverException {
        String volumeId = VolumeObjects.id(message.args().get("vref"));
        String attachmentId = text(message.args().get("attachment_id"));
        JsonNode connectorJson = message.args().get("connector");
        return guarded(() -> locks.with(volumeId, () -> {
            Volume volume = ownVolume(volumeId);
            Attachment attachment = attachment(attachmentId, volumeId);
            Connector connector = connector(connectorJson);
            String mode = connector.properties().get("mode") instanceof String m ? m : "rw";
            if (attachment.attachMode() != null && !attachment.attachMode().equals("null")) {
                mode = attachment.attachMode();
            }
            notifications.volume(dev.ember.common.context.CurrentContext.get(), volume, "attach.start");
            Connection made = connect(volume, connector, mode);
            ObjectNode flat = ConnectionInfos.flattened(made.driverVolumeType(), made.data(), attachmentId);
            Map<String, Object> set = new LinkedHashMap<>();
            set.put("connector", Json.write(connectorJson));
            set.put("connection_info", Json.write(flat));
            set.put("attached_host", connector.host());
            set.put("mountpoint", connector.mountpoint() != null ? connector.mountpoint() : "na");
            set.put("attach_time", Timestamps.now());
            set.put("attach_mode", mode);
            String modeFinal = mode;
            boolean recorded;
            try {
                recorded = tx.call(() -> {
                    if (!volumes.lock(volumeId) || !attachments.transition(attachmentId, Set.of(AttachStatus.RESERVED,
                            AttachStatus.ATTACHING, AttachStatus.ATTACHED), AttachStatus.ATTACHING, set)) {
                        return false;
                    }
                    if (!volumes.transition(volumeId, ATTACHABLE_VOLUME, VolumeStatus.ATTACHING,
                            Map.of("attach_status", AttachStatus.ATTACHING))) {
                        throw new LostRace();
                    }
                    return true;
                });
            } catch (LostRace e) {
                recorded = false;
            }
            if (!recorded) {
                // Deleted (or its volume moved on) while we made the connection: take it back.
                LOG.warn("attachment {} of volume {} went away while connecting; withdrawing the connection",
                        attachmentId, volumeId);
                release(volume, connector, attachmentId, true);
                throw new CinderFault(CinderFault.Kind.NOT_FOUND,
                        "Volume attachment could not be found with filter: attachment_id = " + attachmentId + ".");
            }
            LOG.info("volume {} connected to host {} ({}, {})", volumeId, connector.host(), made.driverVolumeType(), modeFinal);
            volumes.findWithoutMetadata(volumeId).ifPresent(now -> notifications.volume(
                    dev.ember.common.context.CurrentContext.get(), now, "attach.end"));
            return flat;
        }));
    }

    /** {@code attachment_delete(attachment_id, vref)}: withdraws the connection and removes the attachment. */
    JsonNode attachmentDelete(RpcMessage message) throws DriverException {
        String volumeId = VolumeObjects.id(message.args().get("vref"));
        String attachmentId = text(message.args().get("attachment_id"));
        return guarded(() -> locks.with(volumeId, () -> {
            Volume volume = ownVolume(volumeId);
            Attachment attachment = attachments.find(attachmentId).orElse(null);
            if (attachment == null) {
                LOG.info("attachment {} is already gone", attachmentId);
                return null;
            }
            Connector connector = attachment.connector() == null ? null : connector(Json.parse(attachment.connector()));
            notifications.volume(dev.ember.common.context.CurrentContext.get(), volume, "detach.start");
            release(volume, connector, attachmentId, false);
            tx.run(() -> attachments.finishDetach(volumeId, attachmentId, null));
            LOG.info("attachment {} of volume {} deleted", attachmentId, volumeId);
            volumes.findWithoutMetadata(volumeId).ifPresent(now -> notifications.volume(
                    dev.ember.common.context.CurrentContext.get(), now, "detach.end"));
            return null;
        }));
    }

    /** Legacy {@code initialize_connection(connector, volume)}: returns the nested connection info. */
    JsonNode initializeConnection(RpcMessage message) throws DriverException {
        String volumeId = VolumeObjects.id(message.args().get("volume"));
        JsonNode connectorJson = message.args().get("connector");
        return guarded(() -> locks.with(volumeId, () -> {
            Volume volume = ownVolume(volumeId);
            Connection made = connect(volume, connector(connectorJson), "rw");
            return ConnectionInfos.nested(made.driverVolumeType(), made.data());
        }));
    }

    /** Legacy {@code terminate_connection(volume_id, connector, force)}. */
    JsonNode terminateConnection(RpcMessage message) throws DriverException {
        String volumeId = text(message.args().get("volume_id"));
        JsonNode connectorJson = message.args().get("connector");
        return guarded(() -> locks.with(volumeId, () -> {
            Volume volume = ownVolume(volumeId);
            Connector connector = connectorJson == null || !connectorJson.isObject() ? null : connector(connectorJson);
            if (connector != null && !sharedByAnother(connector, attachments.ofVolume(volumeId), null)) {
                ConnectionCapable attach = attachCapable();
                VolumeSpec spec = volumeManager.spec(volume);
                timer.timedAction("terminate_connection", () -> attach.terminateConnection(spec, connector));
            }
            return null;
        }));
    }

    /** Legacy {@code detach_volume(volume_id, attachment_id, volume)}: removes the export and the attachment. */
    JsonNode detachVolume(RpcMessage message) throws DriverException {
        String volumeId = text(message.args().get("volume_id"));
        String attachmentId = text(message.args().get("attachment_id"));
        return guarded(() -> locks.with(volumeId, () -> {
            Volume volume = ownVolume(volumeId);
            List<Attachment> live = attachments.ofVolume(volumeId);
            Attachment attachment;
            if (attachmentId != null) {
                attachment = live.stream().filter(a -> a.id().equals(attachmentId)).findFirst().orElse(null);
                if (attachment == null) {
                    LOG.info("Volume detach called, but volume not attached: attachment {} of {}", attachmentId, volumeId);
                    tx.run(() -> attachments.finishDetach(volumeId, null, null));
                    return null;
                }
            } else if (live.size() > 1) {
                throw new CinderFault(CinderFault.Kind.INVALID_VOLUME, "Invalid volume: Detach volume failed: More than "
                        + "one attachment, but no attachment_id provided.");
            } else if (live.isEmpty()) {
                tx.run(() -> attachments.finishDetach(volumeId, null, null));
                return null;
            } else {
                attachment = live.get(0);
            }
            Connector connector = attachment.connector() == null ? null : connector(Json.parse(attachment.connector()));
            release(volume, connector, attachment.id(), false);
            String id = attachment.id();
            tx.run(() -> attachments.finishDetach(volumeId, id, null));
            return null;
        }));
    }

    /**
     * Re-creates the exports of this backend's volumes that should have one (called at start and
     * periodically): whatever the storage lost, hosts holding connection info find again.
     */
    void ensureExports() {
        if (!(driver instanceof ConnectionCapable attach)) {
            return;
        }
        List<VolumeSpec> exported = new ArrayList<>();
        for (Volume volume : volumes.findOnBackend(backend, List.of(VolumeStatus.IN_USE, VolumeStatus.ATTACHING,
                VolumeStatus.DETACHING, VolumeStatus.RESERVED, VolumeStatus.AVAILABLE, VolumeStatus.MAINTENANCE, VolumeStatus.EXTENDING))) {
            if (volume.providerAuth() != null || !AttachStatus.DETACHED.equals(volume.attachStatus())) {
                exported.add(volumeManager.spec(volume));
            }
        }
        if (exported.isEmpty()) {
            return;
        }
        try {
            timer.timedAction("ensure_export", () -> attach.ensureExports(exported));
        } catch (DriverException | RuntimeException e) {
            LOG.warn("cannot re-create the exports of {} volume(s) on {} yet: {}", exported.size(), backend, e.getMessage());
        }
    }

    // ----- the work -------------------------------------------------------------------------------

    /** Thrown inside a transaction to roll back an attachment's change when its volume moved on. */
    private static final class LostRace extends RuntimeException {
        LostRace() {
            super("the volume moved on", null, false, false);
        }
    }

    /** What the driver handed out for a connection, with the manager's keys added. */
    private record Connection(String driverVolumeType, ObjectNode data) {
    }

    /** Validates the connector, exports the volume (storing what the export returned) and lets the host in. */
    private Connection connect(Volume volume, Connector connector, String mode) throws DriverException {
        ConnectionCapable attach = attachCapable();
        try {
            attach.validateConnector(connector);
        } catch (DriverException e) {
            if (e.code() == DriverErrorCode.INVALID_ARGUMENT) {
                throw new CinderFault(CinderFault.Kind.INVALID_INPUT, "Invalid input received: " + e.getMessage());
            }
            throw e;
        }
        VolumeSpec spec = volumeManager.spec(volume);
        ModelUpdate export;
        try {
            export = timer.timed("create_export", () -> attach.createExport(spec));
        } catch (DriverException e) {
            // Half an export (a target file written, the daemon unreachable) would come back as a target no
            // attachment holds once the daemon does.
            undoExport(attach, volume, spec);
            throw e;
        }
        if (!Objects.equals(export.providerLocation(), volume.providerLocation())
                || !Objects.equals(export.providerAuth(), volume.providerAuth())) {
            volumes.saveExport(volume.id(), export.providerLocation(), export.providerAuth());
        }
        VolumeSpec exported = spec.with(export);
        ConnectionInfo info;
        try {
            info = timer.timed("initialize_connection", () -> attach.initializeConnection(exported, connector));
        } catch (DriverException e) {
            undoExport(attach, volume, exported);
            throw e;
        }
        VolumeType type = types.byId(volume.volumeTypeId()).orElse(null);
        QosSpecs qos = type == null || type.qosSpecsId() == null ? null : qosSpecs.find(type.qosSpecsId()).orElse(null);
        return new Connection(info.driverVolumeType(), ConnectionInfos.data(info, volume, type, qos, mode));
    }

    /** After a failed connection: removes the export (logging a failure) unless another connection uses it. */
    private void undoExport(ConnectionCapable attach, Volume volume, VolumeSpec spec) {
        if (attachments.ofVolume(volume.id()).stream().noneMatch(Attachment::hasConnection)) {
            safely("remove_export", () -> attach.removeExport(spec));
        }
    }

    /**
     * Withdraws what attachment {@code attachmentId} holds: its host's access unless another live attachment
     * of the volume comes from the same host, and the export unless another live attachment remains.
     *
     * @param quietly whether driver failures are only logged (undoing a connection that lost its row)
     */
    private void release(Volume volume, Connector connector, String attachmentId, boolean quietly) throws DriverException {
        if (!(driver instanceof ConnectionCapable attach)) {
            return;
        }
        List<Attachment> others = attachments.ofVolume(volume.id()).stream()
                .filter(a -> !a.id().equals(attachmentId) && !a.attachStatus().startsWith("error_")).toList();
        VolumeSpec spec = volumeManager.spec(volume);
        if (connector != null && !sharedByAnother(connector, others, attachmentId)) {
            if (quietly) {
                safely("terminate_connection", () -> attach.terminateConnection(spec, connector));
            } else {
                timer.timedAction("terminate_connection", () -> attach.terminateConnection(spec, connector));
            }
        }
        if (others.isEmpty()) {
            if (quietly) {
                safely("remove_export", () -> attach.removeExport(spec));
            } else {
                timer.timedAction("remove_export", () -> attach.removeExport(spec));
            }
        }
    }

    /** Whether another live attachment connects the same host (same initiator, else same host name). */
    private static boolean sharedByAnother(Connector connector, List<Attachment> attachments, String exceptId) {
        for (Attachment other : attachments) {
            if (other.id().equals(exceptId) || other.connector() == null || other.attachStatus().startsWith("error_")) {
                continue;
            }
            Connector theirs = connector(Json.parse(other.connector()));
            boolean same = connector.initiator() != null ? connector.initiator().equals(theirs.initiator())
                    : connector.host().equals(theirs.host());
            if (same) {
                return true;
            }
        }
        return false;
    }

    private void safely(String operation, DriverTimer.Action action) {
        try {
            timer.timedAction(operation, action);
        } catch (DriverException | RuntimeException e) {
            LOG.warn("{} on {} failed, ignoring: {}", operation, backend, e.getMessage());
        }
    }

    private ConnectionCapable attachCapable() {
        if (driver instanceof ConnectionCapable attach) {
            return attach;
        }
        throw new CinderFault(CinderFault.Kind.INVALID_VOLUME,
                "Invalid volume: the backend " + backend + " cannot attach volumes.");
    }

    private Volume ownVolume(String volumeId) {
        if (volumeId == null) {
            throw new CinderFault(CinderFault.Kind.INVALID_INPUT, "Invalid input received: no volume given");
        }
        Volume volume = volumes.find(volumeId).orElseThrow(() -> new CinderFault(CinderFault.Kind.NOT_FOUND,
                "Volume " + volumeId + " could not be found."));
        if (!backend.equals(volume.backend())) {
            throw new CinderFault(CinderFault.Kind.INVALID_VOLUME,
                    "Invalid volume: volume " + volumeId + " is not on backend " + backend + ".");
        }
        return volume;
    }

    private Attachment attachment(String attachmentId, String volumeId) {
        Attachment attachment = attachmentId == null ? null : attachments.find(attachmentId).orElse(null);
        if (attachment == null) {
            throw new CinderFault(CinderFault.Kind.NOT_FOUND,
                    "Volume attachment could not be found with filter: attachment_id = " + attachmentId + ".");
        }
        if (!attachment.volumeId().equals(volumeId)) {
            throw new CinderFault(CinderFault.Kind.INVALID_INPUT, "Invalid input received: Mismatched volume and attachment");
        }
        return attachment;
    }

    @SuppressWarnings("unchecked")
    private static Connector connector(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new CinderFault(CinderFault.Kind.INVALID_INPUT, "Invalid input received: a connector is required");
        }
        return Connector.of(Json.mapper().convertValue(json, Map.class));
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asString();
    }

    /** The driver's failures in Cinder's words: retriable ones as "not ready" (503), others as backend errors. */
    private <T> T guarded(VolumeLocks.Work<T> work) {
        try {
            return work.run();
        } catch (RetriableDriverException e) {
            throw new CinderFault(CinderFault.Kind.UNAVAILABLE, "Volume driver not ready: " + e.getMessage());
        } catch (DriverException e) {
            if (e.code() == DriverErrorCode.INVALID_ARGUMENT) {
                throw new CinderFault(CinderFault.Kind.INVALID_INPUT, "Invalid input received: " + e.getMessage());
            }
            throw new CinderFault(CinderFault.Kind.BACKEND,
                    "Bad or unexpected response from the storage volume backend API: " + e.getMessage());
        }
    }
}
