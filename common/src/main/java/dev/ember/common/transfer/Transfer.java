package dev.ember.common.transfer;

import java.time.Instant;
import java.util.Objects;

/**
 * One volume transfer ({@code transfers} row). The auth key itself is never kept: {@code salt} and
 * {@code cryptHash} are.
 *
 * @param sourceProjectId the project that offered the volume
 * @param destinationProjectId the project that accepted it, null until then
 */
public record Transfer(
        String id,
        String volumeId,
        String displayName,
        String salt,
        String cryptHash,
        boolean noSnapshots,
        String sourceProjectId,
        String destinationProjectId,
        boolean accepted,
        Instant createdAt,
        boolean deleted) {

    public Transfer {
        Objects.requireNonNull(id, "id is null");
        Objects.requireNonNull(volumeId, "volumeId is null");
        Objects.requireNonNull(createdAt, "createdAt is null");
    }
}
