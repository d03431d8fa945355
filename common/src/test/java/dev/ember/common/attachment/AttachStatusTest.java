package dev.ember.common.attachment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Cinder's rule for a volume's status after an attachment goes ({@code _get_statuses_from_attachments}). */
class AttachStatusTest {

    private static AttachStatus.VolumeStatuses of(String... attachStatuses) {
        return AttachStatus.fromAttachments(List.of(attachStatuses));
    }

    @Test
    void noAttachmentLeftMeansAvailableAndDetached() {
        assertThat(of()).isEqualTo(new AttachStatus.VolumeStatuses("available", "detached"));
    }

    @Test
    void theAlphabeticallyFirstAttachStatusWins() {
        assertThat(of("reserved", "attached")).isEqualTo(new AttachStatus.VolumeStatuses("in-use", "attached"));
        assertThat(of("reserved", "attaching")).isEqualTo(new AttachStatus.VolumeStatuses("attaching", "attaching"));
        assertThat(of("reserved", "detaching")).isEqualTo(new AttachStatus.VolumeStatuses("detaching", "detaching"));
        assertThat(of("reserved")).isEqualTo(new AttachStatus.VolumeStatuses("reserved", "reserved"));
    }

    @Test
    void attachmentsInErrorAreIgnored() {
        assertThat(of("error_attaching")).isEqualTo(new AttachStatus.VolumeStatuses("available", "detached"));
        assertThat(of("error_detaching", "reserved")).isEqualTo(new AttachStatus.VolumeStatuses("reserved", "reserved"));
    }
}
