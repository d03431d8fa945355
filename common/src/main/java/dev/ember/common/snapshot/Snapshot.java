package dev.ember.common.snapshot;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** One row of {@code snapshots}, with its metadata. Field names follow Cinder's columns. */
public record Snapshot(
        String id,
        String userId,
        String projectId,
        String volumeId,
        String groupSnapshotId,
        String status,
        String progress,
        int volumeSize,
        String displayName,
        String displayDescription,
        String providerLocation,
        String providerId,
        String volumeTypeId,
        boolean useQuota,
        Instant createdAt,
        Instant updatedAt,
        boolean deleted,
        Map<String, String> metadata) {

    public Snapshot {
        Objects.requireNonNull(id, "id is null");
        Objects.requireNonNull(volumeId, "volumeId is null");
        // Order is kept: views write the keys in the order they were read (by key), as Cinder does.
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    public Snapshot withMetadata(Map<String, String> newMetadata) {
        return new Snapshot(id, userId, projectId, volumeId, groupSnapshotId, status, progress, volumeSize, displayName,
                displayDescription, providerLocation, providerId, volumeTypeId, useQuota, createdAt, updatedAt, deleted,
                newMetadata);
    }
}
