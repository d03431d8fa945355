package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.common.testing.PrivateMariaDb;
import dev.ember.common.testing.TestBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The database and the broker restart under continuous creates, with the three roles as separate
 * processes started by the launchers: they recover by themselves, every create that was answered 202
 * ends {@code available}, and none was answered 500. The database is a MariaDB server of the test's
 * own; the broker is the local RabbitMQ, stopped and started with {@code rabbitmqctl stop_app/start_app}.
 */
class InfrastructureRestartIT {

    private static final Duration RECOVERY = Duration.ofSeconds(60);

    @Test
    void databaseAndBrokerRestartsLoseNothingAndStrandNothing() throws Exception {
        try (PrivateMariaDb mariadb = PrivateMariaDb.start(); TestBroker broker = TestBroker.create();
                ProcessCluster cluster = new ProcessCluster(Map.of(
                        "cinder.database.connection", mariadb.connection(),
                        "cinder.transport-url", broker.transportUrl(),
                        "cinder.report-interval", "1",
                        "cinder.service-down-time", "4",
                        "cinder.backend-stats-polling-interval", "1",
                        "cinder.ember.redrive-after", "5",
                        "cinder.quota-volumes", "-1",
                        "cinder.quota-gigabytes", "-1",
                        "cinder.state-path", System.getProperty("java.io.tmpdir") + "/ember-restart-it"))) {
            cluster.start("restart-api", "cinder-api", Map.of("cinder.host", "api1"));
            cluster.start("restart-scheduler", "cinder-scheduler", Map.of("cinder.host", "sched1"));
            cluster.start("restart-volume", "cinder-volume", Map.of("cinder.host", "node1",
                    "cinder.enabled-backends", "b1", "cinder.backends.b1.volume_driver", "noop"));
            cluster.awaitReady(Duration.ofSeconds(120), "node1@b1");
            Http admin = cluster.http();

            List<String> accepted = new CopyOnWriteArrayList<>();
            Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread load = new Thread(() -> {
                int i = 0;
                while (running.get()) {
                    try {
                        Http.Response r = admin.post("/v3/admin/volumes", "{\"volume\": {\"size\": 1, \"name\": \"churn-" + i++ + "\"}}");
                        statuses.merge(r.status(), 1, Integer::sum);
                        if (r.status() >= 500 && r.status() != 503) {
                            System.out.println("unexpected answer " + r.status() + " " + r.header("x-openstack-request-id")
                                    + ": " + r.body());
                        }
                        if (r.status() == 202) {
                            accepted.add(r.json().get("volume").get("id").asString());
                        }
                    } catch (RuntimeException e) {
                        statuses.merge(-1, 1, Integer::sum);
                    }
                    Await.sleep(50);
                }
            }, "load");
            load.start();
            Await.sleep(2000);

            mariadb.stopServer();
            Await.sleep(8000);
            mariadb.startServer();
            long dbBack = System.nanoTime();
            String afterDb = awaitAWorkingCreate(admin);
            System.out.printf("database restart: a create worked %.1f s after the database returned%n",
                    (System.nanoTime() - dbBack) / 1e9);

            TestBroker.rabbitmqctl("stop_app");
            try {
                Await.sleep(5000);
            } finally {
                TestBroker.rabbitmqctl("start_app");
            }
            long brokerBack = System.nanoTime();
            String afterBroker = awaitAWorkingCreate(admin);
            System.out.printf("broker restart: a create worked %.1f s after the broker returned%n",
                    (System.nanoTime() - brokerBack) / 1e9);

            Await.sleep(2000);
            running.set(false);
            load.join();
            System.out.println("answers during the run: " + statuses);
            assertThat(statuses).as("no 5xx other than 503 while a dependency was down").doesNotContainKeys(500, 502, 504);
            assertThat(accepted).hasSizeGreaterThan(20);
            accepted.add(afterDb);
            accepted.add(afterBroker);
            for (String id : accepted) {
                Await.until("accepted volume " + id + " available", RECOVERY, () -> "available".equals(
                        admin.get("/v3/admin/volumes/" + id).json().get("volume").get("status").asString()));
            }
        }
    }

    /** Creates volumes until one becomes available; returns its id. */
    private static String awaitAWorkingCreate(Http admin) {
        return Await.value("a create that works", RECOVERY, () -> {
            Http.Response r = admin.post("/v3/admin/volumes", "{\"volume\": {\"size\": 1, \"name\": \"probe\"}}");
            if (r.status() != 202) {
                return null;
            }
            String id = r.json().get("volume").get("id").asString();
            Await.until("probe " + id, Duration.ofSeconds(15), () -> "available".equals(
                    admin.get("/v3/admin/volumes/" + id).json().get("volume").get("status").asString()));
            return id;
        }, id -> id != null);
    }
}
