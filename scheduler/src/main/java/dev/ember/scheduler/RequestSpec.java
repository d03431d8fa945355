package dev.ember.scheduler;

import java.util.Map;

/**
 * What a placement must satisfy.
 *
 * @param volumeId the volume being placed
 * @param sizeGb its size
 * @param availabilityZone the zone the user asked for, or null
 * @param extraSpecs the volume type's extra specs
 * @param resourceBackend the only pool the volume may go to ({@code host@backend#pool}), or null: Cinder's
 *     {@code resource_backend}, the pool of the snapshot or volume a new volume is made from
 */
public record RequestSpec(String volumeId, int sizeGb, String availabilityZone, Map<String, String> extraSpecs,
        String resourceBackend) {
    public RequestSpec {
        extraSpecs = Map.copyOf(extraSpecs);
    }

    public RequestSpec(String volumeId, int sizeGb, String availabilityZone, Map<String, String> extraSpecs) {
        this(volumeId, sizeGb, availabilityZone, extraSpecs, null);
    }

    /** Whether the volume is to be thin provisioned ({@code provisioning:type} is not {@code thick}). */
    public boolean thin() {
        return !"thick".equals(extraSpecs.get("provisioning:type"));
    }
}
