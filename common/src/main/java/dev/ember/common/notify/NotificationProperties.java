package dev.ember.common.notify;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code [oslo_messaging_notifications]}: notifications are sent only when {@code driver} is
 * {@code messagingv2} (the oslo 2.0 envelope) or {@code messaging} (the bare message); empty or {@code noop}
 * turns them off, as Cinder's {@code notifications_enabled}.
 *
 * @param driver the notification driver; only {@code messagingv2}, {@code messaging} and {@code noop} are known
 * @param topics each notification is sent once per topic, with routing key {@code <topic>.<priority>}
 * @param transportUrl the broker of notifications; empty means {@code [DEFAULT] transport_url}
 */
@ConfigurationProperties(prefix = "cinder.oslo-messaging-notifications")
public record NotificationProperties(
        @DefaultValue("") String driver,
        @DefaultValue("notifications") List<String> topics,
        @DefaultValue("") String transportUrl) {

    public NotificationProperties {
        driver = driver == null ? "" : driver.trim();
        topics = topics == null || topics.isEmpty() ? List.of("notifications") : List.copyOf(topics);
        transportUrl = transportUrl == null ? "" : transportUrl.trim();
        if (!driver.isEmpty() && !List.of("messagingv2", "messaging", "noop").contains(driver)) {
            throw new IllegalArgumentException("[oslo_messaging_notifications] driver " + driver
                    + " is not supported; use messagingv2, messaging or noop");
        }
    }

    public boolean enabled() {
        return !driver.isEmpty() && !"noop".equals(driver);
    }

    /** Whether messages are wrapped in the {@code oslo.version} 2.0 envelope. */
    public boolean envelope() {
        return "messagingv2".equals(driver);
    }
}
