package dev.ember.common.rpc;

import dev.ember.common.context.RequestContext;
import dev.ember.common.json.Json;
import dev.ember.common.volume.Volume;
import tools.jackson.databind.node.ObjectNode;

/**
 * The volume service's RPC API (Cinder's {@code cinder/volume/rpcapi.py}): messages to the backend that
 * owns a volume, routed {@code cinder-volume.<host@backend>.<host>} as Cinder routes them.
 */
public final class VolumeRpc {

    public static final String CREATE_VOLUME = "create_volume";
    public static final String DELETE_VOLUME = "delete_volume";
    static final String VERSION = "3.0";

    private final Bus bus;

    public VolumeRpc(Bus bus) {
        this.bus = bus;
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
