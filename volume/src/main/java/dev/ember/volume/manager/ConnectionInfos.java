package dev.ember.volume.manager;

import dev.ember.common.json.Json;
import dev.ember.common.qos.QosSpecs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** The limits a per-GB QoS key ({@code <option>_per_gb}) scales with the volume's size. */
    private static final List<String> TUNABLE = List.of("read_iops_sec", "read_bytes_sec", "write_iops_sec",
            "write_bytes_sec", "total_iops_sec", "total_bytes_sec");

    /**
     * The driver's data with {@code qos_specs}, {@code access_mode}, {@code encrypted} and {@code cacheable}.
     *
     * @param qos the volume type's QoS spec, or null; only a front-end one reaches the hypervisor
     * @param mode the attachment's mode ({@code rw}/{@code ro}); a read-only volume is always {@code ro}
     */
    static ObjectNode data(ConnectionInfo info, Volume volume, VolumeType type, QosSpecs qos, String mode) {
        ObjectNode data = (ObjectNode) Json.mapper().valueToTree(info.data());
        if (qos != null && qos.frontEnd()) {
            data.set("qos_specs", frontEndSpecs(qos, volume.size()));
        } else if (!data.has("qos_specs")) {
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

    /**
     * A front-end spec as Cinder's {@code initialize_connection} hands it to Nova: its keys, with each
     * {@code <option>_per_gb} turned into {@code <option>} = size × per-GB value, at least {@code <option>_per_gb_min}
     * and at most {@code <option>_max} (computed values are numbers, the others stay strings).
     */
    static ObjectNode frontEndSpecs(QosSpecs qos, int sizeGb) {
        Map<String, String> specs = new LinkedHashMap<>(qos.specs());
        ObjectNode out = Json.object();
        Map<String, Long> computed = new LinkedHashMap<>();
        for (String option : TUNABLE) {
            String perGb = specs.remove(option + "_per_gb");
            if (perGb == null) {
                continue;
            }
            long minimum = parse(specs.remove(option + "_per_gb_min"), 0);
            long value = Math.max(minimum, parse(perGb, 0) * sizeGb);
            long maximum = parse(specs.remove(option + "_max"), value);
            specs.remove(option);
            computed.put(option, Math.min(value, maximum));
        }
        specs.forEach(out::put);
        computed.forEach(out::put);
        return out;
    }

    private static long parse(String value, long fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
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
