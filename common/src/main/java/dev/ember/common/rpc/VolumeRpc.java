package dev.ember.common.rpc;

import dev.ember.common.context.RequestContext;
import dev.ember.common.json.Json;
import dev.ember.common.volume.Volume;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The volume service's RPC API (Cinder's {@code cinder/volume/rpcapi.py}): messages to the backend that
 * owns a volume, routed {@code cinder-volume.<host@backend>.<host>} as Cinder routes them.
 */
public final class VolumeRpc {

    public static final String CREATE_VOLUME = "create_volume";
    public static final String DELETE_VOLUME = "delete_volume";
    public static final String ATTACHMENT_UPDATE = "attachment_update";
    public static final String ATTACHMENT_DELETE = "attachment_delete";
    public static final String INITIALIZE_CONNECTION = "initialize_connection";
    public static final String TERMINATE_CONNECTION = "terminate_connection";
    public static final String DETACH_VOLUME = "detach_volume";
    public static final String EXTEND_VOLUME = "extend_volume";
    public static final String RETYPE = "retype";
    public static final String CREATE_SNAPSHOT = "create_snapshot";
    public static final String DELETE_SNAPSHOT = "delete_snapshot";
    public static final String REVERT_TO_SNAPSHOT = "revert_to_snapshot";
    public static final String CREATE_GROUP = "create_group";
    public static final String DELETE_GROUP = "delete_group";
    public static final String CREATE_GROUP_SNAPSHOT = "create_group_snapshot";
    public static final String DELETE_GROUP_SNAPSHOT = "delete_group_snapshot";
    static final String VERSION = "3.0";
    /** Cinder's volume RPC version that introduced the attachment calls. */
    static final String ATTACHMENT_VERSION = "3.9";

    private final Bus bus;
    private final java.time.Duration callTimeout;

    /** @param callTimeout how long a call waits for its reply (Cinder's {@code rpc_response_timeout}) */
    public VolumeRpc(Bus bus, java.time.Duration callTimeout) {
        this.bus = bus;
        this.callTimeout = callTimeout;
    }

    public void createVolume(RequestContext context, Volume volume) {
        ObjectNode args = Json.object();
        args.set("volume", VolumeObjects.primitive(volume));
        args.putObject("request_spec").put("volume_id", volume.id());
        args.putObject("filter_properties");
        args.put("allow_reschedule", false);
        cast(volume.backend(), CREATE_VOLUME, args, context);
    }

    public void deleteVolume(RequestContext context, Volume volume, boolean cascade) {
        ObjectNode args = Json.object();
        args.set("volume", VolumeObjects.primitive(volume));
        args.put("unmanage_only", false);
        args.put("cascade", cascade);
        cast(volume.backend(), DELETE_VOLUME, args, context);
    }

    /** {@code extend_volume} (cast): grows the volume to {@code new_size}, the growth claimed by a scheduler. */
    public void extendVolume(RequestContext context, Volume volume, int newSize) {
        ObjectNode args = Json.object();
        args.set("volume", VolumeObjects.primitive(volume));
        args.put("new_size", newSize);
        args.putArray("reservations");
        cast(volume.backend(), EXTEND_VOLUME, args, context);
    }

    /**
     * {@code retype} (cast): gives the volume its new type where it is; the scheduler found its backend suits the
     * type ({@code host} is that backend, as Cinder sends the destination).
     */
    public void retype(RequestContext context, Volume volume, String newTypeId, String migrationPolicy) {
        ObjectNode args = Json.object();
        args.set("volume", VolumeObjects.primitive(volume));
        args.put("new_type_id", newTypeId);
        ObjectNode host = args.putObject("host");
        host.put("host", volume.host());
        host.putNull("cluster_name");
        host.putObject("capabilities");
        args.put("migration_policy", migrationPolicy);
        args.putArray("reservations");
        args.putArray("old_reservations");
        cast(volume.backend(), RETYPE, args, context);
    }

    /** {@code create_snapshot} (cast) to the backend of the snapshot's volume. */
    public void createSnapshot(RequestContext context, Volume volume, dev.ember.common.snapshot.Snapshot snapshot) {
        ObjectNode args = Json.object();
        args.set("snapshot", VolumeObjects.primitive(snapshot));
        cast(volume.backend(), CREATE_SNAPSHOT, args, context);
    }

    /** {@code delete_snapshot} (cast) to the backend of the snapshot's volume. */
    public void deleteSnapshot(RequestContext context, Volume volume, dev.ember.common.snapshot.Snapshot snapshot) {
        ObjectNode args = Json.object();
        args.set("snapshot", VolumeObjects.primitive(snapshot));
        args.put("unmanage_only", false);
        cast(volume.backend(), DELETE_SNAPSHOT, args, context);
    }

    /** {@code revert_to_snapshot} (cast, volume RPC 3.15). */
    public void revertToSnapshot(RequestContext context, Volume volume, dev.ember.common.snapshot.Snapshot snapshot) {
        ObjectNode args = Json.object();
        args.set("volume", VolumeObjects.primitive(volume));
        args.set("snapshot", VolumeObjects.primitive(snapshot));
        cast(volume.backend(), REVERT_TO_SNAPSHOT, args, context);
    }

