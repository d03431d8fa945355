package dev.ember.common.pool;

import java.time.Instant;

/**
 * One row of {@code pools}.
 *
 * @param name {@code host@backend#pool}
 * @param backend {@code host@backend}, the volume service that owns the pool
 * @param allocatedCapacityGb the capacity claimed by the live volumes placed here
 * @param volumeCount how many live volumes are placed here
 * @param capabilities the pool's last report, a JSON object in Cinder's capability keys, or null
 * @param reportedAt when that report was written
 */
public record PoolRow(
        String name, String backend, long allocatedCapacityGb, int volumeCount, String capabilities, Instant reportedAt) {
}
