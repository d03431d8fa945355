package dev.ember.common.telemetry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ember.common.json.Json;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The management port every Ember process may open ({@code cinder.ember.telemetry-port}; off by default):
 * {@code GET /metrics} is the Prometheus scrape of the process's meters, {@code GET /healthcheck} reports the
 * broker connection and the database, {@code 200} with {@code "status": "OK"} when both answer, else
 * {@code 503}. Nothing here is authenticated: bind it to a management address.
 */
public final class TelemetryServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TelemetryServer.class);

    private final HttpServer server;
    private final PrometheusMeterRegistry registry;
    private final CachingConnectionFactory broker;
    private final JdbcTemplate jdbc;

    /** @param port the port to listen on; 0 a free one; negative: no server at all */
    public TelemetryServer(String address, int port, PrometheusMeterRegistry registry, CachingConnectionFactory broker,
            JdbcTemplate jdbc) throws IOException {
        this.registry = registry;
        this.broker = broker;
        this.jdbc = jdbc;
        if (port < 0) {
            this.server = null;
            return;
        }
        this.server = HttpServer.create(new InetSocketAddress(address, port), 16);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "telemetry-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/metrics", this::metrics);
        server.createContext("/healthcheck", this::health);
        server.start();
        LOG.info("telemetry listening on {}:{} (/metrics, /healthcheck)", address, port());
    }

    /** The bound port (useful when configured as 0); -1 when off. */
    public int port() {
        return server == null ? -1 : server.getAddress().getPort();
    }

    private void metrics(HttpExchange exchange) throws IOException {
        respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
    }

    private void health(HttpExchange exchange) throws IOException {
        Map<String, Object> checks = new LinkedHashMap<>();
        boolean brokerUp = check(checks, "broker", () -> {
            Connection connection = broker.createConnection();
            if (!connection.isOpen()) {
                throw new IllegalStateException("connection closed");
            }
        });
        boolean dbUp = check(checks, "database", () -> jdbc.queryForObject("SELECT 1", Integer.class));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", brokerUp && dbUp ? "OK" : "DOWN");
        body.put("checks", checks);
        respond(exchange, brokerUp && dbUp ? 200 : 503, "application/json", Json.write(body));
    }

    private static boolean check(Map<String, Object> checks, String name, Runnable probe) {
        try {
            probe.run();
            checks.put(name, "OK");
            return true;
        } catch (RuntimeException e) {
            checks.put(name, "DOWN: " + e.getMessage());
            return false;
        }
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
