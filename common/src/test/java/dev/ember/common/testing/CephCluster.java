package dev.ember.common.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A single-node Ceph cluster of the tests' own (one monitor, one memstore OSD, one manager, cephx, a
 * {@code volumes} pool and a {@code cinder} user), brought up by the project's {@code deploy/dev/ceph.sh}
 * in a scratch folder on a free monitor port, and stopped by the same script when the JVM exits or the
 * test closes it. {@link #shared()} is one cluster for every test of a JVM (tests use unique image names);
 * {@link #start()} a private one a test may stop and start; {@link #startPersistent()} one whose OSD keeps
 * its data on disk (bluestore on a sparse file), so the OSD alone can crash and come back
 * ({@link #stopOsd()}, {@link #startOsd()}). Skips the test where Ceph is not installed.
 */
public final class CephCluster implements AutoCloseable {

    private static CephCluster shared;

    private final Path dir;
    private final int monPort;
    private final String objectstore;

    private CephCluster(Path dir, int monPort, String objectstore) {
        this.dir = dir;
        this.monPort = monPort;
        this.objectstore = objectstore;
    }

    /** The JVM's cluster, started on first use. */
    public static synchronized CephCluster shared() throws Exception {
        if (shared == null) {
            shared = start();
            CephCluster cluster = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "ceph-down"));
        }
        return shared;
    }

    /** A cluster of the caller's own, its OSD on memstore (fast; nothing survives a stop). */
    public static CephCluster start() throws Exception {
        return start("memstore");
    }

    /** A cluster of the caller's own whose OSD keeps its data on disk and can be restarted. */
    public static CephCluster startPersistent() throws Exception {
        return start("bluestore");
    }

    private static CephCluster start(String objectstore) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/ceph-mon")) && Files.isExecutable(Path.of("/usr/bin/rbd")),
                "Ceph is not installed (apt-get install ceph-mon ceph-osd ceph-mgr ceph-common)");
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        // v2 takes the next port; make sure it is free too.
        try (ServerSocket socket = new ServerSocket(port + 1, 1, InetAddress.getLoopbackAddress())) {
            socket.getLocalPort();
        } catch (IOException e) {
            return start(objectstore);
        }
        CephCluster cluster = new CephCluster(Files.createTempDirectory("ember-ceph-"), port, objectstore);
        cluster.up();
        return cluster;
    }

    /** Brings the cluster up (again: a stopped memstore cluster starts empty). */
    public void up() throws Exception {
        script("up", dir.toString(), Integer.toString(monPort));
    }

    /** Stops the daemons: clients then see a cluster that does not answer. */
    public void down() throws Exception {
        script("down", dir.toString());
    }

    /** SIGKILLs the OSD only: the monitor and manager stay, clients' I/O waits for the OSD. */
    public void stopOsd() throws Exception {
        script("osd-stop", dir.toString());
    }

    /** Starts the OSD again (a persistent cluster only) and returns once the pool takes writes. */
    public void startOsd() throws Exception {
        script("osd-start", dir.toString());
    }

    /**
     * Freezes every daemon (SIGSTOP): the cluster stops answering, as one behind a failed network would, and
     * clients' calls run into their timeouts. {@link #resume()} lets it go on with its state intact.
     */
    public void pause() throws Exception {
        signal("-STOP");
    }

    public void resume() throws Exception {
        signal("-CONT");
    }

    private void signal(String signal) throws Exception {
        for (String daemon : List.of("mon", "mgr", "osd")) {
            Path pid = dir.resolve("pids/" + daemon + ".pid");
            if (Files.exists(pid)) {
                run(List.of("kill", signal, Files.readString(pid).trim()), true);
            }
        }
    }

    public String conf() {
        return dir.resolve("ceph.conf").toString();
    }

    public String cinderKeyring() {
        return dir.resolve("ceph.client.cinder.keyring").toString();
    }

    public String pool() {
        return "volumes";
    }

    public Path dir() {
        return dir;
    }

    /** {@code rbd <args>} as the admin; returns stdout, failing on a non-zero exit. */
    public String rbd(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("rbd", "--conf", conf()));
        command.addAll(List.of(args));
        return run(command, true);
    }

    /** {@code ceph <args>} as the admin; returns stdout, failing on a non-zero exit. */
    public String ceph(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ceph", "--conf", conf()));
        command.addAll(List.of(args));
        return run(command, true);
    }

    /** {@code rbd <args>} that may fail: its exit code and output. */
    public int rbdExit(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("rbd", "--conf", conf()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    /** The images in the pool. */
    public List<String> images() throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : rbd("ls", pool()).split("\n")) {
            if (!line.isBlank()) {
                out.add(line.trim());
            }
        }
        return out;
    }

    private void script(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(scriptPath().toString());
        command.addAll(List.of(args));
        run(command, true);
    }

    private static Path scriptPath() {
        Path here = Path.of("").toAbsolutePath();
        while (here != null && !Files.exists(here.resolve("deploy/dev/ceph.sh"))) {
            here = here.getParent();
        }
        if (here == null) {
            throw new IllegalStateException("deploy/dev/ceph.sh not found above " + Path.of("").toAbsolutePath());
        }
        return here.resolve("deploy/dev/ceph.sh");
    }

    private String run(List<String> command, boolean mustSucceed) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("CEPH_CONF", conf());
        builder.environment().put("CEPH_OBJECTSTORE", objectstore);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        if (mustSucceed && p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
        }
        return out;
    }

    @Override
    public void close() {
        try {
            down();
        } catch (Exception e) {
            // best effort at exit
        }
    }
}
