package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.common.config.CommonConfiguration;
import dev.ember.common.context.RequestContext;
import dev.ember.common.json.Json;
import dev.ember.common.notify.NotificationProperties;
import dev.ember.common.notify.Notifier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Notifications survive a broker blip: while a private RabbitMQ (never the shared one) is stopped,
 * {@link Notifier#notify} returns at once, and once the broker is back every notification arrives, once
 * each and in order, on {@code notifications.info}.
 */
class NotifierBrokerBlipIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void notificationsSentDuringABrokerOutageArriveAfterIt() throws Exception {
        try (PrivateRabbit rabbit = PrivateRabbit.start(5699)) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            CachingConnectionFactory connection = CommonConfiguration.countReconnects(
                    CommonConfiguration.connectionFactory(rabbit.transportUrl(), "blip-node"), meters);
            NotificationProperties properties = new NotificationProperties("messagingv2", List.of("notifications"), "");
            RabbitAdmin admin = new RabbitAdmin(connection);
            try (Notifier notifier = new Notifier(properties, connection, true, "cinder", 1000, meters)) {
                notifier.notify(RequestContext.internal(), "volume.blip-node", "volume.create.start", "INFO", Map.of("n", 0));
                Await.until("the first notification queued at the broker", WAIT, () -> depth(admin) == 1);

                rabbit.stopApp();
                long started = System.nanoTime();
                for (int i = 1; i <= 20; i++) {
                    notifier.notify(RequestContext.internal(), "volume.blip-node", "volume.create.start", "INFO", Map.of("n", i));
                }
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as("notify while the broker is down")
                        .isLessThan(Duration.ofSeconds(1));
                Thread.sleep(3_000);
                rabbit.startApp();

                Await.until("all 21 notifications at the broker", WAIT, () -> depth(admin) == 21);
                assertThat(meters.counter("ember_notifications_retries").count()).as("retries during the outage").isPositive();
                assertThat(meters.counter("ember_broker_reconnects").count()).as("reconnects after the outage").isPositive();
            }
            CachingConnectionFactory reader = CommonConfiguration.connectionFactory(rabbit.transportUrl(), "blip-reader");
            try {
                RabbitTemplate template = new RabbitTemplate(reader);
                List<Integer> seen = new ArrayList<>();
                Message message;
                while ((message = template.receive("notifications.info", 2_000)) != null) {
                    JsonNode envelope = Json.parse(message.getBody());
                    assertThat(envelope.get("oslo.version").asString()).isEqualTo("2.0");
                    JsonNode body = Json.parse(envelope.get("oslo.message").asString());
                    assertThat(body.get("publisher_id").asString()).isEqualTo("volume.blip-node");
                    seen.add(body.get("payload").get("n").asInt());
                }
                List<Integer> expected = new ArrayList<>();
                for (int i = 0; i <= 20; i++) {
                    expected.add(i);
                }
                assertThat(seen).as("every notification once, in order").isEqualTo(expected);
            } finally {
                reader.destroy();
            }
        }
    }

    private static int depth(RabbitAdmin admin) {
        try {
            Properties info = admin.getQueueProperties("notifications.info");
            return info == null ? -1 : ((Number) info.get(RabbitAdmin.QUEUE_MESSAGE_COUNT)).intValue();
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
