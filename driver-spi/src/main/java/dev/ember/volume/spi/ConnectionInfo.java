package dev.ember.volume.spi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a host reaches a volume: Cinder's {@code {"driver_volume_type": ..., "data": {...}}}. The data keys
 * are the protocol's, exactly as os-brick and Nova read them (for {@code iscsi}: {@code target_iqn},
 * {@code target_portal}, {@code target_lun}, {@code auth_method}...; for {@code rbd}: {@code name},
 * {@code hosts}, {@code ports}...). Values are JSON-like: strings, numbers, booleans, lists, maps, null.
 *
 * <p>The data usually holds a secret (a CHAP password, a keyring): {@link #toString()} never prints values.
 *
 * @param driverVolumeType the protocol, e.g. {@code iscsi}, {@code rbd}, {@code local}
 * @param data the protocol's keys, in order
 */
public record ConnectionInfo(String driverVolumeType, Map<String, Object> data) {

    public ConnectionInfo {
        Objects.requireNonNull(driverVolumeType, "driverVolumeType is null");
        data = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(data, "data is null")));
    }

    @Override
    public String toString() {
        return "ConnectionInfo[" + driverVolumeType + ", keys=" + data.keySet() + "]";
    }
}
