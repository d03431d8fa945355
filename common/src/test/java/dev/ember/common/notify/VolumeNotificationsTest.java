package dev.ember.common.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class VolumeNotificationsTest {

    @Test
    void timesAreWrittenAsPythonWritesAwareDatetimes() {
        // datetime(2026, 12, 3, 11, 27, 56, 123456, tzinfo=utc).isoformat() and str(); microseconds omitted when 0.
        assertThat(VolumeNotifications.isoformat(Instant.parse("2026-12-03T11:27:56.123456789Z")))
                .isEqualTo("2026-12-03T11:27:56.123456+00:00");
        assertThat(VolumeNotifications.isoformat(Instant.parse("2026-12-03T11:27:56Z"))).isEqualTo("2026-12-03T11:27:56+00:00");
        assertThat(VolumeNotifications.str(Instant.parse("2026-12-03T11:27:56.5Z"))).isEqualTo("2026-12-03 11:27:56.500000+00:00");
        assertThat(VolumeNotifications.isoformat(null)).isEmpty();
        assertThat(VolumeNotifications.str(null)).isEqualTo("None");
    }

    @Test
    void onlyOslosDriversAreAccepted() {
        assertThat(new NotificationProperties("", null, null).enabled()).isFalse();
        assertThat(new NotificationProperties("noop", null, null).enabled()).isFalse();
        NotificationProperties v2 = new NotificationProperties("messagingv2", null, null);
        assertThat(v2.enabled()).isTrue();
        assertThat(v2.envelope()).isTrue();
        assertThat(v2.topics()).isEqualTo(List.of("notifications"));
        assertThat(new NotificationProperties("messaging", List.of("a", "b"), "").envelope()).isFalse();
        assertThatThrownBy(() -> new NotificationProperties("log", null, null))
                .hasMessageContaining("driver log is not supported");
    }
}
