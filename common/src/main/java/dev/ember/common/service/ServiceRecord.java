package dev.ember.common.service;

import java.time.Duration;
import java.time.Instant;

/** One row of {@code services}: a scheduler, or one backend of a volume service ({@code host@backend}). */
public record ServiceRecord(
        int id,
        String uuid,
        String host,
        String binary,
        String topic,
        int reportCount,
        boolean disabled,
        String disabledReason,
        String availabilityZone,
        boolean frozen,
        String clusterName,
        String replicationStatus,
        String activeBackendId,
        Instant createdAt,
        Instant updatedAt,
        Instant modifiedAt) {

    /**
     * Cinder's rule ({@code cinder/api/v3/services.py}): up if the last sign of life — the newer of the
     * heartbeat and the last admin change — is at most {@code downTime} old.
     */
    public boolean isUp(Instant now, Duration downTime) {
        Instant last = updatedAt != null ? updatedAt : createdAt;
        if (modifiedAt != null && modifiedAt.isAfter(last)) {
            last = modifiedAt;
        }
        return Duration.between(last, now).abs().compareTo(downTime) <= 0;
    }
}
