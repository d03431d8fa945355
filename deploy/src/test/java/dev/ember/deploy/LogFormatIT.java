package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.common.json.Json;
import dev.ember.common.testing.TestBroker;
import dev.ember.common.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * Logs of real processes: the API writes oslo.log's text line with {@code [req-... user project]}, the volume
 * service (with {@code cinder.use-json}) oslo's JSON lines; one grep of the request id the API returned follows a
 * create from the API to the driver, and the caller's global request id travels with it. No log of the run holds
 * the broker password.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogFormatIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SECRET = "Pw-" + UUID.randomUUID();

    private TestDatabase database;
    private TestBroker broker;
    private ProcessCluster cluster;
    private Path logs;
    private String user;

    @BeforeAll
    void start() throws Exception {
        database = TestDatabase.create();
        broker = TestBroker.create();
        user = "logs" + UUID.randomUUID().toString().substring(0, 8);
        TestBroker.rabbitmqctl("add_user", user, SECRET);
        TestBroker.rabbitmqctl("set_permissions", "-p", broker.vhost(), user, ".*", ".*", ".*");
        Map<String, String> common = new LinkedHashMap<>();
        common.put("cinder.database.connection", database.connection());
        common.put("cinder.transport-url", broker.transportUrl().replace("guest:guest@", user + ":" + SECRET + "@"));
        common.put("cinder.report-interval", "1");
        common.put("cinder.backend-stats-polling-interval", "1");
        common.put("cinder.state-path", Files.createTempDirectory("ember-logs-").toString());
        cluster = new ProcessCluster(common);
        logs = Path.of(System.getProperty("ember.home", ".")).toAbsolutePath().resolve("target/e2e");
        for (String name : List.of("logs-api", "logs-scheduler", "logs-volume")) {
            Files.deleteIfExists(logs.resolve(name + ".log"));
        }
        cluster.start("logs-api", "cinder-api", Map.of("cinder.host", "logs-api"));
        cluster.start("logs-scheduler", "cinder-scheduler", Map.of("cinder.host", "logs-sched"));
        cluster.start("logs-volume", "cinder-volume", Map.of("cinder.host", "logs-node", "cinder.enabled-backends", "fake",
                "cinder.backends.fake.volume_driver", "noop", "cinder.use-json", "true"));
        cluster.awaitReady(WAIT, "logs-node@fake");
    }

    @AfterAll
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (user != null) {
            TestBroker.rabbitmqctl("delete_user", user);
        }
        if (broker != null) {
            broker.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void oneGrepFollowsACreateAndNoLogHoldsTheBrokerPassword() throws Exception {
        String global = "req-" + UUID.randomUUID();
        Http.Response created = cluster.http().as("alice:logs").send("POST", "/v3/logs/volumes",
                "{\"volume\": {\"size\": 1}}", Map.of("X-OpenStack-Request-ID", global, "Content-Type", "application/json"));
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        String requestId = created.header("x-openstack-request-id");
        assertThat(requestId).matches("req-[0-9a-f-]{36}");
        String id = created.json().get("volume").get("id").asString();
        Await.until("the volume service logged the create", WAIT,
                () -> read("logs-volume").contains("volume " + id + " created"));

        String api = read("logs-api");
        assertThat(api.lines().filter(l -> l.contains("[" + requestId + " alice logs ")))
                .as("API text lines with the request context").isNotEmpty();
        JsonNode createdLine = null;
        for (String line : read("logs-volume").lines().toList()) {
            if (line.startsWith("{") && line.contains("volume " + id + " created")) {
                createdLine = Json.parse(line);
            }
        }
        assertThat(createdLine).as("the volume service's JSON line").isNotNull();
        assertThat(createdLine.get("levelname").asString()).isEqualTo("INFO");
        assertThat(createdLine.get("context").get("request_id").asString()).isEqualTo(requestId);
        assertThat(createdLine.get("context").get("global_request_id").asString()).isEqualTo(global);
        assertThat(createdLine.get("context").get("user").asString()).isEqualTo("alice");
        assertThat(createdLine.get("context").get("project").asString()).isEqualTo("logs");

        for (String name : List.of("logs-api", "logs-scheduler", "logs-volume")) {
            assertThat(read(name)).as(name + ".log").isNotEmpty().doesNotContain(SECRET);
        }
    }

    private String read(String name) {
        try {
            Path file = logs.resolve(name + ".log");
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
