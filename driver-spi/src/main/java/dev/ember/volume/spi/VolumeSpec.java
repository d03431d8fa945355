package dev.ember.volume.spi;

import java.util.Map;
import java.util.Objects;

/**
 * What a driver knows about one volume.
 *
 * @param id the volume's UUID
 * @param name the backend object name, Cinder's {@code volume-<id>}; drivers name images, files and
 *     targets after it so that a retried create finds what an earlier attempt made
 * @param sizeGb size in GiB, at least 1
 * @param pool the pool the scheduler placed the volume in
 * @param extraSpecs the volume type's extra specs (never null)
 * @param providerLocation what {@link VolumeDriver#createVolume} returned earlier, or null
 */
public record VolumeSpec(
        String id, String name, int sizeGb, String pool, Map<String, String> extraSpecs, String providerLocation) {

    public VolumeSpec {
        Objects.requireNonNull(id, "id is null");
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(pool, "pool is null");
        if (sizeGb < 1) {
            throw new IllegalArgumentException("sizeGb must be at least 1: " + sizeGb);
        }
        extraSpecs = Map.copyOf(Objects.requireNonNull(extraSpecs, "extraSpecs is null"));
    }

    /** Cinder's {@code volume_name_template}: {@code volume-%s}. */
    public static String backendName(String volumeId) {
        return "volume-" + volumeId;
    }

    public VolumeSpec withSize(int newSizeGb) {
        return new VolumeSpec(id, name, newSizeGb, pool, extraSpecs, providerLocation);
    }

    public VolumeSpec withProviderLocation(String location) {
        return new VolumeSpec(id, name, sizeGb, pool, extraSpecs, location);
    }
}
