package dev.ember.common.notify;

import dev.ember.common.context.RequestContext;
import dev.ember.common.json.Json;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Sends oslo.messaging notifications ({@code notifications.info} etc. on the control exchange), as Cinder's
 * notifier does. Contract: {@link #notify} never blocks and never throws; callers call it after the state
 * change it reports has committed. Messages wait in a bounded queue and one sender thread publishes them
 * persistent, mandatory and confirmed, in order; a message is taken off the queue only once the broker
 * confirmed it, so a broker blip delays notifications but does not lose them (the sender retries with
 * back-off, re-declaring the exchange and queues). Only a full queue drops (new) notifications, counted in
 * {@code ember_notifications_dropped_total}.
 */
public final class Notifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    /** Python's {@code str(datetime.utcnow())}, which oslo puts in {@code timestamp}. */
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    /** One message to publish under one routing key. */
    private record Outgoing(String routingKey, byte[] body, String eventType) {
    }

    private final NotificationProperties properties;
    private final CachingConnectionFactory connectionFactory;
    private final boolean ownsConnection;
    private final String exchange;
    private final MeterRegistry meters;
    private final BlockingQueue<Outgoing> queue;
    private final RabbitTemplate template;
    private final RabbitAdmin admin;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread sender;
    private volatile boolean declared;

    /**
     * @param connectionFactory the broker connection (confirms and returns on)
     * @param ownsConnection whether {@link #close} destroys the connection factory
     * @param exchange the control exchange
     */
    public Notifier(NotificationProperties properties, CachingConnectionFactory connectionFactory, boolean ownsConnection,
            String exchange, int queueSize, MeterRegistry meters) {
        this.properties = properties;
        this.connectionFactory = connectionFactory;
        this.ownsConnection = ownsConnection;
        this.exchange = exchange;
        this.meters = meters;
        this.queue = new ArrayBlockingQueue<>(Math.max(1, queueSize));
        this.template = new RabbitTemplate(connectionFactory);
        this.template.setMandatory(true);
        this.admin = new RabbitAdmin(connectionFactory);
        meters.gauge("ember_notifications_queued", queue, BlockingQueue::size);
        this.sender = new Thread(this::sendLoop, "notifier");
        sender.setDaemon(true);
        if (properties.enabled()) {
            sender.start();
        }
    }

    public boolean enabled() {
        return properties.enabled();
    }

    /**
     * Queues one notification per configured topic.
     *
     * @param publisherId e.g. {@code volume.<host>}
     * @param eventType e.g. {@code volume.create.end}
     * @param priority {@code INFO}, {@code ERROR}, ... (upper case in the body, lower case in the routing key)
     */
    public void notify(RequestContext context, String publisherId, String eventType, String priority,
            Map<String, Object> payload) {
        if (!properties.enabled()) {
            return;
        }
        try {
            String body = Json.write(message(context, publisherId, eventType, priority, payload));
            for (String topic : properties.topics()) {
                Outgoing outgoing = new Outgoing(topic + "." + priority.toLowerCase(java.util.Locale.ROOT),
                        body.getBytes(java.nio.charset.StandardCharsets.UTF_8), eventType);
                if (!queue.offer(outgoing)) {
                    meters.counter("ember_notifications_dropped", "event_type", eventType).increment();
                    LOG.warn("notification queue full; dropped {}", eventType);
                }
            }
        } catch (RuntimeException e) {
            meters.counter("ember_notifications_dropped", "event_type", eventType).increment();
            LOG.warn("could not build notification {}: {}", eventType, e.toString());
        }
    }

    /** The AMQP body: the oslo message, inside the 2.0 envelope for {@code messagingv2}. */
    private Map<String, Object> message(RequestContext context, String publisherId, String eventType, String priority,
            Map<String, Object> payload) {
        Map<String, Object> message = new LinkedHashMap<>();
        if (context != null) {
            message.put("_context_request_id", context.requestId());
            message.put("_context_global_request_id", context.globalRequestId());
            message.put("_context_user_id", context.userId());
            message.put("_context_project_id", context.projectId());
            message.put("_context_user", context.userId());
            message.put("_context_tenant", context.projectId());
            message.put("_context_is_admin", context.isAdmin());
            message.put("_context_roles", context.roles());
            message.put("_context_user_domain", context.scope().userDomainId());
            message.put("_context_project_domain", context.scope().projectDomainId());
            message.put("_context_domain", context.scope().domainId());
            message.put("_context_system_scope", context.scope().systemScope());
        }
        message.put("message_id", UUID.randomUUID().toString());
        message.put("publisher_id", publisherId);
        message.put("event_type", eventType);
        message.put("priority", priority.toUpperCase(java.util.Locale.ROOT));
        message.put("payload", payload);
        message.put("timestamp", TIMESTAMP.format(LocalDateTime.now(ZoneOffset.UTC)));
        message.put("_unique_id", UUID.randomUUID().toString().replace("-", ""));
        if (!properties.envelope()) {
            return message;
        }
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("oslo.version", "2.0");
        envelope.put("oslo.message", Json.write(message));
        return envelope;
    }

    private void sendLoop() {
        long backoffMillis = 100;
        Outgoing current = null;
        while (running.get() || current != null || !queue.isEmpty()) {
            try {
                if (current == null) {
                    current = queue.poll(500, TimeUnit.MILLISECONDS);
                    if (current == null) {
                        continue;
                    }
                }
                String failure = publish(current);
                if (failure == null) {
                    meters.counter("ember_notifications_sent", "event_type", current.eventType()).increment();
                    current = null;
                    backoffMillis = 100;
                    continue;
                }
                declared = false;
                meters.counter("ember_notifications_retries").increment();
                LOG.warn("notification {} not confirmed ({}); retrying in {} ms", current.eventType(), failure, backoffMillis);
                if (!running.get()) {
                    return; // closing: what is left is given up, as the process is going away
                }
                Thread.sleep(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF.toMillis());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("notifier: {}", e.toString());
            }
        }
    }

    /** Publishes once and waits for the confirm. Returns null when confirmed, else why not. */
    private String publish(Outgoing outgoing) throws InterruptedException {
        try {
            if (!declared) {
                declare();
            }
            MessageProperties props = new MessageProperties();
            props.setContentType("application/json");
            props.setContentEncoding("utf-8");
            props.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
            CorrelationData correlation = new CorrelationData(UUID.randomUUID().toString());
            template.send(exchange, outgoing.routingKey(), new Message(outgoing.body(), props), correlation);
            CorrelationData.Confirm confirm = correlation.getFuture().get(CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (correlation.getReturned() != null) {
                return "returned unroutable";
            }
            return confirm.ack() ? null : "nacked: " + confirm.reason();
        } catch (java.util.concurrent.TimeoutException e) {
            return "no confirm within " + CONFIRM_TIMEOUT.toSeconds() + " s";
        } catch (java.util.concurrent.ExecutionException | RuntimeException e) {
            return e.toString();
        }
    }

    /**
     * As oslo's rabbit driver on notify: the exchange and, per topic and priority, a queue named after the
     * routing key, so notifications are kept until a consumer comes (durable, as with {@code amqp_durable_queues}).
     */
    private void declare() {
        TopicExchange topic = new TopicExchange(exchange, true, false);
        admin.declareExchange(topic);
        for (String t : properties.topics()) {
            for (String priority : List.of("info", "error", "warn")) {
                Queue q = new Queue(t + "." + priority, true, false, false);
                admin.declareQueue(q);
                Binding binding = BindingBuilder.bind(q).to(topic).with(q.getName());
                admin.declareBinding(binding);
            }
        }
        declared = true;
    }

    /** Stops taking new work; waits briefly for queued notifications to be confirmed. */
    @Override
    public void close() {
        running.set(false);
        try {
            sender.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sender.interrupt();
        if (ownsConnection) {
            connectionFactory.destroy();
        }
    }
}
