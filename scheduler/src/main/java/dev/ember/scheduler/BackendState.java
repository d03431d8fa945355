package dev.ember.scheduler;

import dev.ember.common.pool.PoolCapabilities;

/**
 * What the scheduler knows of one pool when it places a volume: its capabilities (last report),
 * its claims (live from the database), and its service's state.
 *
 * @param pool {@code host@backend#pool}
 * @param backend {@code host@backend}
 * @param availabilityZone the volume service's zone
 * @param active heartbeat younger than {@code service_down_time}, not disabled, not frozen
 * @param allocatedCapacityGb capacity claimed by the volumes placed here
 * @param volumeCount how many volumes are placed here
 * @param capabilities the pool's last report
 * @param lastSeen the service's last heartbeat (or admin change)
 */
public record BackendState(
        String pool,
        String backend,
        String availabilityZone,
        boolean active,
        long allocatedCapacityGb,
        int volumeCount,
        PoolCapabilities capabilities,
        java.time.Instant lastSeen) {

    /** This pool after a claim of {@code sizeGb} for one more volume. */
    public BackendState withClaim(long sizeGb) {
        return new BackendState(pool, backend, availabilityZone, active, allocatedCapacityGb + sizeGb, volumeCount + 1,
                capabilities, lastSeen);
    }
}
