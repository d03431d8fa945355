package dev.ember.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A RabbitMQ node of a test's own (own port, node name and data directory), started from Debian's
 * rabbitmq-server, so the test may stop and start it without touching the shared broker on 5672.
 */
final class PrivateRabbit implements AutoCloseable {

    private static final Path BIN = Path.of("/usr/lib/rabbitmq/bin");

    private final Path dir;
    private final String node;
    private final int port;
    private final Map<String, String> env;
    private final Process server;

    private PrivateRabbit(Path dir, String node, int port, Map<String, String> env, Process server) {
        this.dir = dir;
        this.node = node;
        this.port = port;
        this.env = env;
        this.server = server;
    }

    static PrivateRabbit start(int port) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(BIN.resolve("rabbitmq-server")), "rabbitmq-server is not installed");
        Path dir = Files.createTempDirectory("ember-rabbit-");
        String node = "ember" + port + "x" + ProcessHandle.current().pid() + "@localhost";
        Files.writeString(dir.resolve("plugins"), "[].\n");
        Files.writeString(dir.resolve("rabbitmq.conf"), "loopback_users = none\n");
        Map<String, String> env = Map.of(
                "RABBITMQ_NODENAME", node,
                "RABBITMQ_NODE_PORT", Integer.toString(port),
                "RABBITMQ_DIST_PORT", Integer.toString(port + 20000),
                "RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString(),
                "RABBITMQ_LOG_BASE", dir.resolve("log").toString(),
                "RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("plugins").toString(),
                "RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq").toString(),
                "RABBITMQ_ADVANCED_CONFIG_FILE", dir.resolve("advanced.config").toString(),
                "RABBITMQ_PID_FILE", dir.resolve("pid").toString());
        ProcessBuilder builder = new ProcessBuilder(BIN.resolve("rabbitmq-server").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
        builder.environment().putAll(env);
        PrivateRabbit rabbit = new PrivateRabbit(dir, node, port, env, builder.start());
        try {
            rabbit.awaitStartup();
        } catch (Exception e) {
            rabbit.server.destroyForcibly();
            throw e;
        }
        return rabbit;
    }

    String transportUrl() {
        return "rabbit://guest:guest@127.0.0.1:" + port + "/";
    }

    /** Stops the broker application (connections drop, the node stays) or starts it again. */
    void stopApp() throws Exception {
        ctl("stop_app");
    }

    void startApp() throws Exception {
        ctl("start_app");
        awaitStartup();
    }

    /** {@code await_startup} fails at once while the node is not yet registered: retried for a minute. */
    private void awaitStartup() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                ctl("await_startup");
                return;
            } catch (IllegalStateException e) {
                if (System.nanoTime() > deadline || !server.isAlive()) {
                    throw new IllegalStateException(e.getMessage() + "; server log in " + dir, e);
                }
                Thread.sleep(1_000);
            }
        }
    }

    private void ctl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(BIN.resolve("rabbitmqctl").toString(), "-q", "-n", node));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " failed: " + out);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            ctl("stop");
        } finally {
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }
}
