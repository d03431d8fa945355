package dev.ember.common.rpc;

import com.rabbitmq.client.Channel;
import dev.ember.common.context.CurrentContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * Consumes RPC messages from queues and dispatches them to handlers by method name, with the sender's
 * request context set for the handler (and its log lines). Acknowledges a message only after its
 * handler returned, requeues it after a retriable failure, and drops it (logged) otherwise. Messages
 * that arrive together are handed over together to handlers that can take a batch.
 */
public final class RpcServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RpcServer.class);
    private static final long RETRY_PAUSE_MILLIS = 1000;

    private final CachingConnectionFactory connectionFactory;
    private final Bus bus;
    private final int consumers;
    private final int prefetch;
    private final MeterRegistry meters;
    private final List<QueueConsumer> running = new CopyOnWriteArrayList<>();

    public RpcServer(CachingConnectionFactory connectionFactory, Bus bus, int consumers, int prefetch, MeterRegistry meters) {
        this.connectionFactory = connectionFactory;
        this.bus = bus;
        this.consumers = consumers;
        this.prefetch = prefetch;
        this.meters = meters;
    }

    /** Starts consuming {@code queue}, which the caller declared in the {@link Topology}. */
    public void listen(String queue, Map<String, RpcHandler> handlers) {
        listen(queue, handlers, Map.of(), consumers);
    }

    public void listen(String queue, Map<String, RpcHandler> handlers, int consumerCount) {
        listen(queue, handlers, Map.of(), consumerCount);
    }

    /**
     * Starts consuming {@code queue}. Each consumer takes the messages already waiting (up to the
     * prefetch) as one batch; casts of a method with a batch handler are handled together, all others
     * one by one in arrival order.
     */
    public void listen(String queue, Map<String, RpcHandler> handlers, Map<String, BatchRpcHandler> batchHandlers,
            int consumerCount) {
        listen(queue, handlers, batchHandlers, consumerCount, Set.of());
    }

    /**
     * As {@link #listen(String, Map, Map, int)}, and the casts of the {@code first} methods in a batch are handled
     * before the rest of it: a cheap operation a user waits for (a create) is not queued behind slow ones (a
     * backlog of deletes after an outage). Handlers check the state they act on, so the order between methods
     * does not matter to the outcome.
     */
    public void listen(String queue, Map<String, RpcHandler> handlers, Map<String, BatchRpcHandler> batchHandlers,
            int consumerCount, Set<String> first) {
        for (int i = 0; i < consumerCount; i++) {
            QueueConsumer consumer = new QueueConsumer(connectionFactory, bus.topology(), queue, prefetch,
                    (batch, channel) -> dispatch(handlers, batchHandlers, first, batch, channel), "rpc-" + queue + "-" + i);
            consumer.start();
            running.add(consumer);
        }
    }

    private void dispatch(Map<String, RpcHandler> handlers, Map<String, BatchRpcHandler> batchHandlers, Set<String> first,
            List<QueueConsumer.Delivery> batch, Channel channel) throws IOException {
        Map<String, List<Delivery>> grouped = new LinkedHashMap<>();
        first.forEach(method -> grouped.put(method, new ArrayList<>()));
        for (QueueConsumer.Delivery amqp : batch) {
            long tag = amqp.tag();
            try {
                RpcMessage message = OsloCodec.decode(amqp.body());
                String group = batchHandlers.containsKey(message.method()) && !message.isCall() ? message.method() : "";
                grouped.computeIfAbsent(group, g -> new ArrayList<>()).add(new Delivery(tag, message));
            } catch (RuntimeException e) {
                LOG.warn("dropping an unreadable message from {}: {}", amqp.queue(), e.getMessage());
                channel.basicReject(tag, false);
            }
        }
        for (Map.Entry<String, List<Delivery>> group : grouped.entrySet()) {
            if (group.getValue().isEmpty()) {
                continue;
            }
            if (group.getKey().isEmpty()) {
                for (Delivery delivery : group.getValue()) {
                    dispatchOne(handlers, delivery, channel);
                }
            } else {
                dispatchBatch(group.getKey(), batchHandlers.get(group.getKey()), group.getValue(), channel);
            }
        }
    }

    private record Delivery(long tag, RpcMessage message) {
    }

    private void dispatchBatch(String method, BatchRpcHandler handler, List<Delivery> deliveries, Channel channel)
            throws IOException {
        Timer.Sample sample = Timer.start(meters);
        String outcome = "ok";
        List<RpcMessage> messages = deliveries.stream().map(Delivery::message).toList();
        CurrentContext.set(messages.get(0).context());
        try {
            List<RpcMessage> requeue = handler.handle(messages);
            for (Delivery delivery : deliveries) {
                if (requeue.contains(delivery.message())) {
                    channel.basicNack(delivery.tag(), false, true);
                } else {
                    channel.basicAck(delivery.tag(), false);
                }
            }
            if (!requeue.isEmpty()) {
                outcome = "requeued";
                pause();
            }
        } catch (Exception e) {
            if (Retriable.isRetriable(e)) {
                outcome = "requeued";
                LOG.warn("{} of {} messages failed, will retry: {}", method, deliveries.size(), e.toString());
                pause();
                for (Delivery delivery : deliveries) {
                    channel.basicNack(delivery.tag(), false, true);
                }
            } else {
                outcome = "failed";
                LOG.error("{} of {} messages failed; dropping them", method, deliveries.size(), e);
                for (Delivery delivery : deliveries) {
                    channel.basicAck(delivery.tag(), false);
                }
            }
        } finally {
            meters.counter("ember_rpc_handled", "method", method, "outcome", outcome).increment(deliveries.size());
            sample.stop(meters.timer("ember_rpc_handle_batch", "method", method, "outcome", outcome));
            CurrentContext.clear();
        }
    }

    private void dispatchOne(Map<String, RpcHandler> handlers, Delivery delivery, Channel channel) throws IOException {
        long tag = delivery.tag();
        RpcMessage message = delivery.message();
        RpcHandler handler = handlers.get(message.method());
        CurrentContext.set(message.context());
        Timer.Sample sample = Timer.start(meters);
        String outcome = "ok";
        try {
            if (handler == null) {
                outcome = "unknown_method";
                LOG.warn("dropping a message for unknown method {}", message.method());
                replyFailure(message, "UnsupportedVersion", "Endpoint does not support RPC method " + message.method());
                channel.basicAck(tag, false);
                return;
            }
            var result = handler.handle(message);
            if (message.isCall()) {
                bus.reply(message.replyQueue(), OsloCodec.encodeReply(message.msgId(), result, null));
            }
            channel.basicAck(tag, false);
        } catch (CinderFault e) {
            // A refusal the caller must see (bad connector, wrong state): not a failure of this service.
            outcome = "refused";
            LOG.info("{} refused: {}", message.method(), e.getMessage());
            replyFailure(message, e.kind().wireClass(), e.getMessage());
            channel.basicAck(tag, false);
        } catch (Exception e) {
            if (Retriable.isRetriable(e) && message.isCall()) {
                // A caller is waiting: tell it now rather than requeue past its timeout.
                outcome = "unavailable";
                LOG.warn("{} failed, answering unavailable: {}", message.method(), e.toString());
                replyFailure(message, CinderFault.Kind.UNAVAILABLE.wireClass(),
                        "The volume service cannot reach the database or the storage now; try again later.");
                channel.basicAck(tag, false);
            } else if (Retriable.isRetriable(e)) {
                outcome = "requeued";
                LOG.warn("{} failed, will retry: {}", message.method(), e.toString());
                pause();
                channel.basicNack(tag, false, true);
            } else {
                outcome = "failed";
                LOG.error("{} failed; dropping the message", message.method(), e);
                replyFailure(message, e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
                channel.basicAck(tag, false);
            }
        } finally {
            meters.counter("ember_rpc_handled", "method", message.method(), "outcome", outcome).increment();
            sample.stop(meters.timer("ember_rpc_handle", "method", message.method(), "outcome", outcome));
            CurrentContext.clear();
        }
    }

    private void replyFailure(RpcMessage message, String className, String text) {
        if (message.isCall()) {
            bus.reply(message.replyQueue(), OsloCodec.encodeReply(message.msgId(), null,
                    new OsloCodec.RemoteFailure(className, "cinder.exception", text)));
        }
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running.forEach(QueueConsumer::close);
    }
}
