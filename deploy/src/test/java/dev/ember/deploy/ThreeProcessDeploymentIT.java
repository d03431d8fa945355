package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.common.testing.TestBroker;
import dev.ember.common.testing.TestDatabase;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The real deployment: api, two schedulers and two volume services as five JVMs started by the
 * packaged launchers, on the local RabbitMQ and MariaDB, driven by the real {@code openstack} and
 * {@code cinder} command-line clients.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ThreeProcessDeploymentIT {

    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int SERVICE_DOWN_TIME = 6;
    /** Long enough for a killed volume service to be restarted by the test before its creates move. */
    private static final int RESCHEDULE_AFTER = 40;

    private TestDatabase database;
    private TestBroker broker;
    private ProcessCluster cluster;
    private ProcessCluster.Proc slow;
    private Cli cli;
    private Http admin;

    @BeforeAll
    void start() throws Exception {
        Cli.assumeInstalled();
        database = TestDatabase.create();
        broker = TestBroker.create();
        Map<String, String> common = new LinkedHashMap<>();
        common.put("cinder.database.connection", database.connection());
        common.put("cinder.transport-url", broker.transportUrl());
        common.put("cinder.report-interval", "1");
        // Many volumes in one project: quotas are not what this test is about.
        common.put("cinder.quota-volumes", "-1");
        common.put("cinder.quota-gigabytes", "-1");
        common.put("cinder.service-down-time", Integer.toString(SERVICE_DOWN_TIME));
        common.put("cinder.backend-stats-polling-interval", "2");
        common.put("cinder.ember.redrive-after", "10");
        common.put("cinder.ember.reschedule-after", Integer.toString(RESCHEDULE_AFTER));
        common.put("cinder.state-path", System.getProperty("java.io.tmpdir") + "/ember-e2e-" + database.name());
        cluster = new ProcessCluster(common);
        cluster.start("api", "cinder-api", Map.of("cinder.host", "api1"));
        cluster.start("scheduler-1", "cinder-scheduler", Map.of("cinder.host", "sched1"));
        cluster.start("scheduler-2", "cinder-scheduler", Map.of("cinder.host", "sched2"));
        cluster.start("volume-1", "cinder-volume", backend("node1", "fast"));
        slow = cluster.start("volume-2", "cinder-volume", backend("node2", "slow"));
        cluster.awaitReady(START, "node1@fast", "node2@slow");
        cli = new Cli(cluster.endpoint("admin"), "admin:admin");
        admin = cluster.http();
    }

    private static Map<String, String> backend(String host, String name) {
        Map<String, String> props = new HashMap<>();
        props.put("cinder.host", host);
        props.put("cinder.enabled-backends", name);
        props.put("cinder.backends." + name + ".volume_driver", "noop");
        props.put("cinder.backends." + name + ".volume_backend_name", name);
        return props;
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (database != null) {
            database.close();
        }
    }

    private JsonNode show(String id) {
        return cli.openstackJson("volume", "show", id);
    }

    private void awaitStatus(String id, String status) {
        Await.until("volume " + id + " " + status, WAIT,
                () -> status.equals(admin.get("/v3/admin/volumes/" + id).json().get("volume").get("status").asString()));
    }

    private String host(String id) {
        JsonNode host = admin.get("/v3/admin/volumes/" + id).json().get("volume").get("os-vol-host-attr:host");
        return host.isNull() ? null : host.asString();
    }

    @Test
    @Order(1)
    void theCliCreatesListsShowsRenamesAndDeletesVolumes() {
        JsonNode created = cli.openstackJson("volume", "create", "--size", "1", "--property", "purpose=e2e", "e2e-one");
        String id = created.get("id").asString();
        assertThat(created.get("status").asString()).isEqualTo("creating");
        Await.until("available through the CLI", WAIT, () -> show(id).get("status").asString().equals("available"));
        JsonNode list = cli.openstackJson("volume", "list");
        assertThat(list.toString()).contains(id).contains("e2e-one");
        cli.openstack("volume", "set", "--name", "e2e-renamed", "--description", "名前 ✓", id);
        JsonNode shown = show(id);
        assertThat(shown.get("name").asString()).isEqualTo("e2e-renamed");
        assertThat(shown.get("description").asString()).isEqualTo("名前 ✓");
        assertThat(shown.get("properties").toString()).contains("purpose");
        cli.openstack("volume", "delete", id);
        Await.until("gone", WAIT, () -> admin.get("/v3/admin/volumes/" + id).status() == 404);
        assertThat(cli.openstackFailing("volume", "show", id)).contains("No volume with a name or ID of '" + id + "' exists.");
    }

    @Test
    @Order(2)
    void everyServiceIsUp() {
        JsonNode services = cli.openstackJson("volume", "service", "list");
        assertThat(services.size()).isEqualTo(4);
        Map<String, String> states = new HashMap<>();
        services.forEach(s -> states.put(s.get("Binary").asString() + " " + s.get("Host").asString(),
                s.get("State").asString() + "/" + s.get("Status").asString()));
        assertThat(states).containsEntry("cinder-scheduler sched1", "up/enabled")
                .containsEntry("cinder-scheduler sched2", "up/enabled")
                .containsEntry("cinder-volume node1@fast", "up/enabled")
                .containsEntry("cinder-volume node2@slow", "up/enabled");
    }

    @Test
    @Order(3)
    void aVolumeTypeWithABackendNameSteersVolumesToThatBackend() {
        cli.openstack("volume", "type", "create", "--property", "volume_backend_name=slow", "slowtype");
        JsonNode type = cli.openstackJson("volume", "type", "show", "slowtype");
        assertThat(type.get("properties").toString()).contains("volume_backend_name");
        for (int i = 0; i < 3; i++) {
            String id = cli.openstackJson("volume", "create", "--size", "1", "--type", "slowtype", "steered-" + i).get("id").asString();
            awaitStatus(id, "available");
            assertThat(show(id).get("os-vol-host-attr:host").asString()).isEqualTo("node2@slow#slow");
        }
    }

    @Test
    @Order(4)
    void poolsShowTheirCapacity() {
        String pools = cli.cinder("get-pools", "--detail");
        assertThat(pools).contains("node1@fast#fast").contains("node2@slow#slow").contains("total_capacity_gb")
                .contains("free_capacity_gb").contains("allocated_capacity_gb");
        JsonNode detail = admin.get("/v3/admin/scheduler-stats/get_pools?detail=true").json().get("pools");
        detail.forEach(p -> assertThat(p.get("capabilities").get("total_capacity_gb").asDouble()).isEqualTo(1000.0));
    }

    @Test
    @Order(5)
    void twentyVolumesSpreadByTheLeastLoadedRule() {
        Map<String, Integer> before = counts();
        for (int i = 0; i < 20; i++) {
            Http.Response r = admin.post("/v3/admin/volumes", "{\"volume\": {\"size\": 1, \"name\": \"spread-" + i + "\"}}");
            String id = r.json().get("volume").get("id").asString();
            awaitStatus(id, "available");
        }
        Map<String, Integer> after = counts();
        int fast = after.getOrDefault("node1@fast#fast", 0);
        int slowCount = after.getOrDefault("node2@slow#slow", 0);
        assertThat(Math.abs(fast - slowCount)).as("volumes per backend %s (before %s)", after, before).isLessThanOrEqualTo(1);
        assertThat(fast + slowCount - before.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(20);
    }

    private Map<String, Integer> counts() {
        Map<String, Integer> counts = new HashMap<>();
        admin.get("/v3/admin/volumes/detail").json().get("volumes").forEach(v ->
                counts.merge(v.get("os-vol-host-attr:host").asString(), 1, Integer::sum));
        return counts;
    }

    @Test
    @Order(6)
    void aKilledVolumeServiceGoesDownAndNothingItHeldIsStuckAfterItsRestart() throws Exception {
        String deleteLater = cli.openstackJson("volume", "create", "--size", "1", "--type", "slowtype", "held").get("id").asString();
        awaitStatus(deleteLater, "available");

        slow.kill9();
        long killedAt = System.nanoTime();
        // Within service_down_time the schedulers still trust node2: these wait in its durable queue.
        String queued = create("slowtype");
        assertThat(admin.delete("/v3/admin/volumes/" + deleteLater).status()).isEqualTo(202);

        awaitServiceState("node2@slow", "down", Duration.ofSeconds(SERVICE_DOWN_TIME + 10));
        double seconds = (System.nanoTime() - killedAt) / 1e9;
        assertThat(seconds).as("shown down within service_down_time plus a heartbeat").isLessThan(SERVICE_DOWN_TIME + 4);
        for (int i = 0; i < 5; i++) {
            String id = create(null);
            awaitStatus(id, "available");
            assertThat(host(id)).isEqualTo("node1@fast#fast");
        }
        assertThat(status(queued)).isEqualTo("creating");

        slow.restart();
        awaitStatus(queued, "available");
        Await.until("the delete sent while it was dead done", WAIT,
                () -> admin.get("/v3/admin/volumes/" + deleteLater).status() == 404);
        awaitServiceState("node2@slow", "up", WAIT);
        assertNothingTransitional();
    }

    @Test
    @Order(7)
    void createsLeftOnABackendThatDoesNotComeBackAreMovedOn() throws Exception {
        slow.kill9();
        String abandoned = create("slowtype");
        awaitServiceState("node2@slow", "down", Duration.ofSeconds(SERVICE_DOWN_TIME + 10));
        String nowhere = cli.openstackJson("volume", "create", "--size", "1", "--type", "slowtype", "nowhere").get("id").asString();
        awaitStatus(nowhere, "error");
        // After reschedule_after the re-drive takes the create back; nothing else fits the type.
        Await.until("the abandoned create placed again (and refused)", Duration.ofSeconds(RESCHEDULE_AFTER + 30),
                () -> status(abandoned).equals("error"));
        assertThat(host(abandoned)).as("no host: its claim on node2 was given back").isNull();
        try (var c = database.connect(); var rs = c.createStatement().executeQuery(
                "SELECT event_id FROM messages WHERE resource_uuid = '" + abandoned + "'")) {
            assertThat(rs.next()).as("a user message says why").isTrue();
            assertThat(rs.getString(1)).isEqualTo("VOLUME_VOLUME_001_003");
        }

        slow.restart();
        awaitServiceState("node2@slow", "up", WAIT);
        Await.sleep(3000);
        assertThat(status(abandoned)).as("the old message, delivered after the restart, changes nothing").isEqualTo("error");
        assertNothingTransitional();
        JsonNode pool = admin.get("/v3/admin/scheduler-stats/get_pools?detail=true").json().get("pools");
        int onSlow = 0;
        for (JsonNode v : admin.get("/v3/admin/volumes/detail").json().get("volumes")) {
            if ("node2@slow#slow".equals(v.get("os-vol-host-attr:host").asString())) {
                onSlow += v.get("size").asInt();
            }
        }
        for (JsonNode p : pool) {
            if (p.get("name").asString().equals("node2@slow#slow")) {
                assertThat(p.get("capabilities").get("allocated_capacity_gb").asInt()).as("claims = live volumes").isEqualTo(onSlow);
            }
        }
    }

    private String create(String type) {
        String body = type == null ? "{\"volume\": {\"size\": 1}}"
                : "{\"volume\": {\"size\": 1, \"volume_type\": \"" + type + "\"}}";
        return admin.post("/v3/admin/volumes", body).json().get("volume").get("id").asString();
    }

    private String status(String id) {
        return admin.get("/v3/admin/volumes/" + id).json().get("volume").get("status").asString();
    }

    private void awaitServiceState(String host, String state, Duration timeout) {
        Await.until(host + " " + state, timeout, () -> {
            for (JsonNode s : cli.openstackJson("volume", "service", "list")) {
                if (s.get("Host").asString().equals(host)) {
                    return s.get("State").asString().equals(state);
                }
            }
            return false;
        });
    }

    private void assertNothingTransitional() {
        for (JsonNode v : admin.get("/v3/admin/volumes/detail").json().get("volumes")) {
            assertThat(List.of("available", "error")).as("volume %s", v.get("id")).contains(v.get("status").asString());
        }
    }
}
