package dev.ember.deploy;

import dev.ember.api.ApiApplication;
import dev.ember.common.config.RoleLauncher;
import dev.ember.common.testing.TestBroker;
import dev.ember.common.testing.TestDatabase;
import dev.ember.scheduler.SchedulerApplication;
import dev.ember.volume.VolumeApplication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The three roles as separate Spring contexts in the test's JVM, on a private database and broker
 * vhost: the real code paths over a real MariaDB and RabbitMQ, fast enough for API-level tests.
 * (The process-level tests start the packaged launchers instead.)
 */
public final class InJvmCluster implements AutoCloseable {

    private final TestDatabase database;
    private final TestBroker broker;
    private final Path state;
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
    private final Map<String, String> common = new HashMap<>();
    private int apiPort;

    /** @param overrides options for every role; a {@code cinder.database.connection} here replaces the test database */
    public InJvmCluster(Map<String, String> overrides) throws Exception {
        database = overrides.containsKey("cinder.database.connection") ? null : TestDatabase.create();
        broker = TestBroker.create();
        state = Files.createTempDirectory("ember-it");
        if (database != null) {
            common.put("cinder.database.connection", database.connection());
        }
        common.put("cinder.transport-url", broker.transportUrl());
        common.put("cinder.report-interval", "1");
        common.put("cinder.service-down-time", "4");
        common.put("cinder.backend-stats-polling-interval", "1");
        common.put("cinder.state-path", state.toString());
        common.put("cinder.ember.redrive-after", "6");
        common.putAll(overrides);
    }

    public InJvmCluster startApi() {
        contexts.add(RoleLauncher.run(new Class<?>[] {ApiApplication.class}, true, Map.of(),
                args(Map.of("server.port", "0", "cinder.host", "api-node"))));
        apiPort = Integer.parseInt(contexts.get(contexts.size() - 1).getEnvironment().getProperty("local.server.port"));
        return this;
    }

    public InJvmCluster startScheduler(String host) {
        contexts.add(RoleLauncher.run(new Class<?>[] {SchedulerApplication.class}, false, Map.of(),
                args(Map.of("cinder.host", host))));
        return this;
    }

    /** A volume service on {@code host} with one backend {@code backend} of the given driver options. */
    public ConfigurableApplicationContext startVolume(String host, String backend, Map<String, String> backendOptions) {
        Map<String, String> props = new HashMap<>();
        props.put("cinder.host", host);
        props.put("cinder.enabled-backends", backend);
        backendOptions.forEach((k, v) -> props.put("cinder.backends." + backend + "." + k, v));
        ConfigurableApplicationContext context = RoleLauncher.run(new Class<?>[] {VolumeApplication.class}, false,
                Map.of(), args(props));
        contexts.add(context);
        return context;
    }

    private String[] args(Map<String, String> extra) {
        Map<String, String> all = new HashMap<>(common);
        all.putAll(extra);
        return all.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    public Http http() {
        return new Http("http://127.0.0.1:" + apiPort);
    }

    /** A bean of the first started role that has one (e.g. a repository, to check invariants in the database). */
    public <T> T bean(Class<T> type) {
        for (ConfigurableApplicationContext context : contexts) {
            var beans = context.getBeansOfType(type);
            if (!beans.isEmpty()) {
                return beans.values().iterator().next();
            }
        }
        throw new IllegalStateException("no started role has a " + type.getSimpleName());
    }

    public TestDatabase database() {
        return database;
    }

    public TestBroker broker() {
        return broker;
    }

    public Path state() {
        return state;
    }

    @Override
    public void close() {
        for (int i = contexts.size() - 1; i >= 0; i--) {
            try {
                contexts.get(i).close();
            } catch (RuntimeException e) {
                System.err.println("closing a context failed: " + e);
            }
        }
        broker.close();
        if (database != null) {
            database.close();
        }
    }
}
