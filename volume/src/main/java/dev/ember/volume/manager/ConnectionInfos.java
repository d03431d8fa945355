package dev.ember.volume.manager;

import dev.ember.common.json.Json;
import dev.ember.common.type.VolumeType;
import dev.ember.common.volume.Volume;
import dev.ember.volume.spi.ConnectionInfo;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Connection info as Cinder's volume manager hands it out: the driver's data plus the keys the manager
 * adds for every driver ({@code _parse_connection_options}), nested for the legacy
 * {@code os-initialize_connection}, flattened for the attachments API.
 */
final class ConnectionInfos {

    private ConnectionInfos() {
    }

    /**
     * The driver's data with {@code qos_specs}, {@code access_mode}, {@code encrypted} and {@code cacheable}.
     *
     * @param mode the attachment's mode ({@code rw}/{@code ro}); a read-only volume is always {@code ro}
     */
    static ObjectNode data(ConnectionInfo info, Volume volume, VolumeType type, String mode) {
        ObjectNode data = (ObjectNode) Json.mapper().valueToTree(info.data());
        if (!data.has("qos_specs")) {
            data.putNull("qos_specs");
        }
        String attachedMode = volume.adminMetadata().get("attached_mode");
        data.put("access_mode", "ro".equals(mode) || volume.readonly() ? "ro" : attachedMode != null ? attachedMode : "rw");
        if (!data.has("encrypted") || data.get("encrypted").isNull()) {
            data.put("encrypted", volume.encryptionKeyId() != null);
        }
        boolean cacheable = type != null && type.cacheable();
        JsonNode driverCacheable = data.get("cacheable");
        data.put("cacheable", driverCacheable != null && !driverCacheable.isNull() ? driverCacheable.asBoolean() && cacheable
                : cacheable);
        return data;
    }

    /** {@code {"driver_volume_type": ..., "data": {...}}}. */
    static ObjectNode nested(String driverVolumeType, ObjectNode data) {
        ObjectNode nested = Json.object();
        nested.put("driver_volume_type", driverVolumeType);
        nested.set("data", data);
        return nested;
    }

    /** The data keys at the top level, then {@code driver_volume_type} and {@code attachment_id}. */
    static ObjectNode flattened(String driverVolumeType, ObjectNode data, String attachmentId) {
        ObjectNode flat = data.deepCopy();
        flat.put("driver_volume_type", driverVolumeType);
        flat.put("attachment_id", attachmentId);
        return flat;
    }
}
