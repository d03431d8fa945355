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
 * and fanouts. Every publish is persistent and mandatory and waits for the broker's confirm, so
 * "sent" means "stored in a queue": a message that reaches no queue comes back and counts as a
 * failure, never as a silent drop.
 */
public final class Bus implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Bus.class);
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(5);

    private final RabbitTemplate template;
    private final Topology topology;
    private final String replyQueue;
    private final Map<String, CompletableFuture<OsloCodec.Reply>> pendingCalls = new ConcurrentHashMap<>();
    private final SimpleMessageListenerContainer replyListener;
    private final MeterRegistry meters;

    public Bus(CachingConnectionFactory connectionFactory, Topology topology, MeterRegistry meters) {
        this.topology = topology;
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
    }

    /** Casts to a topic queue on the control exchange; returns once the broker has stored the message. */
    public void cast(String routingKey, RpcMessage message) {
        Timer.Sample sample = Timer.start(meters);
        String outcome = "ok";
        try {
            publish(topology.controlExchange(), routingKey, OsloCodec.encode(message, null), true);
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
            publish(topology.controlExchange(), routingKey, OsloCodec.encode(call, (int) timeout.toSeconds()), false);
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
            throw new IllegalStateException(e.getCause());
        } catch (BusUnavailableException e) {
            outcome = "failed";
            throw e;
        } finally {
            pendingCalls.remove(msgId);
            sample.stop(meters.timer("ember_rpc_call", "method", method, "outcome", outcome));
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

    private void publish(String exchange, String routingKey, byte[] body, boolean persistent) {
        for (int attempt = 1; ; attempt++) {
            CorrelationData correlation = new CorrelationData(UUID.randomUUID().toString());
            try {
                template.send(exchange, routingKey, amqpMessage(body, persistent), correlation);
                CorrelationData.Confirm confirm = correlation.getFuture()
                        .get(CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (correlation.getReturned() != null) {
                    // No queue took it: the queue is missing (a fresh broker). Declare and try once more.
                    topology.redeclareAll();
                    if (attempt < 2) {
                        continue;
                    }
                    throw new BusUnavailableException("no queue is bound to " + exchange + "/" + routingKey, null);
                }
                if (!confirm.ack()) {
                    throw new BusUnavailableException("the broker refused a message for " + routingKey + ": "
                            + confirm.reason(), null);
                }
                return;
            } catch (AmqpException e) {
                throw new BusUnavailableException("publishing to " + routingKey + " failed: " + e.getMessage(), e);
            } catch (TimeoutException e) {
                throw new BusUnavailableException("the broker did not confirm a message for " + routingKey, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BusUnavailableException("interrupted while publishing to " + routingKey, e);
            } catch (ExecutionException e) {
                throw new BusUnavailableException("publishing to " + routingKey + " failed", e.getCause());
            }
        }
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
    }

    static JsonNode nullNode() {
        return Json.mapper().getNodeFactory().nullNode();
    }
}
