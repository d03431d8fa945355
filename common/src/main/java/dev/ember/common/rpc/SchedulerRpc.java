package dev.ember.common.rpc;

import dev.ember.common.context.RequestContext;
import dev.ember.common.json.Json;
import dev.ember.common.volume.Volume;
import tools.jackson.databind.node.ObjectNode;

/** The scheduler's RPC API (Cinder's {@code cinder/scheduler/rpcapi.py}), as the API process calls it. */
public final class SchedulerRpc {

    public static final String CREATE_VOLUME = "create_volume";
    public static final String EXTEND_VOLUME = "extend_volume";
    public static final String RETYPE = "retype";
    public static final String CREATE_GROUP = "create_group";
    public static final String UPDATE_SERVICE_CAPABILITIES = "update_service_capabilities";
    static final String VERSION = "3.0";

    private final Bus bus;

    public SchedulerRpc(Bus bus) {
        this.bus = bus;
        bus.topology().durableTopicQueue(Topics.SCHEDULER);
        bus.topology().fanoutExchange(Topics.SCHEDULER_FANOUT);
    }

    /** Asks some scheduler to place a new volume; returns once the broker stored the request. */
    public void createVolume(RequestContext context, Volume volume) {
        ObjectNode args = Json.object();
        args.set("volume", VolumeObjects.primitive(volume));
        args.putNull("snapshot_id");
        args.putNull("image_id");
        ObjectNode spec = args.putObject("request_spec");
        spec.put("volume_id", volume.id());
        spec.put("volume_type_id", volume.volumeTypeId());
        ObjectNode properties = spec.putObject("volume_properties");
        properties.put("size", volume.size());
        properties.put("availability_zone", volume.availabilityZone());
        properties.put("project_id", volume.projectId());
        args.putObject("filter_properties");
        args.putNull("backup_id");
        bus.cast(Topics.SCHEDULER, RpcMessage.cast(CREATE_VOLUME, args, VERSION, context));
    }

    /** Asks some scheduler to check and claim room for an extend (Cinder's {@code extend_volume}, 3.2). */
    public void extendVolume(RequestContext context, Volume volume, int newSize) {
        ObjectNode args = Json.object();
        args.set("volume", VolumeObjects.primitive(volume));
        args.put("new_size", newSize);
        args.putArray("reservations");
        ObjectNode spec = args.putObject("request_spec");
        spec.put("volume_id", volume.id());
        spec.putObject("volume_properties").put("size", newSize - volume.size());
        args.putObject("filter_properties");
        bus.cast(Topics.SCHEDULER, RpcMessage.cast(EXTEND_VOLUME, args, VERSION, context));
    }

    /**
     * Asks some scheduler whether the volume's backend suits its new type (Cinder's {@code retype}); the type and
     * policy asked for are also on the volume's row ({@code retype_type_id}, {@code retype_policy}).
     */
    public void retype(RequestContext context, Volume volume, String newTypeId, String migrationPolicy) {
        ObjectNode args = Json.object();
        args.set("volume", VolumeObjects.primitive(volume));
        ObjectNode spec = args.putObject("request_spec");
        spec.put("volume_id", volume.id());
        spec.putObject("volume_type").put("id", newTypeId);
        spec.put("migration_policy", migrationPolicy);
        spec.putArray("availability_zones").add(volume.availabilityZone());
        args.putObject("filter_properties");
        bus.cast(Topics.SCHEDULER, RpcMessage.cast(RETYPE, args, VERSION, context));
    }

    /**
     * Asks some scheduler to place a new group (Cinder's {@code create_group}): one pool that suits every volume
     * type of the group.
     */
    public void createGroup(RequestContext context, dev.ember.common.group.Group group) {
        ObjectNode args = Json.object();
        args.set("group", VolumeObjects.primitive(group));
        ObjectNode spec = args.putObject("group_spec");
        spec.put("group_id", group.id());
        spec.putObject("group_type").put("id", group.groupTypeId());
        var list = args.putArray("request_spec_list");
        for (String typeId : group.volumeTypeIds()) {
            ObjectNode one = list.addObject();
            one.put("group_id", group.id());
            one.putObject("volume_type").put("id", typeId);
        }
        args.putObject("group_filter_properties");
        args.putArray("filter_properties_list");
        bus.cast(Topics.SCHEDULER, RpcMessage.cast(CREATE_GROUP, args, VERSION, context));
    }

    /**
     * Tells every scheduler a backend's capabilities (fanout). {@code capabilities} maps pool name to
     * the pool's capability document.
     */
    public void updateServiceCapabilities(RequestContext context, String backend, ObjectNode capabilities,
            String timestamp) {
        ObjectNode args = Json.object();
        args.put("service_name", "volume");
        args.put("host", backend);
        args.set("capabilities", capabilities);
        args.putNull("cluster_name");
        args.put("timestamp", timestamp);
        bus.fanout(Topics.SCHEDULER_FANOUT, RpcMessage.cast(UPDATE_SERVICE_CAPABILITIES, args, VERSION, context));
    }
}
