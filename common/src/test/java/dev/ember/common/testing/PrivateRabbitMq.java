package dev.ember.common.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A RabbitMQ node of the test's own (its own node name, AMQP and distribution ports, Mnesia and log
 * directories under a temporary folder), for tests that stop and start the broker under a running
 * deployment. Only this node is ever stopped: the machine's shared RabbitMQ is left alone. Skips the test
 * where the RabbitMQ server package is not installed.
 */
public final class PrivateRabbitMq implements AutoCloseable {

    private static final Path SERVER = Path.of("/usr/lib/rabbitmq/bin/rabbitmq-server");

    private final Path dir;
    private final int port;
    private final int distPort;
    private final String node;
    private Process server;

    private PrivateRabbitMq(Path dir, int port, int distPort, String node) {
        this.dir = dir;
        this.port = port;
        this.distPort = distPort;
        this.node = node;
    }

    public static PrivateRabbitMq start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(SERVER), "the RabbitMQ server package is not installed");
        Path dir = Files.createTempDirectory("ember-rabbitmq-");
        PrivateRabbitMq broker = new PrivateRabbitMq(dir, freePort(), freePort(),
                "ember-" + UUID.randomUUID().toString().substring(0, 8) + "@localhost");
        Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
        Files.writeString(dir.resolve("rabbitmq.conf"), "listeners.tcp.default = 127.0.0.1:" + broker.port + "\n"
                + "loopback_users = none\n");
        broker.startServer();
        return broker;
    }

    /** Starts the node (again) on the same data and ports, and waits until it accepts AMQP connections. */
    public void startServer() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(SERVER.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.out").toFile()));
        var env = builder.environment();
        env.put("HOME", dir.toString());
        env.put("RABBITMQ_NODENAME", node);
        env.put("RABBITMQ_NODE_PORT", Integer.toString(port));
        env.put("RABBITMQ_DIST_PORT", Integer.toString(distPort));
        env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
        env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
        env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq").toString());
        env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
        env.put("RABBITMQ_PID_FILE", dir.resolve("rabbitmq.pid").toString());
        server = builder.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (TestBroker.reachable("127.0.0.1", port)) {
                return;
            }
            if (!server.isAlive()) {
                break;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("private RabbitMQ did not start; see " + dir.resolve("server.out"));
    }

    /**
     * Stops the node as a service manager would (SIGTERM to the Erlang VM, then to the start script) and
     * waits for it to exit. Messages not yet persisted are lost, as in a real broker restart.
     */
    public void stopServer() throws Exception {
        if (server == null || !server.isAlive()) {
            return;
        }
        // The start script runs the Erlang VM as a child: the VM's pid is in the pid file.
        Path pidFile = dir.resolve("rabbitmq.pid");
        if (Files.exists(pidFile)) {
            String pid = Files.readString(pidFile).trim();
            if (!pid.isEmpty()) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroy);
            }
        }
        server.destroy();
        if (!server.waitFor(60, TimeUnit.SECONDS)) {
            server.descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
            server.waitFor(30, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (TestBroker.reachable("127.0.0.1", port) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    /** oslo.messaging's {@code transport_url} for this node's default virtual host. */
    public String transportUrl() {
        return "rabbit://guest:guest@127.0.0.1:" + port + "/";
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws Exception {
        stopServer();
        new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor(60, TimeUnit.SECONDS);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
