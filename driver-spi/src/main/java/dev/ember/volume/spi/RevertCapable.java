package dev.ember.volume.spi;

/** Optional capability: rolling a volume back to one of its snapshots (Cinder's {@code revert_to_snapshot}). */
public interface RevertCapable {

    /** Makes {@code volume}'s bytes those of {@code snapshot}, which must be a snapshot of it. */
    void revertToSnapshot(VolumeSpec volume, SnapshotSpec snapshot) throws DriverException;
}
