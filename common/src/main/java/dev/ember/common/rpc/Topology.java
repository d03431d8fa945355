package dev.ember.common.rpc;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/**
 * Every exchange, queue and binding this process relies on. Declared before first use, by
 * publishers as well as consumers, and again on every new broker connection, so a message is never
 * published to an exchange that has lost its queue (a broker restart or fail-over) and dropped.
 *
 * <p>Only plain AMQP 0-9-1 declarations are used (no RabbitMQ-only arguments), so the same topology
 * works on RabbitMQ and on the all-in-one's embedded Qpid broker.
 */
public final class Topology {

    private static final Logger LOG = LoggerFactory.getLogger(Topology.class);

    private final RabbitAdmin admin;
    private final TopicExchange controlExchange;
    private final Map<String, Declarable> declarables = new ConcurrentHashMap<>();

    public Topology(CachingConnectionFactory connectionFactory, String controlExchangeName) {
        this.admin = new RabbitAdmin(connectionFactory);
        this.admin.setAutoStartup(false);
        this.admin.setIgnoreDeclarationExceptions(true);
        this.controlExchange = new TopicExchange(controlExchangeName, true, false);
        declarables.put("exchange:" + controlExchangeName, controlExchange);
        connectionFactory.addConnectionListener(connection -> redeclareAll());
    }

    public String controlExchange() {
        return controlExchange.getName();
    }

    /** A durable queue on the control exchange, bound by its own name and the extra routing keys. */
    public void durableTopicQueue(String queue, String... extraKeys) {
        Queue q = new Queue(queue, true, false, false);
        register("queue:" + queue, q);
        register("binding:" + queue + ":" + queue, BindingBuilder.bind(q).to(controlExchange).with(queue));
        for (String key : extraKeys) {
            register("binding:" + queue + ":" + key, BindingBuilder.bind(q).to(controlExchange).with(key));
        }
    }

    /** A durable fanout exchange. */
    public void fanoutExchange(String exchange) {
        register("exchange:" + exchange, new FanoutExchange(exchange, true, false));
    }

    /** A queue of this process only (exclusive, deleted with the connection), bound to a fanout exchange. */
    public void privateFanoutQueue(String queue, String exchange) {
        fanoutExchange(exchange);
        Queue q = new Queue(queue, false, true, true);
        register("queue:" + queue, q);
        register("binding:" + queue + ":" + exchange, new Binding(queue, Binding.DestinationType.QUEUE, exchange, "", null));
    }

    /** A queue of this process only, reached through the default exchange (RPC replies). */
    public void privateQueue(String queue) {
        register("queue:" + queue, new Queue(queue, false, true, true));
    }

    /** Declares everything again, e.g. after a publish came back unroutable. */
    public void redeclareAll() {
        declarables.values().stream().filter(d -> !(d instanceof Binding)).forEach(this::declare);
        declarables.values().stream().filter(d -> d instanceof Binding).forEach(this::declare);
    }

    private void register(String key, Declarable declarable) {
        if (declarables.putIfAbsent(key, declarable) == null) {
            try {
                declare(declarable);
            } catch (RuntimeException e) {
                // The broker is down: the declaration runs again when a connection comes up.
                LOG.debug("deferred declaring {}: {}", key, e.getMessage());
            }
        }
    }

    private void declare(Declarable declarable) {
        if (declarable instanceof TopicExchange exchange) {
            admin.declareExchange(exchange);
        } else if (declarable instanceof FanoutExchange exchange) {
            admin.declareExchange(exchange);
        } else if (declarable instanceof Queue queue) {
            admin.declareQueue(queue);
        } else if (declarable instanceof Binding binding) {
            admin.declareBinding(binding);
        }
    }
}
