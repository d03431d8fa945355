package dev.ember.common.rpc;

import com.rabbitmq.client.Channel;
import dev.ember.common.context.CurrentContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;

/**
 * Consumes RPC messages from queues and dispatches them to handlers by method name, with the sender's
 * request context set for the handler (and its log lines). Acknowledges a message only after its
 * handler returned, requeues it after a retriable failure, and drops it (logged) otherwise.
 */
public final class RpcServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RpcServer.class);
    private static final long RETRY_PAUSE_MILLIS = 1000;

    private final CachingConnectionFactory connectionFactory;
    private final Bus bus;
    private final int consumers;
    private final int prefetch;
    private final MeterRegistry meters;
    private final List<SimpleMessageListenerContainer> containers = new CopyOnWriteArrayList<>();

    public RpcServer(CachingConnectionFactory connectionFactory, Bus bus, int consumers, int prefetch, MeterRegistry meters) {
        this.connectionFactory = connectionFactory;
        this.bus = bus;
        this.consumers = consumers;
        this.prefetch = prefetch;
        this.meters = meters;
    }

    /** Starts consuming {@code queue}, which the caller declared in the {@link Topology}. */
    public void listen(String queue, Map<String, RpcHandler> handlers) {
        listen(queue, handlers, consumers);
    }

    public void listen(String queue, Map<String, RpcHandler> handlers, int consumerCount) {
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connectionFactory);
        container.setQueueNames(queue);
        container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
        container.setConcurrentConsumers(consumerCount);
        container.setPrefetchCount(prefetch);
        container.setMissingQueuesFatal(false);
        container.setRecoveryInterval(1000);
        container.setDefaultRequeueRejected(true);
        container.setMessageListener((ChannelAwareMessageListener) (message, channel) -> dispatch(handlers, message, channel));
        container.start();
        containers.add(container);
    }

    private void dispatch(Map<String, RpcHandler> handlers, Message amqp, Channel channel) throws IOException {
        long tag = amqp.getMessageProperties().getDeliveryTag();
        RpcMessage message;
        try {
            message = OsloCodec.decode(amqp.getBody());
        } catch (RuntimeException e) {
            LOG.warn("dropping an unreadable message from {}: {}", amqp.getMessageProperties().getConsumerQueue(),
                    e.getMessage());
            channel.basicReject(tag, false);
            return;
        }
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
        } catch (Exception e) {
            if (Retriable.isRetriable(e)) {
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
            sample.stop(meters.timer("ember_rpc_handle", "method", message.method(), "outcome", outcome));
            CurrentContext.clear();
        }
    }

    private void replyFailure(RpcMessage message, String className, String text) {
        if (message.isCall()) {
            bus.reply(message.replyQueue(), OsloCodec.encodeReply(message.msgId(), null,
                    new OsloCodec.RemoteFailure(className, "ember", text)));
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
        containers.forEach(SimpleMessageListenerContainer::stop);
    }
}
