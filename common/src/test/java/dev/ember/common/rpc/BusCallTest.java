package dev.ember.common.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.common.config.CommonConfiguration;
import dev.ember.common.context.RequestContext;
import dev.ember.common.json.Json;
import dev.ember.common.testing.PrivateRabbitMq;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/** {@link Bus#call} against a real RabbitMQ of the test's own. */
class BusCallTest {

    /**
     * A call whose reply can no longer come (the broker went away, and with the connection the exclusive reply
     * queue) fails at once as the broker being unavailable, instead of waiting out its timeout.
     */
    @Test
    void aCallInFlightWhenTheBrokerGoesFailsAtOnceInsteadOfTimingOut() throws Exception {
        try (PrivateRabbitMq rabbit = PrivateRabbitMq.start()) {
            CachingConnectionFactory factory = CommonConfiguration.connectionFactory(rabbit.transportUrl(), "bus-test");
            try {
                Topology topology = new Topology(factory, "openstack");
                topology.durableTopicQueue("nobody-answers");
                Bus bus = new Bus(factory, topology, false, new SimpleMeterRegistry());
                RpcMessage request = RpcMessage.cast("ping", Json.object(), "3.0", RequestContext.internal());
                CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
                    try {
                        bus.call("nobody-answers", "ping", request, Duration.ofSeconds(60));
                        return null;
                    } catch (RuntimeException e) {
                        return e;
                    }
                });
                Thread.sleep(1_000);
                assertThat(outcome).as("the call waits for its reply").isNotDone();
                long stopped = System.nanoTime();
                rabbit.stopServer();
                Throwable failure = outcome.get(20, TimeUnit.SECONDS);
                assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(Duration.ofSeconds(20));
                assertThat(failure).isInstanceOf(BusUnavailableException.class).hasMessageContaining("ping");
                rabbit.startServer();
                assertThatThrownBy(() -> bus.call("nobody-answers", "ping", request, Duration.ofSeconds(2)))
                        .as("after the broker is back, calls wait for replies again").isInstanceOf(RpcTimeoutException.class);
            } finally {
                factory.destroy();
            }
        }
    }
}
