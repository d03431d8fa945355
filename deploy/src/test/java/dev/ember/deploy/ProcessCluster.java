package dev.ember.deploy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real deployment for end-to-end tests: every role a separate JVM started through the packaged
 * launchers ({@code deploy/bin/cinder-*}), exactly as an operator starts them. Output goes to
 * {@code target/e2e/<name>.log}.
 */
public final class ProcessCluster implements AutoCloseable {

    /** One running role. */
    public final class Proc {
        final String name;
        final String role;
        final Map<String, String> properties;
        List<String> args = List.of();
        Process process;

        Proc(String name, String role, Map<String, String> properties) {
            this.name = name;
            this.role = role;
            this.properties = properties;
        }

        public String name() {
            return name;
        }

        public long pid() {
            return process.pid();
        }

        /** SIGKILL: no shutdown hook, no goodbye. */
        public void kill9() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        public void restart() throws IOException {
            if (process.isAlive()) {
                throw new IllegalStateException(name + " is still running");
            }
            launch(this);
        }

        public boolean alive() {
            return process.isAlive();
        }
    }

    private final Path home;
    private final Path logs;
    private final Map<String, String> common = new LinkedHashMap<>();
    private final List<Proc> procs = new ArrayList<>();
    private int apiPort;

    public ProcessCluster(Map<String, String> common) throws IOException {
        this.home = Path.of(System.getProperty("ember.home", ".")).toAbsolutePath();
        this.logs = home.resolve("target/e2e");
        Files.createDirectories(logs);
        this.common.putAll(common);
    }

    public Proc start(String name, String role, Map<String, String> properties) throws IOException {
        Map<String, String> all = new LinkedHashMap<>(common);
        all.putAll(properties);
        if (role.equals("cinder-api")) {
            apiPort = freePort();
            all.put("server.port", Integer.toString(apiPort));
            all.put("server.address", "127.0.0.1");
        }
        Proc proc = new Proc(name, role, all);
        launch(proc);
        procs.add(proc);
        return proc;
    }

    /**
     * Starts a role with exactly these arguments (for example {@code --config-file F}) and no common
     * properties; {@code apiPort} is where its API listens, if it serves one.
     */
    public Proc startWithArgs(String name, String role, List<String> args, int apiPort) throws IOException {
        Proc proc = new Proc(name, role, Map.of());
        proc.args = List.copyOf(args);
        if (apiPort > 0) {
            this.apiPort = apiPort;
        }
        launch(proc);
        procs.add(proc);
        return proc;
    }

    /** Where a role's output goes. */
    public Path log(String name) {
        return logs.resolve(name + ".log");
    }

    private void launch(Proc proc) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin").resolve(proc.role).toString());
        proc.properties.forEach((k, v) -> command.add("--" + k + "=" + v));
        command.addAll(proc.args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(proc.name + ".log").toFile()));
        builder.environment().put("JAVA_OPTS", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Xmx384m");
        proc.process = builder.start();
    }

    public String endpoint(String project) {
        return "http://127.0.0.1:" + apiPort + "/v3/" + project;
    }

    public Http http() {
        return new Http("http://127.0.0.1:" + apiPort);
    }

    /** Waits until the API answers and every given volume backend reports a pool. */
    public void awaitReady(Duration timeout, String... backends) {
        Http admin = http();
        Await.until("the API and backends " + String.join(", ", backends), timeout, () -> {
            String pools = admin.get("/v3/admin/scheduler-stats/get_pools").body();
            for (String backend : backends) {
                if (!pools.contains(backend + "#")) {
                    return false;
                }
            }
            return true;
        });
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (Proc proc : procs) {
            if (proc.process != null && proc.process.isAlive()) {
                proc.process.destroy();
            }
        }
        for (Proc proc : procs) {
            try {
                if (proc.process != null && !proc.process.waitFor(20, TimeUnit.SECONDS)) {
                    proc.process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
