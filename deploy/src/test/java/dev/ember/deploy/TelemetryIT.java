package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.common.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * Notifications reach a real consumer: Debian's python3-oslo.messaging notification listener, on this test's
 * own vhost of the local RabbitMQ, receives Cinder's volume usage events with Cinder's payload fields for a
 * volume created, extended, attached, detached and deleted through the API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TelemetryIT {

    /** Debian's interpreter, which has the python3-oslo.messaging package (not a pyenv one earlier on PATH). */
    private static final String PYTHON = "/usr/bin/python3";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PROJECT = "telemetry";
    private static final String CONNECTOR = "{\"initiator\": \"iqn.1993-08.org.debian:01:telemetry\", \"ip\": \"127.0.0.1\", "
            + "\"host\": \"telemetry-host\", \"platform\": \"x86_64\", \"os_type\": \"linux\", \"multipath\": false}";
    /** {@code _usage_from_volume}'s keys. */
    private static final List<String> USAGE_KEYS = List.of("tenant_id", "host", "user_id", "availability_zone", "volume_id",
            "volume_type", "display_name", "launched_at", "created_at", "status", "snapshot_id", "size",
            "replication_status", "replication_extended_status", "replication_driver_data", "metadata", "volume_attachment");

    private InJvmCluster cluster;
    private Process listener;
    private Path received;
    private Http user;
    private Path disableFile;
    private org.springframework.context.ConfigurableApplicationContext volume;

    @BeforeAll
    void start() throws Exception {
        Assumptions.assumeTrue(new ProcessBuilder(PYTHON, "-c", "import oslo_messaging").start().waitFor() == 0,
                "python3-oslo.messaging is not installed (deploy/dev/install-test-tools.sh)");
        disableFile = Files.createTempDirectory("ember-health-").resolve("disabled");
        cluster = new InJvmCluster(Map.of("cinder.oslo-messaging-notifications.driver", "messagingv2",
                "cinder.control-exchange", "cinder", "cinder.ember.telemetry-port", "0", "cinder.ember.telemetry-listen",
                "127.0.0.1", "cinder.healthcheck.disable-by-file-path", disableFile.toString(), "cinder.ember.telemetry-state-interval", "1"));
        received = Files.createTempFile("ember-notifications-", ".jsonl");
        Path script = Path.of(TelemetryIT.class.getResource("/telemetry/notification_listener.py").toURI());
        listener = new ProcessBuilder(PYTHON, script.toString(), cluster.broker().transportUrl(), "cinder",
                received.toString()).redirectErrorStream(true)
                .redirectOutput(Files.createTempFile("ember-listener-", ".log").toFile()).start();
        cluster.startApi().startScheduler("telemetry-node");
        volume = cluster.startVolume("telemetry-node", "fake", Map.of("volume_driver", "noop"));
        user = cluster.http().as("alice:" + PROJECT);
        Await.until("the fake backend's pool", WAIT, () -> cluster.http().as("admin:admin")
                .get("/v3/admin/scheduler-stats/get_pools").body().contains("telemetry-node@fake#fake"));
    }

    @AfterAll
    void stop() throws Exception {
        if (listener != null) {
            listener.destroy();
            listener.waitFor(10, TimeUnit.SECONDS);
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private List<JsonNode> notifications() {
        List<JsonNode> all = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(received, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (String line : lines) {
            if (!line.isBlank()) {
                all.add(Json.parse(line));
            }
        }
        return all;
    }

    /** Waits for {@code eventType} about {@code volumeId} and returns it. */
    private JsonNode await(String eventType, String volumeId) {
        JsonNode[] found = new JsonNode[1];
        Await.until(eventType + " of " + volumeId + " at the oslo listener", WAIT, () -> {
            for (JsonNode n : notifications()) {
                if (eventType.equals(n.get("event_type").asString())
                        && volumeId.equals(n.get("payload").get("volume_id").asString())) {
                    found[0] = n;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private String status(String id) {
        return user.get("/v3/" + PROJECT + "/volumes/" + id).json().get("volume").get("status").asString();
    }

    @Test
    void anOsloListenerReceivesTheVolumeLifecycle() throws Exception {
        Http.Response created = user.post("/v3/" + PROJECT + "/volumes", "{\"volume\": {\"size\": 1, \"name\": \"watched\"}}");
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        String id = created.json().get("volume").get("id").asString();

        JsonNode start = await("volume.create.start", id);
        assertThat(start.get("publisher_id").asString()).isEqualTo("volume.telemetry-node");
        assertThat(start.get("priority").asString()).isEqualTo("INFO");
        assertThat(start.get("payload").get("status").asString()).isEqualTo("creating");
        assertThat(start.get("metadata").get("message_id").asString()).isNotBlank();
        assertThat(start.get("metadata").get("timestamp").asString()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}");
        JsonNode end = await("volume.create.end", id);
        JsonNode payload = end.get("payload");
        assertThat(payload.propertyNames()).containsExactlyElementsOf(USAGE_KEYS);
        assertThat(payload.get("status").asString()).isEqualTo("available");
        assertThat(payload.get("tenant_id").asString()).isEqualTo(PROJECT);
        assertThat(payload.get("user_id").asString()).isEqualTo("alice");
        assertThat(payload.get("display_name").asString()).isEqualTo("watched");
        assertThat(payload.get("size").asInt()).isEqualTo(1);
        assertThat(payload.get("host").asString()).startsWith("telemetry-node@fake#");
        assertThat(payload.get("launched_at").asString()).endsWith("+00:00");
        assertThat(payload.get("created_at").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?\\+00:00");
        assertThat(end.get("ctxt").get("project_id").asString()).isEqualTo(PROJECT);

        assertThat(user.put("/v3/" + PROJECT + "/volumes/" + id, "{\"volume\": {\"name\": \"renamed\"}}").status())
                .isEqualTo(200);
        JsonNode updated = await("volume.update.end", id);
        assertThat(updated.get("publisher_id").asString()).isEqualTo("volume.api-node");
        assertThat(updated.get("payload").get("display_name").asString()).isEqualTo("renamed");
        assertThat(await("volume.update.start", id).get("payload").get("display_name").asString()).isEqualTo("watched");

        Http.Response extend = user.post("/v3/" + PROJECT + "/volumes/" + id + "/action", "{\"os-extend\": {\"new_size\": 2}}");
        assertThat(extend.status()).as(extend.body()).isEqualTo(202);
        assertThat(await("volume.resize.start", id).get("payload").get("size").asInt()).isEqualTo(1);
        assertThat(await("volume.resize.end", id).get("payload").get("size").asInt()).isEqualTo(2);
        Await.until("volume available again", WAIT, () -> "available".equals(status(id)));

        Http at44 = user.withVersion("3.44");
        Http.Response attachment = at44.post("/v3/" + PROJECT + "/attachments", "{\"attachment\": {\"volume_uuid\": \"" + id
                + "\", \"instance_uuid\": \"6f1c2ab4-1a51-4b37-9d0e-2b7a6e0c5d11\", \"connector\": " + CONNECTOR + "}}");
        assertThat(attachment.status()).as(attachment.body()).isEqualTo(200);
        String attachmentId = attachment.json().get("attachment").get("id").asString();
        await("volume.attach.start", id);
        await("volume.attach.end", id);
        assertThat(at44.delete("/v3/" + PROJECT + "/attachments/" + attachmentId).status()).isEqualTo(200);
        await("volume.detach.start", id);
        await("volume.detach.end", id);
        Await.until("volume available after detach", WAIT, () -> "available".equals(status(id)));

        Http.Response snap = user.post("/v3/" + PROJECT + "/snapshots", "{\"snapshot\": {\"volume_id\": \"" + id + "\"}}");
        assertThat(snap.status()).as(snap.body()).isEqualTo(202);
        String snapshotId = snap.json().get("snapshot").get("id").asString();
        JsonNode snapEnd = await("snapshot.create.end", id);
        assertThat(snapEnd.get("publisher_id").asString()).isEqualTo("snapshot.telemetry-node");
        assertThat(snapEnd.get("payload").propertyNames()).containsExactly("tenant_id", "user_id", "availability_zone",
                "volume_id", "volume_size", "snapshot_id", "display_name", "created_at", "status", "deleted", "metadata");
        assertThat(snapEnd.get("payload").get("snapshot_id").asString()).isEqualTo(snapshotId);
        assertThat(snapEnd.get("payload").get("status").asString()).isEqualTo("available");
        await("snapshot.create.start", id);
        Await.until("snapshot available", WAIT, () -> "available".equals(user.get("/v3/" + PROJECT + "/snapshots/"
                + snapshotId).json().get("snapshot").get("status").asString()));
        assertThat(user.delete("/v3/" + PROJECT + "/snapshots/" + snapshotId).status()).isEqualTo(202);
        await("snapshot.delete.start", id);
        assertThat(await("snapshot.delete.end", id).get("payload").get("deleted").asString()).isEqualTo("true");
        Await.until("snapshot gone", WAIT, () -> user.get("/v3/" + PROJECT + "/snapshots/" + snapshotId).status() == 404);

        assertThat(user.delete("/v3/" + PROJECT + "/volumes/" + id).status()).isEqualTo(202);
        assertThat(await("volume.delete.start", id).get("payload").get("status").asString()).isEqualTo("deleting");
        assertThat(await("volume.delete.end", id).get("payload").get("status").asString()).isEqualTo("deleted");
    }

    /** The management port of the role whose context this is. */
    private static Http management(org.springframework.context.ConfigurableApplicationContext context) {
        return new Http("http://127.0.0.1:" + context.getBean(dev.ember.common.telemetry.TelemetryServer.class).port());
    }

    /** The value of the first sample of {@code name} whose labels include all of {@code labels}; -1 if none. */
    private static double sample(String scrape, String name, String... labels) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(name + "{") && java.util.Arrays.stream(labels).allMatch(line::contains)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }

    @Test
    void theUsageAuditSendsVolumeExists() {
        Http.Response created = user.post("/v3/" + PROJECT + "/volumes", "{\"volume\": {\"size\": 1, \"name\": \"audited\"}}");
        String id = created.json().get("volume").get("id").asString();
        Await.until("volume available", WAIT, () -> "available".equals(status(id)));
        java.time.Instant end = java.time.Instant.now().plusSeconds(1);
        assertThat(cluster.bean(dev.ember.common.notify.UsageAudit.class).audit(end.minusSeconds(3600), end))
                .isGreaterThanOrEqualTo(1);
        JsonNode exists = await("volume.exists", id);
        assertThat(exists.get("payload").get("display_name").asString()).isEqualTo("audited");
        assertThat(exists.get("payload").get("audit_period_ending").asString()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d.*\\+00:00");
        assertThat(exists.get("payload").has("audit_period_beginning")).isTrue();
    }

    @Test
    void metricsAreScrapedFromTheApiAndVolumeProcesses() {
        Http.Response created = user.post("/v3/" + PROJECT + "/volumes", "{\"volume\": {\"size\": 1}}");
        String id = created.json().get("volume").get("id").asString();
        Await.until("volume available", WAIT, () -> "available".equals(status(id)));
        await("volume.create.end", id);

        // The API started first, so its management port is the first found.
        String api = new Http("http://127.0.0.1:" + cluster.bean(dev.ember.common.telemetry.TelemetryServer.class).port())
                .get("/metrics").body();
        assertThat(sample(api, "http_server_requests_seconds_count", "method=\"POST\"", "status=\"202\"",
                "uri=\"/v3/volumes\"")).as(api).isGreaterThanOrEqualTo(1);
        assertThat(sample(api, "ember_rpc_cast_seconds_count", "outcome=\"ok\"")).isGreaterThanOrEqualTo(1);
        assertThat(sample(api, "ember_build", "version=")).as("build info").isEqualTo(1);
        Http apiManagement = new Http("http://127.0.0.1:" + cluster.bean(dev.ember.common.telemetry.TelemetryServer.class).port());
        Await.until("ember_volumes counts the available volume", WAIT, () -> sample(apiManagement.get("/metrics").body(),
                "ember_volumes", "status=\"available\"") >= 1);
        String state = apiManagement.get("/metrics").body();
        assertThat(sample(state, "ember_volumes", "status=\"error_extending\"")).isEqualTo(0);
        assertThat(sample(state, "ember_volume_oldest_transitional_seconds", "status=\"creating\"")).isGreaterThanOrEqualTo(0);
        assertThat(sample(state, "ember_pool_total_capacity_gigabytes", "pool=\"telemetry-node@fake#fake\"")).as(state)
                .isPositive();
        assertThat(sample(state, "ember_pool_allocated_capacity_gigabytes", "pool=\"telemetry-node@fake#fake\""))
                .isGreaterThanOrEqualTo(1);

        Http.Response scrape = management(volume).get("/metrics");
        assertThat(scrape.status()).isEqualTo(200);
        String vol = scrape.body();
        assertThat(sample(vol, "ember_driver_operation_seconds_count", "backend=\"telemetry-node@fake\"",
                "op=\"create_volume\"", "outcome=\"ok\"")).as(vol).isGreaterThanOrEqualTo(1);
        assertThat(sample(vol, "ember_notifications_sent_total", "event_type=\"volume.create.end\"")).isGreaterThanOrEqualTo(1);
        assertThat(sample(vol, "ember_rpc_handled_total", "outcome=\"ok\"")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void healthchecksAnswerAsOsloAndReportBrokerAndDatabase() throws Exception {
        Http http = cluster.http();
        Http.Response text = http.get("/healthcheck");
        assertThat(text.status()).isEqualTo(200);
        assertThat(text.body()).isEqualTo("OK");
        Http.Response json = http.send("GET", "/healthcheck", null, Map.of("Accept", "application/json"));
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.body()).isEqualTo("{\n    \"detailed\": false,\n    \"reasons\": [\n        \"OK\"\n    ]\n}");
        assertThat(http.send("HEAD", "/healthcheck", null, Map.of()).status()).isEqualTo(204);
        Files.createFile(disableFile);
        try {
            Http.Response disabled = http.get("/healthcheck");
            assertThat(disabled.status()).isEqualTo(503);
            assertThat(disabled.body()).isEqualTo("DISABLED BY FILE");
            assertThat(http.send("HEAD", "/healthcheck", null, Map.of()).status()).isEqualTo(503);
        } finally {
            Files.delete(disableFile);
        }

        Http.Response volumeHealth = management(volume).get("/healthcheck");
        assertThat(volumeHealth.status()).as(volumeHealth.body()).isEqualTo(200);
        JsonNode body = volumeHealth.json();
        assertThat(body.get("status").asString()).isEqualTo("OK");
        assertThat(body.get("checks").get("broker").asString()).isEqualTo("OK");
        assertThat(body.get("checks").get("database").asString()).isEqualTo("OK");
    }
}
