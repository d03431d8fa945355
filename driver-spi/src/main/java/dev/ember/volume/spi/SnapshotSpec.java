package dev.ember.volume.spi;

import java.util.Objects;

/**
 * What a driver knows about one snapshot.
 *
 * @param id the snapshot's UUID
 * @param name the backend object name, Cinder's {@code snapshot-<id>}
 * @param volumeId the snapshotted volume's UUID
 * @param volumeSizeGb the volume's size when the snapshot was taken
 */
public record SnapshotSpec(String id, String name, String volumeId, int volumeSizeGb) {
    public SnapshotSpec {
        Objects.requireNonNull(id, "id is null");
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(volumeId, "volumeId is null");
    }

    /** Cinder's {@code snapshot_name_template}: {@code snapshot-%s}. */
    public static String backendName(String snapshotId) {
        return "snapshot-" + snapshotId;
    }
}
