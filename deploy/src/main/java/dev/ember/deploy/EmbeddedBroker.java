package dev.ember.deploy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.qpid.server.SystemLauncher;

/**
 * The all-in-one's AMQP 0-9-1 broker: Apache Qpid Broker-J in this JVM, on loopback, with an in-memory
 * virtual host. Messages do not outlive the process; the services' re-drive and recovery on start make
 * that harmless, exactly as after a broker restart in a real deployment.
 */
final class EmbeddedBroker implements AutoCloseable {

    private final SystemLauncher launcher = new SystemLauncher();
    private final int port;

    private EmbeddedBroker(int port) {
        this.port = port;
    }

    /** Starts on {@code port}, or on a free loopback port when {@code port} is 0. */
    static EmbeddedBroker start(int port, Path workDir) throws Exception {
        int chosen = port > 0 ? port : freePort();
        Files.createDirectories(workDir);
        EmbeddedBroker broker = new EmbeddedBroker(chosen);
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("type", "Memory");
        attributes.put("initialConfigurationLocation",
                EmbeddedBroker.class.getResource("/ember-qpid.json").toExternalForm());
        attributes.put("initialSystemPropertiesLocation",
                EmbeddedBroker.class.getResource("/ember-qpid-system.properties").toExternalForm());
        attributes.put("startupLoggedToSystemOut", false);
        Map<String, String> context = new HashMap<>();
        context.put("ember.amqp_port", Integer.toString(chosen));
        context.put("qpid.work_dir", workDir.toAbsolutePath().toString());
        context.put("qpid.broker.defaultPreferenceStoreAttributes", "{\"type\": \"Noop\"}");
        attributes.put("context", context);
        broker.launcher.startup(attributes);
        return broker;
    }

    int port() {
        return port;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        launcher.shutdown();
    }
}
