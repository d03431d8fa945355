package dev.ember.common.attachment;

import dev.ember.common.volume.VolumeStatus;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * Cinder's attach status words ({@code VolumeAttachStatus}) and the rule that derives a volume's status
 * from its attachments ({@code cinder/db/api.py _get_statuses_from_attachments}).
 */
public final class AttachStatus {

    public static final String RESERVED = "reserved";
    public static final String ATTACHING = "attaching";
    public static final String ATTACHED = "attached";
    public static final String DETACHING = "detaching";
    public static final String DETACHED = "detached";
    public static final String ERROR_ATTACHING = "error_attaching";
    public static final String ERROR_DETACHING = "error_detaching";

    private AttachStatus() {
    }

    /** A volume's status and attach status. */
    public record VolumeStatuses(String status, String attachStatus) {
    }

    /**
     * The volume's statuses given the attach statuses of its remaining live attachments: those in an
     * {@code error_*} state are ignored; of the others the alphabetically first wins (attached, attaching,
     * detaching, reserved); none means detached. The volume's status is {@code in-use} for attached,
     * {@code available} for detached, and the attach status itself otherwise.
     */
    public static VolumeStatuses fromAttachments(Collection<String> attachStatuses) {
        Optional<String> first = attachStatuses.stream().filter(s -> !s.startsWith("error_"))
                .min(Comparator.naturalOrder());
        String attach = first.orElse(DETACHED);
        String status = switch (attach) {
            case ATTACHED -> VolumeStatus.IN_USE;
            case DETACHED -> VolumeStatus.AVAILABLE;
            default -> attach;
        };
        return new VolumeStatuses(status, attach);
    }
}
