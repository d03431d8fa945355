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
 * @param providerLocation what {@link VolumeDriver#createVolume} or an export returned earlier, or null
 * @param providerAuth the export's credentials stored earlier ({@code "CHAP <user> <secret>"}), or null; a
 *     secret, never printed by {@link #toString()}
 */
public record VolumeSpec(
        String id, String name, int sizeGb, String pool, Map<String, String> extraSpecs, String providerLocation,
        String providerAuth) {

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

    /** A volume without stored provider data, as the scheduler hands it to a create. */
    public static VolumeSpec of(String id, int sizeGb, String pool, Map<String, String> extraSpecs) {
        return new VolumeSpec(id, backendName(id), sizeGb, pool, extraSpecs, null, null);
    }

    public VolumeSpec withSize(int newSizeGb) {
        return new VolumeSpec(id, name, newSizeGb, pool, extraSpecs, providerLocation, providerAuth);
    }

    public VolumeSpec withProviderLocation(String location) {
        return new VolumeSpec(id, name, sizeGb, pool, extraSpecs, location, providerAuth);
    }

    /** This volume after {@code update}: its non-null fields replace the stored ones. */
    public VolumeSpec with(ModelUpdate update) {
        return new VolumeSpec(id, name, sizeGb, pool, extraSpecs,
                update.providerLocation() != null ? update.providerLocation() : providerLocation,
                update.providerAuth() != null ? update.providerAuth() : providerAuth);
    }

    @Override
    public String toString() {
        return "VolumeSpec[id=" + id + ", name=" + name + ", sizeGb=" + sizeGb + ", pool=" + pool + ", extraSpecs="
                + extraSpecs + ", providerLocation=" + providerLocation + ", providerAuth="
                + (providerAuth == null ? null : "***") + "]";
    }
}
