package dev.ember.common.rpc;

import dev.ember.common.json.Json;
import dev.ember.common.volume.Volume;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Volumes and snapshots in RPC arguments, in oslo.versionedobjects' primitive form as Cinder sends them
 * ({@code versioned_object.name/namespace/version/data/changes}). Receivers re-read the row by id:
 * the database, not the message, is the truth.
 */
public final class VolumeObjects {

    private VolumeObjects() {
    }

    public static ObjectNode primitive(Volume v) {
        ObjectNode data = Json.object();
        data.put("id", v.id());
        data.put("size", v.size());
        data.put("host", v.host());
        data.put("status", v.status());
        data.put("project_id", v.projectId());
        data.put("user_id", v.userId());
        data.put("volume_type_id", v.volumeTypeId());
        data.put("availability_zone", v.availabilityZone());
        data.put("group_id", v.groupId());
        return wrap("Volume", "1.9", data);
    }

    public static ObjectNode primitive(dev.ember.common.snapshot.Snapshot s) {
        ObjectNode data = Json.object();
        data.put("id", s.id());
        data.put("volume_id", s.volumeId());
        data.put("volume_size", s.volumeSize());
        data.put("status", s.status());
        data.put("project_id", s.projectId());
        data.put("user_id", s.userId());
        return wrap("Snapshot", "1.6", data);
    }

    public static ObjectNode primitive(dev.ember.common.group.Group g) {
        ObjectNode data = Json.object();
        data.put("id", g.id());
        data.put("host", g.host());
        data.put("status", g.status());
        data.put("project_id", g.projectId());
        data.put("user_id", g.userId());
        data.put("group_type_id", g.groupTypeId());
        data.put("availability_zone", g.availabilityZone());
        g.volumeTypeIds().forEach(data.putArray("volume_type_ids")::add);
        return wrap("Group", "1.2", data);
    }

    public static ObjectNode primitive(dev.ember.common.group.GroupSnapshot s) {
        ObjectNode data = Json.object();
        data.put("id", s.id());
        data.put("group_id", s.groupId());
        data.put("status", s.status());
        data.put("project_id", s.projectId());
        data.put("user_id", s.userId());
        return wrap("GroupSnapshot", "1.0", data);
    }

    private static ObjectNode wrap(String name, String version, ObjectNode data) {
        ObjectNode primitive = Json.object();
        primitive.put("versioned_object.name", name);
        primitive.put("versioned_object.namespace", "cinder");
        primitive.put("versioned_object.version", version);
        primitive.set("versioned_object.data", data);
        primitive.putArray("versioned_object.changes");
        return primitive;
    }

    /** The id of a {@code volume} or {@code snapshot} argument (primitive or plain id). */
    /** The {@code group_id} of a volume argument, or null. */
    public static String groupId(JsonNode volumeArg) {
        if (volumeArg == null || !volumeArg.isObject()) {
            return null;
        }
        JsonNode data = volumeArg.has("versioned_object.data") ? volumeArg.get("versioned_object.data") : volumeArg;
        JsonNode id = data.get("group_id");
        return id == null || id.isNull() ? null : id.asString();
    }

    public static String id(JsonNode volumeArg) {
        if (volumeArg == null || volumeArg.isNull()) {
            return null;
        }
        if (volumeArg.isString()) {
            return volumeArg.asString();
        }
        JsonNode data = volumeArg.has("versioned_object.data") ? volumeArg.get("versioned_object.data") : volumeArg;
        JsonNode id = data.get("id");
        return id == null || id.isNull() ? null : id.asString();
    }
}
