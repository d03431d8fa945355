package dev.ember.volume.spi;

/**
 * Optional capability: point-in-time snapshots of a volume. Operations are idempotent in the same
 * sense as {@link VolumeDriver}'s.
 */
public interface SnapshotCapable {

    /** Takes a snapshot named {@code snapshot.name()} of {@code volume}. */
    ModelUpdate createSnapshot(VolumeSpec volume, SnapshotSpec snapshot) throws DriverException;

    /**
     * Deletes the snapshot; a snapshot that does not exist is already deleted. A snapshot other volumes
     * still depend on (copy-on-write clones) fails with {@link DriverErrorCode#BUSY} and stays.
     */
    void deleteSnapshot(VolumeSpec volume, SnapshotSpec snapshot) throws DriverException;

    /**
     * Creates {@code volume} holding the snapshot's bytes (grown to {@code volume.sizeGb()} if larger), in
     * the same backend as {@code source}, the snapshotted volume.
     */
    ModelUpdate createVolumeFromSnapshot(VolumeSpec volume, VolumeSpec source, SnapshotSpec snapshot)
            throws DriverException;
}
