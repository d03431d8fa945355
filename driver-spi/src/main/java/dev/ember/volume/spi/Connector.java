package dev.ember.volume.spi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The host a volume is attached to, as os-brick describes it ({@code get_connector_properties}) and Nova
 * sends it. The well-known keys are typed; {@link #properties()} holds the whole dictionary as sent,
 * for drivers that need more (FC {@code wwpns}, NVMe {@code nqn}, RBD {@code do_local_attach}...).
 *
 * @param host the connecting host's name ({@code host}); never null
 * @param ip its IP address ({@code ip}), or null
 * @param initiator its iSCSI initiator IQN ({@code initiator}), or null
 * @param multipath whether the host attaches through several paths ({@code multipath})
 * @param mountpoint where the host mounts the volume, e.g. {@code /dev/vdb} ({@code mountpoint}), or null
 * @param properties every key as sent, in order
 */
public record Connector(
        String host, String ip, String initiator, boolean multipath, String mountpoint, Map<String, Object> properties) {

    public Connector {
        Objects.requireNonNull(host, "host is null");
        properties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(
                Objects.requireNonNull(properties, "properties is null")));
    }

    /** A connector from the dictionary a client sent; {@code host} defaults to the empty string. */
    public static Connector of(Map<String, Object> properties) {
        Object multipath = properties.get("multipath");
        return new Connector(
                text(properties.get("host"), ""),
                text(properties.get("ip"), null),
                text(properties.get("initiator"), null),
                multipath instanceof Boolean b ? b : multipath != null && "true".equalsIgnoreCase(multipath.toString()),
                text(properties.get("mountpoint"), null),
                properties);
    }

    private static String text(Object value, String fallback) {
        return value == null ? fallback : value.toString();
    }
}