    /** {@code create_group} (cast) to the backend a scheduler placed the group on. */
    public void createGroup(RequestContext context, dev.ember.common.group.Group group) {
        ObjectNode args = Json.object();
        args.set("group", VolumeObjects.primitive(group));
        cast(group.backend(), CREATE_GROUP, args, context);
    }

    /** {@code delete_group} (cast): deletes the group and the volumes the API moved to deleting with it. */
    public void deleteGroup(RequestContext context, dev.ember.common.group.Group group) {
        ObjectNode args = Json.object();
        args.set("group", VolumeObjects.primitive(group));
        cast(group.backend(), DELETE_GROUP, args, context);
    }

    /** {@code create_group_snapshot} (cast): takes the snapshots whose rows the API created. */
    public void createGroupSnapshot(RequestContext context, dev.ember.common.group.Group group,
            dev.ember.common.group.GroupSnapshot groupSnapshot) {
        ObjectNode args = Json.object();
        args.set("group_snapshot", VolumeObjects.primitive(groupSnapshot));
        cast(group.backend(), CREATE_GROUP_SNAPSHOT, args, context);
    }

    /** {@code delete_group_snapshot} (cast): deletes the snapshots the API moved to deleting with it. */
    public void deleteGroupSnapshot(RequestContext context, dev.ember.common.group.Group group,
            dev.ember.common.group.GroupSnapshot groupSnapshot) {
        ObjectNode args = Json.object();
        args.set("group_snapshot", VolumeObjects.primitive(groupSnapshot));
        cast(group.backend(), DELETE_GROUP_SNAPSHOT, args, context);
    }

    /**
     * {@code attachment_update} (call): exports the volume to the connector's host and records the
     * attachment as attaching.
     *
     * @return the flattened connection info
     * @throws CinderFault what the volume service refused, with Cinder's class and message
     * @throws RpcTimeoutException when the volume service did not answer within {@code rpc_response_timeout}
     */
    public JsonNode attachmentUpdate(RequestContext context, Volume volume, JsonNode connector, String attachmentId) {
        ObjectNode args = Json.object();
        args.set("vref", VolumeObjects.primitive(volume));
        args.set("connector", connector);
        args.put("attachment_id", attachmentId);
        return call(volume.backend(), ATTACHMENT_UPDATE, ATTACHMENT_VERSION, args, context);
    }

    /** {@code attachment_delete} (call): withdraws the attachment's connection and removes it. */
    public void attachmentDelete(RequestContext context, Volume volume, String attachmentId) {
        ObjectNode args = Json.object();
        args.put("attachment_id", attachmentId);
        args.set("vref", VolumeObjects.primitive(volume));
        call(volume.backend(), ATTACHMENT_DELETE, ATTACHMENT_VERSION, args, context);
    }

    /** {@code initialize_connection} (call, legacy): exports the volume; returns the nested connection info. */
    public JsonNode initializeConnection(RequestContext context, Volume volume, JsonNode connector) {
        ObjectNode args = Json.object();
        args.set("connector", connector);
        args.set("volume", VolumeObjects.primitive(volume));
        return call(volume.backend(), INITIALIZE_CONNECTION, VERSION, args, context);
    }

    /** {@code terminate_connection} (call, legacy): withdraws the connector's host's access. */
    public void terminateConnection(RequestContext context, Volume volume, JsonNode connector, boolean force) {
        ObjectNode args = Json.object();
        args.put("volume_id", volume.id());
        args.set("connector", connector);
        args.put("force", force);
        call(volume.backend(), TERMINATE_CONNECTION, VERSION, args, context);
    }

    /** {@code detach_volume} (call, legacy): removes the export and the attachment. */
    public void detachVolume(RequestContext context, Volume volume, String attachmentId) {
        ObjectNode args = Json.object();
        args.put("volume_id", volume.id());
        if (attachmentId == null) {
            args.putNull("attachment_id");
        } else {
            args.put("attachment_id", attachmentId);
        }
        args.set("volume", VolumeObjects.primitive(volume));
        call(volume.backend(), DETACH_VOLUME, VERSION, args, context);
    }

    private JsonNode call(String backend, String method, String version, ObjectNode args, RequestContext context) {
        if (backend == null) {
            throw new CinderFault(CinderFault.Kind.INVALID_VOLUME, "Invalid volume: the volume has no host to send "
                    + method + " to.");
        }
        declareBackendQueue(bus.topology(), backend);
        try {
            return bus.call(Topics.volumeServerKey(backend), method, RpcMessage.cast(method, args, version, context),
                    callTimeout);
        } catch (RemoteException e) {
            throw CinderFault.of(e);
        }
    }

    private void cast(String backend, String method, ObjectNode args, RequestContext context) {
        if (backend == null) {
            throw new IllegalArgumentException("volume has no host to send " + method + " to");
        }
        declareBackendQueue(bus.topology(), backend);
        bus.cast(Topics.volumeServerKey(backend), RpcMessage.cast(method, args, VERSION, context));
    }

    /** The durable queue of one backend, bound by both of Cinder's routing keys. */
    public static void declareBackendQueue(Topology topology, String backend) {
        topology.durableTopicQueue(Topics.volumeQueue(backend), Topics.volumeServerKey(backend));
    }
}
