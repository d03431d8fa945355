package dev.ember.volume.spi;

/** Optional capability: a new volume holding a copy of another volume's bytes (Cinder's {@code create_cloned_volume}). */
public interface CloneCapable {

    /**
     * Creates {@code volume} with {@code source}'s bytes (grown to {@code volume.sizeGb()} if larger).
     * Idempotent: a clone that exists already is left as it is.
     */
    ModelUpdate createClonedVolume(VolumeSpec volume, VolumeSpec source) throws DriverException;
}
