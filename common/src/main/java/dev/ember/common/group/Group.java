package dev.ember.common.group;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A generic volume group ({@code groups} row with its volume types, in request order).
 *
 * @param host the pool it lives on ({@code host@backend#pool}), null until a scheduler placed it
 */
public record Group(String id, String userId, String projectId, String host, String availabilityZone, String name,
        String description, String groupTypeId, String status, String groupSnapshotId, String sourceGroupId,
        String replicationStatus, List<String> volumeTypeIds, Instant createdAt) {

    public Group {
        Objects.requireNonNull(id, "id is null");
        Objects.requireNonNull(projectId, "projectId is null");
        Objects.requireNonNull(status, "status is null");
        volumeTypeIds = volumeTypeIds == null ? List.of() : List.copyOf(volumeTypeIds);
    }

    /** The backend ({@code host@backend}) of its pool, or null. */
    public String backend() {
        return host == null ? null : dev.ember.common.volume.Hosts.backend(host);
    }
}
