package dev.ember.common.rpc;

import dev.ember.common.json.Json;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import tools.jackson.databind.JsonNode;

/**
 * Sends RPC messages: casts (fire and forget, but confirmed by the broker), calls (request and reply)
 * and fanouts. Casts go to durable queues, mandatory and confirmed; a message that reaches no queue
 * comes back and is sent again, never silently dropped. Casts are transient unless configured
 * persistent: the database, not the broker, keeps what must not be lost (see the re-drive).
 */
public final class Bus implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Bus.class);
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_PUBLISH_ATTEMPTS = 3;

    private final RabbitTemplate template;
    private final Topology topology;
    private final String replyQueue;
    private final Map<String, CompletableFuture<OsloCodec.Reply>> pendingCalls = new ConcurrentHashMap<>();
    private final SimpleMessageListenerContainer replyListener;
    private final MeterRegistry meters;
    private final java.util.concurrent.atomic.AtomicLong correlationIds = new java.util.concurrent.atomic.AtomicLong();
    /** Handles confirms off the connection's own threads, where publishing again would deadlock. */
    private final java.util.concurrent.ExecutorService confirmExecutor = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bus-confirms");
        t.setDaemon(true);
        return t;
    });

    private final boolean persistent;

    /** @param persistent whether casts are persistent (written to disk by the broker) */
    public Bus(CachingConnectionFactory connectionFactory, Topology topology, boolean persistent, MeterRegistry meters) {
        this.topology = topology;
        this.persistent = persistent;
        this.meters = meters;
        this.template = new RabbitTemplate(connectionFactory);
        this.template.setMandatory(true);
        this.replyQueue = "reply_" + UUID.randomUUID().toString().replace("-", "");
        topology.privateQueue(replyQueue);
        this.replyListener = new SimpleMessageListenerContainer(connectionFactory);
        replyListener.setQueueNames(replyQueue);
        replyListener.setAcknowledgeMode(AcknowledgeMode.AUTO);
        replyListener.setMissingQueuesFatal(false);
        replyListener.setRecoveryInterval(1000);
        replyListener.setMessageListener(this::onReply);
        replyListener.start();
        // The reply queue is exclusive to the connection: when the connection goes, so does the queue and any
        // reply on its way, and a call still waiting would wait out its whole timeout (60 s by default) for
        // nothing. Such calls fail at once instead, as the broker being unavailable.
        connectionFactory.addConnectionListener(new org.springframework.amqp.rabbit.connection.ConnectionListener() {
            @Override
            public void onCreate(org.springframework.amqp.rabbit.connection.Connection connection) {
            }

            @Override
            public void onClose(org.springframework.amqp.rabbit.connection.Connection connection) {
                failPendingCalls("the connection to the broker closed");
            }

            @Override
            public void onShutDown(com.rabbitmq.client.ShutdownSignalException signal) {
                failPendingCalls("the connection to the broker was lost: " + signal.getMessage());
            }
        });
    }

    private void failPendingCalls(String why) {
        pendingCalls.values().forEach(waiting -> waiting.completeExceptionally(
                new BusUnavailableException(why + " while waiting for a reply", null)));
    }

    /**
     * Casts to a topic queue on the control exchange. Returns once the broker has the message on the
     * wire; its confirm is awaited asynchronously. A message the broker refuses, returns unroutable or
     * does not confirm is published again (after re-declaring the topology) a few times, then counted
     * and logged as lost: every cast is backed by a database row that the re-drive finds, so a lost
     * cast delays an operation but cannot strand it. Throws {@link BusUnavailableException} when the
     * broker cannot be reached at all.
     */
    public void cast(String routingKey, RpcMessage message) {
        Timer.Sample sample = Timer.start(meters);
        String outcome = "ok";
        try {
            publish(topology.controlExchange(), routingKey, OsloCodec.encode(message, null), persistent, message.method(), 1);
        } catch (BusUnavailableException e) {
            outcome = "failed";
            throw e;
        } finally {
            sample.stop(meters.timer("ember_rpc_cast", "method", message.method(), "outcome", outcome));
        }
    }

    /** Casts to every consumer of a fanout exchange. Unconfirmed: capability reports are periodic. */
    public void fanout(String exchange, RpcMessage message) {
        try {
            template.send(exchange, "", amqpMessage(OsloCodec.encode(message, null), false));
        } catch (AmqpException e) {
            throw new BusUnavailableException("fanout to " + exchange + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Calls a method on the consumer of {@code routingKey} and waits for its reply.
     *
     * @throws RpcTimeoutException when no reply came within {@code timeout}
     * @throws RemoteException when the far side raised an error
     */
    public JsonNode call(String routingKey, String method, RpcMessage request, Duration timeout) {
        String msgId = UUID.randomUUID().toString().replace("-", "");
        RpcMessage call = new RpcMessage(method, request.args(), request.version(), request.context(), msgId, replyQueue);
        CompletableFuture<OsloCodec.Reply> reply = new CompletableFuture<>();
        pendingCalls.put(msgId, reply);
        Timer.Sample sample = Timer.start(meters);
        String outcome = "ok";
        try {
            publishCall(routingKey, OsloCodec.encode(call, (int) timeout.toSeconds()), timeout, method);
            OsloCodec.Reply answer = reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (answer.failure() != null) {
                outcome = "remote_error";
                throw new RemoteException(answer.failure().className(), answer.failure().message());
            }
            return answer.result();
        } catch (TimeoutException e) {
            outcome = "timeout";
            throw new RpcTimeoutException("Timed out waiting for a reply to " + method + " on " + routingKey);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = "interrupted";
            throw new RpcTimeoutException("interrupted waiting for a reply to " + method);
        } catch (ExecutionException e) {
            outcome = "failed";
            if (e.getCause() instanceof BusUnavailableException lost) {
                throw new BusUnavailableException("no reply to " + method + " on " + routingKey + ": " + lost.getMessage(), lost);
            }
            throw new IllegalStateException(e.getCause());
        } catch (BusUnavailableException e) {
            outcome = "failed";
            throw e;
        } finally {
            pendingCalls.remove(msgId);
            sample.stop(meters.timer("ember_rpc_call", "method", method, "outcome", outcome));
        }
    }

    /**
     * Publishes a call once, mandatory. A call is not given a broker expiry (Qpid reads AMQP 0-9-1's
     * {@code expiration} as an absolute time, RabbitMQ as a TTL): one consumed after its caller gave up is
     * still carried out, which the handlers' idempotency makes harmless, and the caller's retry finds the
     * work done.
     */
    private void publishCall(String routingKey, byte[] body, Duration timeout, String method) {
        Message message = amqpMessage(body, false);
        CorrelationData correlation = new CorrelationData(Long.toString(correlationIds.incrementAndGet()));
        try {
            template.send(topology.controlExchange(), routingKey, message, correlation);
        } catch (AmqpException e) {
            throw new BusUnavailableException("publishing " + method + " to " + routingKey + " failed: " + e.getMessage(), e);
        }
    }

    /** Sends a reply to a call through the default exchange. */
    void reply(String replyTo, byte[] body) {
        try {
            template.send("", replyTo, amqpMessage(body, false));
        } catch (AmqpException e) {
            LOG.warn("could not send a reply to {}: {}", replyTo, e.getMessage());
        }
    }

    public Topology topology() {
        return topology;
    }

    private void publish(String exchange, String routingKey, byte[] body, boolean persistent, String method,
            int attempt) {
        CorrelationData correlation = new CorrelationData(Long.toString(correlationIds.incrementAndGet()));
        try {
            template.send(exchange, routingKey, amqpMessage(body, persistent), correlation);
        } catch (AmqpException e) {
            throw new BusUnavailableException("publishing to " + routingKey + " failed: " + e.getMessage(), e);
        }
        correlation.getFuture().orTimeout(CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .whenCompleteAsync((confirm, failure) -> {
                    boolean returned = correlation.getReturned() != null;
                    if (failure == null && confirm.ack() && !returned) {
                        return;
                    }
                    String why = failure != null ? "no confirm (" + failure + ")" : returned ? "returned unroutable"
                            : "refused: " + confirm.reason();
                    if (returned) {
                        topology.redeclareAll();
                    }
                    if (attempt < MAX_PUBLISH_ATTEMPTS) {
                        LOG.debug("{} to {} {}; publishing it again", method, routingKey, why);
                        try {
                            publish(exchange, routingKey, body, persistent, method, attempt + 1);
                            return;
                        } catch (BusUnavailableException e) {
                            why = e.getMessage();
                        }
                    }
                    meters.counter("ember_rpc_lost_casts", "method", method).increment();
                    LOG.warn("{} to {} was not confirmed ({}); the re-drive will send it again", method, routingKey, why);
                }, confirmExecutor);
    }

    private static Message amqpMessage(byte[] body, boolean persistent) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType("application/json");
        properties.setContentEncoding("utf-8");
        properties.setDeliveryMode(persistent ? MessageDeliveryMode.PERSISTENT : MessageDeliveryMode.NON_PERSISTENT);
        return new Message(body, properties);
    }

    private void onReply(Message message) {
        try {
            OsloCodec.Reply reply = OsloCodec.decodeReply(message.getBody());
            CompletableFuture<OsloCodec.Reply> waiting = reply.msgId() == null ? null : pendingCalls.get(reply.msgId());
            if (waiting != null) {
                waiting.complete(reply);
            } else {
                LOG.debug("dropping a reply nobody waits for: {}", reply.msgId());
            }
        } catch (RuntimeException e) {
            LOG.warn("dropping an unreadable reply: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        replyListener.stop();
        confirmExecutor.shutdown();
    }
}
