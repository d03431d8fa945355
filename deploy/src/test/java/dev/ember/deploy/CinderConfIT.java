package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ember.common.testing.TestBroker;
import dev.ember.common.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * One {@code cinder.conf} (noauth, a MariaDB URL in SQLAlchemy form, a rabbit URL, one backend section)
 * starts the three Java processes through the packaged launchers with nothing but
 * {@code --config-file}, and the same file passes Debian's {@code oslo-config-validator} for Cinder's
 * option namespaces: the option names are Cinder's, not ours.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CinderConfIT {

    /** The namespaces of Cinder's own cinder-config-generator.conf. */
    private static final List<String> NAMESPACES = List.of("castellan.config", "cinder", "keystonemiddleware.auth_token",
            "osprofiler", "oslo.config", "oslo.concurrency", "oslo.db", "oslo.log", "oslo.messaging", "oslo.middleware",
            "oslo.policy", "oslo.privsep", "oslo.reports", "oslo.service.periodic_task", "oslo.service.service",
            "oslo.service.sslutils", "oslo.service.wsgi", "oslo.versionedobjects", "os_brick");
    private static final Duration START = Duration.ofSeconds(90);

    private TestDatabase database;
    private TestBroker broker;
    private ProcessCluster cluster;
    private Path conf;
    private Path dir;

    @BeforeAll
    void start() throws Exception {
        database = TestDatabase.create();
        broker = TestBroker.create();
        dir = Files.createTempDirectory("ember-cinder-conf");
        int port = ProcessCluster.freePort();
        conf = Files.writeString(dir.resolve("cinder.conf"), """
                [DEFAULT]
                auth_strategy = noauth
                transport_url = %s
                host = confnode
                my_ip = 127.0.0.1
                osapi_volume_listen = 127.0.0.1
                osapi_volume_listen_port = %d
                enabled_backends = noop-1
                default_volume_type = __DEFAULT__
                quota_volumes = 50
                report_interval = 1
                service_down_time = 6
                state_path = %s
                debug = false

                [database]
                connection = %s

                [oslo_concurrency]
                lock_path = /var/lib/cinder/tmp

                [noop-1]
                volume_driver = noop
                volume_backend_name = noop-1
                reserved_percentage = 0
                max_over_subscription_ratio = 20.0
                """.formatted(broker.transportUrl(), port, dir.resolve("state"), database.connection()));
        cluster = new ProcessCluster(java.util.Map.of());
        for (String role : List.of("cinder-api", "cinder-scheduler", "cinder-volume")) {
            Files.deleteIfExists(cluster.log("conf-" + role));
            cluster.startWithArgs("conf-" + role, role, List.of("--config-file", conf.toString()),
                    role.equals("cinder-api") ? port : 0);
        }
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

    @Test
    void theProcessesRunFromCinderConfAlone() throws Exception {
        cluster.awaitReady(START, "confnode@noop-1");
        Http http = cluster.http().as("admin:admin");
        Http.Response created = http.post("/v3/admin/volumes", "{\"volume\": {\"size\": 1, \"name\": \"from-conf\"}}");
        assertThat(created.status()).as(created.toString()).isEqualTo(202);
        String id = created.json().get("volume").get("id").asString();
        JsonNode volume = Await.value("volume available", Duration.ofSeconds(30),
                () -> http.get("/v3/admin/volumes/" + id).json().get("volume"),
                v -> v.get("status").asString().equals("available"));
        assertThat(volume.get("os-vol-host-attr:host").asString()).startsWith("confnode@noop-1#");
        // quota_volumes from the file: the project's limit is 50.
        JsonNode quota = http.get("/v3/admin/os-quota-sets/admin").json().get("quota_set");
        assertThat(quota.get("volumes").asInt()).isEqualTo(50);

        String apiLog = Files.readString(cluster.log("conf-cinder-api"));
        assertThat(apiLog).contains("[DEFAULT] debug is a Cinder option Ember does not support: ignored")
                .contains("[oslo_concurrency] lock_path is a Cinder option Ember does not support: ignored")
                .contains("[DEFAULT] my_ip is a Cinder option Ember does not support: ignored");
    }

    @Test
    void theSameFilePassesOsloConfigValidator() throws Exception {
        assumeTrue(Shell.onPath("oslo-config-validator"), "oslo-config-validator is not installed "
                + "(apt-get install python3-oslo.config python3-cinder)");
        // A backend section's name is the operator's, so no sample has it: the validator skips it, and its
        // options are checked in [backend_defaults], where Cinder registers every backend option.
        Shell.Result whole = validate(conf, "noop-1");
        assertThat(whole.exit()).as(whole.toString()).isZero();
        assertThat(whole.output()).doesNotContain("ERROR");
        String text = Files.readString(conf);
        Path backend = Files.writeString(dir.resolve("backend.conf"),
                "[backend_defaults]\n" + text.substring(text.indexOf("[noop-1]") + "[noop-1]".length()));
        Shell.Result section = validate(backend, null);
        assertThat(section.exit()).as(section.toString()).isZero();
    }

    @Test
    void theGeneratedSampleNamesOnlyCinderOptions() throws Exception {
        assumeTrue(Shell.onPath("oslo-config-validator"), "oslo-config-validator is not installed");
        Path home = Path.of(System.getProperty("ember.home", ".")).toAbsolutePath();
        Shell.Result sample = Shell.run(List.of(home.resolve("bin/cinder-manage").toString(), "config", "sample"),
                Duration.ofSeconds(60));
        assertThat(sample.exit()).as(sample.toString()).isZero();
        // Every option of Ember's catalog, uncommented: the [DEFAULT], [database], ... part, before the
        // per-driver example sections (whose Ember-only driver options Cinder does not have).
        // [ember] holds Ember's own options, which Cinder does not have.
        String catalog = sample.output().substring(0, sample.output().indexOf("# A backend section"))
                .replaceAll("(?s)\\n\\[ember\\]\\n.*?(?=\\n\\[|$)", "\n");
        assertThat(sample.output()).contains("\n[ember]\n");
        assertThat(catalog).doesNotContain("[ember]", "redrive_after");
        Path file = Files.writeString(dir.resolve("sample.conf"), catalog.replaceAll("(?m)^#([a-z_]+ = )", "$1"));
        assertThat(Files.readString(file)).contains("\nreport_interval = 10\n", "\nconnection = mysql+pymysql://");
        Shell.Result result = validate(file, null);
        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.output()).doesNotContain("ERROR");
    }

    private static Shell.Result validate(Path file, String excludeGroup) {
        List<String> command = new ArrayList<>(List.of("oslo-config-validator", "--input-file", file.toString()));
        NAMESPACES.forEach(ns -> command.addAll(List.of("--namespace", ns)));
        if (excludeGroup != null) {
            command.addAll(List.of("--exclude-group", excludeGroup));
        }
        return Shell.run(command, Duration.ofSeconds(90));
    }
}
