package dev.ember.common.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A tgt daemon of the test's own: userspace iSCSI target on a free loopback port, with its own control
 * socket ({@code tgtd -C N}), started and stopped by the test (and restarted, for tests of what a restart
 * loses). Only this process is ever stopped. Skips the test where tgt is not installed
 * ({@code apt-get install tgt}).
 */
public final class TgtDaemon implements AutoCloseable {

    private final int port;
    private final int controlPort;
    private final Path log;
    private Process process;

    private TgtDaemon(int port, int controlPort, Path log) {
        this.port = port;
        this.controlPort = controlPort;
        this.log = log;
    }

    public static TgtDaemon start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/tgtd")), "tgt is not installed (apt-get install tgt)");
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        int control = 1000 + ThreadLocalRandom.current().nextInt(30000);
        TgtDaemon tgtd = new TgtDaemon(port, control, Files.createTempFile("ember-tgtd-", ".log"));
        tgtd.startProcess();
        return tgtd;
    }

    /** The portal initiators connect to, {@code 127.0.0.1:port}. */
    public String portal() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** {@code N} of {@code tgtd -C N} / {@code tgtadm -C N}. */
    public int controlPort() {
        return controlPort;
    }

    public long pid() {
        return process.pid();
    }

    /** Kills the daemon (it loses every target) and starts a fresh one on the same port and socket. */
    public void restart() throws Exception {
        stop();
        startProcess();
    }

    /** SIGKILLs the daemon and leaves it down: its targets, LUNs and accounts are gone, logins fail. */
    public void crash() throws InterruptedException {
        stop();
    }

    /** Starts a fresh daemon (no targets) on the same port and control socket after {@link #crash()}. */
    public void startAgain() throws Exception {
        startProcess();
    }

    /** The IQNs of the daemon's targets. */
    public Set<String> targetNames() throws Exception {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^Target \\d+: (\\S+)$").matcher(show());
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The user names of the daemon's CHAP accounts. */
    public Set<String> accountNames() throws Exception {
        Set<String> names = new TreeSet<>();
        for (String line : accounts().split("\n")) {
            if (!line.isBlank() && !line.startsWith("Account list")) {
                names.add(line.trim());
            }
        }
        return names;
    }

    /** {@code tgtadm --lld iscsi --mode target --op show} of this daemon. */
    public String show() throws Exception {
        return tgtadm("--mode", "target", "--op", "show");
    }

    /** {@code tgtadm --lld iscsi --mode account --op show} of this daemon. */
    public String accounts() throws Exception {
        return tgtadm("--mode", "account", "--op", "show");
    }

    /** {@code tgtadm -C N --lld iscsi <args>} on this daemon; returns its output, failing on a non-zero exit. */
    public String tgtadm(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("tgtadm", "-C", Integer.toString(controlPort), "--lld", "iscsi"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("tgtadm failed: " + out);
        }
        return out;
    }

    private void startProcess() throws Exception {
        process = new ProcessBuilder("tgtd", "-f", "-C", Integer.toString(controlPort), "--iscsi",
                "portal=127.0.0.1:" + port).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                tgtadm("--mode", "sys", "--op", "show");
                return;
            } catch (IllegalStateException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("tgtd did not start: " + Files.readString(log), e);
                }
                Thread.sleep(50);
            }
        }
    }

    /** SIGKILL: tgtd ignores SIGTERM while it serves targets; a crash is also what a restart test wants. */
    private void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // a temp file; nothing to do
        }
    }
}
