package dev.ember.volume.spi;

import java.util.Map;
import java.util.Objects;

/**
 * One pool's capacity and capabilities, in Cinder's stats contract (the keys the scheduler's host
 * manager requires of every pool).
 *
 * @param name pool name; the volume host becomes {@code host@backend#name}
 * @param totalCapacityGb total capacity
 * @param freeCapacityGb free capacity as the storage sees it
 * @param provisionedCapacityGb what the storage says is provisioned, or null to let the manager use
 *     the sum of the volumes it placed there ({@code allocated_capacity_gb})
 * @param reservedPercentage share of the total kept free, 0 to 100
 * @param maxOverSubscriptionRatio thin over-subscription limit, at least 1.0
 * @param thinProvisioningSupport whether the pool over-subscribes
 * @param thickProvisioningSupport whether the pool can allocate fully up front
 * @param multiattach whether a volume here can be attached to several hosts at once
 * @param extra further capabilities reported verbatim (matched by type extra specs); never null
 */
public record PoolStats(
        String name,
        Capacity totalCapacityGb,
        Capacity freeCapacityGb,
        Double provisionedCapacityGb,
        int reservedPercentage,
        double maxOverSubscriptionRatio,
        boolean thinProvisioningSupport,
        boolean thickProvisioningSupport,
        boolean multiattach,
        Map<String, Object> extra) {

    public PoolStats {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(totalCapacityGb, "totalCapacityGb is null");
        Objects.requireNonNull(freeCapacityGb, "freeCapacityGb is null");
        if (name.isBlank() || name.contains("#") || name.contains("@")) {
            throw new IllegalArgumentException("pool name must be non-blank without '#' or '@': " + name);
        }
        if (reservedPercentage < 0 || reservedPercentage > 100) {
            throw new IllegalArgumentException("reservedPercentage must be 0..100: " + reservedPercentage);
        }
        if (maxOverSubscriptionRatio < 1.0) {
            throw new IllegalArgumentException("maxOverSubscriptionRatio must be at least 1.0: "
                    + maxOverSubscriptionRatio);
        }
        extra = Map.copyOf(Objects.requireNonNull(extra, "extra is null"));
    }
}
