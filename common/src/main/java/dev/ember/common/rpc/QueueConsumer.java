package dev.ember.common.rpc;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.Connection;

/**
 * One consumer of one queue, on a thread and channel of its own, handing its listener every message
 * that has already arrived (up to the prefetch) as one batch: the first message is awaited, the rest
 * are taken without waiting, so batches form under load and cost no latency when idle.
 *
 * <p>It reconnects by itself: when the broker goes away or the queue disappears, it opens a new channel
 * (re-declaring the topology) every second until it can consume again. Messages it held but had not
 * acknowledged are redelivered by the broker, so nothing is lost; listeners are idempotent.
 */
final class QueueConsumer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QueueConsumer.class);
    private static final Delivery CLOSED = new Delivery(-1, null, null);

    /** A message as the listener sees it. */
    record Delivery(long tag, byte[] body, String queue) {
    }

    /** Handles a batch; acknowledges (or not) each delivery on {@code channel}. */
    @FunctionalInterface
    interface BatchListener {
        void onBatch(List<Delivery> batch, Channel channel) throws Exception;
    }

    private final CachingConnectionFactory connectionFactory;
    private final Topology topology;
    private final String queue;
    private final int prefetch;
    private final BatchListener listener;
    private final Thread thread;
    private volatile boolean running = true;

    QueueConsumer(CachingConnectionFactory connectionFactory, Topology topology, String queue, int prefetch,
            BatchListener listener, String name) {
        this.connectionFactory = connectionFactory;
        this.topology = topology;
        this.queue = queue;
        this.prefetch = prefetch;
        this.listener = listener;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        boolean failedBefore = false;
        while (running) {
            Channel channel = null;
            try {
                Connection connection = connectionFactory.createConnection();
                channel = connection.createChannel(false);
                channel.basicQos(prefetch);
                LinkedBlockingQueue<Delivery> inbox = new LinkedBlockingQueue<>();
                channel.basicConsume(queue, false, new DefaultConsumer(channel) {
                    @Override
                    public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
                            byte[] body) {
                        inbox.add(new Delivery(envelope.getDeliveryTag(), body, queue));
                    }

                    @Override
                    public void handleCancel(String consumerTag) {
                        inbox.add(CLOSED);
                    }

                    @Override
                    public void handleShutdownSignal(String consumerTag, ShutdownSignalException signal) {
                        inbox.add(CLOSED);
                    }
                });
                if (failedBefore) {
                    LOG.info("consuming {} again", queue);
                    failedBefore = false;
                }
                consume(inbox, channel);
            } catch (Exception e) {
                if (running) {
                    if (!failedBefore) {
                        LOG.warn("cannot consume {} ({}); retrying every second", queue, e.getMessage());
                    }
                    failedBefore = true;
                    pause();
                    try {
                        topology.redeclareAll();
                    } catch (RuntimeException ignored) {
                        // the broker is still away; next round
                    }
                }
            } finally {
                closeQuietly(channel);
            }
        }
    }

    private void consume(LinkedBlockingQueue<Delivery> inbox, Channel channel) throws Exception {
        while (running) {
            Delivery first = inbox.poll(1, TimeUnit.SECONDS);
            if (first == null) {
                if (!channel.isOpen()) {
                    return;
                }
                continue;
            }
            if (first == CLOSED) {
                return;
            }
            List<Delivery> batch = new ArrayList<>();
            batch.add(first);
            inbox.drainTo(batch, prefetch - 1);
            boolean closed = batch.remove(CLOSED);
            listener.onBatch(batch, channel);
            if (closed) {
                return;
            }
        }
    }

    private static void closeQuietly(Channel channel) {
        if (channel != null && channel.isOpen()) {
            try {
                channel.close();
            } catch (Exception ignored) {
                // already gone
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
