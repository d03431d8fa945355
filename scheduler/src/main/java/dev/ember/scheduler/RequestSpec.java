package dev.ember.scheduler;

import java.util.Map;

/**
 * What a placement must satisfy.
 *
 * @param volumeId the volume being placed
 * @param sizeGb its size
 * @param availabilityZone the zone the user asked for, or null
 * @param extraSpecs the volume type's extra specs
 */
public record RequestSpec(String volumeId, int sizeGb, String availabilityZone, Map<String, String> extraSpecs) {
    public RequestSpec {
        extraSpecs = Map.copyOf(extraSpecs);
    }

    /** Whether the volume is to be thin provisioned ({@code provisioning:type} is not {@code thick}). */
    public boolean thin() {
        return !"thick".equals(extraSpecs.get("provisioning:type"));
    }
}
