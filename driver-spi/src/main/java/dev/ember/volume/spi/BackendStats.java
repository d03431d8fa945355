package dev.ember.volume.spi;

import java.util.List;
import java.util.Objects;

/**
 * A backend's report (Cinder's {@code get_volume_stats}): identity, protocol and its pools.
 *
 * @param vendorName e.g. {@code Open Source}
 * @param driverVersion the driver's own version string
 * @param storageProtocol Cinder's protocol word: {@code iSCSI}, {@code ceph}, {@code file}...
 * @param sharedTargets whether several volumes share one target (Cinder's {@code shared_targets})
 * @param pools at least one pool
 */
public record BackendStats(
        String vendorName, String driverVersion, String storageProtocol, boolean sharedTargets, List<PoolStats> pools) {

    public BackendStats {
        Objects.requireNonNull(vendorName, "vendorName is null");
        Objects.requireNonNull(driverVersion, "driverVersion is null");
        Objects.requireNonNull(storageProtocol, "storageProtocol is null");
        pools = List.copyOf(Objects.requireNonNull(pools, "pools is null"));
        if (pools.isEmpty()) {
            throw new IllegalArgumentException("a backend reports at least one pool");
        }
    }
}
