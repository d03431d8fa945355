package dev.ember.common.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.RabbitMQContainer;

/**
 * A private RabbitMQ virtual host for one test class, deleted on {@link #close()}: queues of one test
 * can never receive another's messages.
 *
 * <p>Uses the local RabbitMQ on 127.0.0.1:5672 (guest/guest), managing vhosts with {@code rabbitmqctl};
 * where it is absent and Docker exists, a Testcontainers RabbitMQ; with neither, the test is skipped.
 */
public final class TestBroker implements AutoCloseable {

    private static RabbitMQContainer container;

    private final String host;
    private final int port;
    private final String vhost;
    private final boolean local;

    private TestBroker(String host, int port, String vhost, boolean local) {
        this.host = host;
        this.port = port;
        this.vhost = vhost;
        this.local = local;
    }

    public static TestBroker create() {
        if (reachable("127.0.0.1", 5672)) {
            String vhost = "ember-it-" + UUID.randomUUID().toString().substring(0, 8);
            rabbitmqctl("add_vhost", vhost);
            rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
            return new TestBroker("127.0.0.1", 5672, vhost, true);
        }
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            docker = false;
        }
        if (!docker) {
            Assumptions.abort("no RabbitMQ on 127.0.0.1:5672 and no Docker for Testcontainers; "
                    + "run deploy/dev/setup-services.sh");
        }
        synchronized (TestBroker.class) {
            if (container == null) {
                container = new RabbitMQContainer("rabbitmq:3.13");
                container.start();
            }
        }
        return new TestBroker(container.getHost(), container.getAmqpPort(), "/", false);
    }

    /** oslo.messaging's {@code transport_url} for this virtual host. */
    public String transportUrl() {
        return "rabbit://guest:guest@" + host + ":" + port + "/" + (vhost.equals("/") ? "" : vhost);
    }

    public String vhost() {
        return vhost;
    }

    /** Runs {@code rabbitmqctl} against the local broker; fails the test on error. */
    public static String rabbitmqctl(String... args) {
        String[] command = new String[args.length + 2];
        command[0] = "rabbitmqctl";
        command[1] = "-q";
        System.arraycopy(args, 0, command, 2, args.length);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("rabbitmqctl is not available", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static boolean reachable(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (local) {
            try {
                rabbitmqctl("delete_vhost", vhost);
            } catch (RuntimeException e) {
                System.err.println("could not delete test vhost " + vhost + ": " + e.getMessage());
            }
        }
    }
}
