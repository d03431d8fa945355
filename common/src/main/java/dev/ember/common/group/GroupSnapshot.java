package dev.ember.common.group;

import java.time.Instant;
import java.util.Objects;

/** A group snapshot ({@code group_snapshots} row): one snapshot of every volume of a group, taken together. */
public record GroupSnapshot(String id, String groupId, String userId, String projectId, String name,
        String description, String status, String groupTypeId, Instant createdAt) {

    public GroupSnapshot {
        Objects.requireNonNull(id, "id is null");
        Objects.requireNonNull(groupId, "groupId is null");
        Objects.requireNonNull(status, "status is null");
    }
}
