package dev.ember.scheduler;

import dev.ember.common.pool.PoolCapabilities;

/**
 * Cinder's capacity arithmetic ({@code cinder/utils.py calculate_capacity_factors} and the
 * {@code CapacityFilter}), with the pool's claims standing for provisioned capacity when the backend
 * does not report its own.
 */
public final class CapacityMath {

    private CapacityMath() {
    }

    /** The largest total of claims the pool may hold: Cinder's {@code total_available_capacity}. */
    public static double claimLimitGb(BackendState state, boolean thinRequested) {
        PoolCapabilities caps = state.capabilities();
        double total = caps.totalCapacityGb();
        if (Double.isInfinite(total) || Double.isNaN(total)) {
            return Double.POSITIVE_INFINITY;
        }
        double reserved = Math.floor(total * caps.reservedPercentage() / 100.0);
        double available = total - reserved;
        if (thinRequested && caps.thinProvisioningSupport()) {
            available *= caps.maxOverSubscriptionRatio();
        }
        return available - externalProvisionedGb(state);
    }

    /**
     * Capacity provisioned on the pool by something other than our claims: the backend's own
     * provisioned figure beyond what we placed there (images made outside Cinder, for instance).
     */
    static double externalProvisionedGb(BackendState state) {
        double reported = state.capabilities().provisionedCapacityGb();
        if (Double.isNaN(reported) || Double.isInfinite(reported)) {
            return 0;
        }
        return Math.max(0, reported - state.allocatedCapacityGb());
    }

    /** The provisioned capacity Cinder's filter and weigher see: claims plus external use. */
    public static double provisionedGb(BackendState state) {
        return state.allocatedCapacityGb() + externalProvisionedGb(state);
    }

    /**
     * Cinder's {@code virtual_free_capacity}: for thin pools the over-subscribed room left, for thick
     * pools the smaller of the reported free space and the room left by claims.
     */
    public static double virtualFreeGb(BackendState state, boolean thinRequested) {
        PoolCapabilities caps = state.capabilities();
        double total = caps.totalCapacityGb();
        double free = caps.freeCapacityGb();
        if (Double.isInfinite(free) || Double.isNaN(free) || Double.isInfinite(total) || Double.isNaN(total)) {
            return Double.POSITIVE_INFINITY;
        }
        double reserved = Math.floor(total * caps.reservedPercentage() / 100.0);
        double available = total - reserved;
        double provisioned = provisionedGb(state);
        if (thinRequested && caps.thinProvisioningSupport()) {
            return available * caps.maxOverSubscriptionRatio() - provisioned;
        }
        return Math.min(free - reserved, available - provisioned);
    }
}
