package dev.ember.common.attachment;

import java.time.Instant;
import java.util.Objects;

/**
 * One row of {@code volume_attachment}: a volume reserved for, or attached to, one host. Field names
 * follow Cinder's columns.
 *
 * @param attachStatus {@link AttachStatus}: reserved, attaching, attached, detached, error_attaching...
 * @param attachMode {@code rw}, {@code ro}, or Cinder's literal string {@code "null"} before a mode is known
 * @param connectionInfo the flattened connection info as JSON text ({@code "{}"} while only reserved, null
 *     for attachments made by the legacy actions); holds secrets, never log it
 * @param connector the host's connector as JSON text, or null
 */
public record Attachment(
        String id,
        String volumeId,
        String instanceUuid,
        String attachedHost,
        String mountpoint,
        Instant attachTime,
        Instant detachTime,
        String attachStatus,
        String attachMode,
        String connectionInfo,
        String connector,
        Instant createdAt,
        Instant updatedAt,
        boolean deleted) {

    public Attachment {
        Objects.requireNonNull(id, "id is null");
        Objects.requireNonNull(volumeId, "volumeId is null");
        Objects.requireNonNull(attachStatus, "attachStatus is null");
    }

    /** Whether a host was given a connection through this attachment. */
    public boolean hasConnection() {
        return connectionInfo != null && !connectionInfo.isBlank() && !connectionInfo.trim().equals("{}");
    }

    @Override
    public String toString() {
        return "Attachment[id=" + id + ", volumeId=" + volumeId + ", instanceUuid=" + instanceUuid + ", attachStatus="
                + attachStatus + ", attachedHost=" + attachedHost + "]";
    }
}
