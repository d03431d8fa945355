package dev.ember.common.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A MariaDB server of the test's own (its own data directory and loopback port), for tests that stop
 * and start the database under a running deployment. Only this process is ever stopped: the machine's
 * shared MariaDB is left alone. Skips the test where the MariaDB server package is not installed.
 */
public final class PrivateMariaDb implements AutoCloseable {

    private final Path dir;
    private final int port;
    private Process server;

    private PrivateMariaDb(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static PrivateMariaDb start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/mariadbd")) && onPath("mariadb-install-db"),
                "the MariaDB server package is not installed");
        Path dir = Files.createTempDirectory("ember-mariadb-");
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        run(List.of("chown", "mysql:mysql", dir.toString()));
        run(List.of("mariadb-install-db", "--no-defaults", "--user=mysql", "--datadir=" + dir.resolve("data"),
                "--auth-root-authentication-method=normal", "--skip-test-db"));
        PrivateMariaDb db = new PrivateMariaDb(dir, port);
        db.startServer();
        try (Connection c = db.connect("")) {
            c.createStatement().execute("CREATE DATABASE cinder CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        }
        return db;
    }

    /** Starts the server (again) on the same data and port, and waits until it answers. */
    public void startServer() throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/sbin/mariadbd", "--no-defaults", "--user=mysql",
                "--datadir=" + dir.resolve("data"), "--port=" + port, "--bind-address=127.0.0.1",
                "--socket=" + dir.resolve("mariadb.sock"), "--pid-file=" + dir.resolve("mariadb.pid"),
                "--skip-grant-tables", "--innodb-buffer-pool-size=64M", "--log-error=" + dir.resolve("error.log"),
                "--max-connections=300"));
        server = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.out").toFile())).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection c = connect("")) {
                return;
            } catch (Exception e) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("private MariaDB did not start; see " + dir.resolve("error.log"));
    }

    /** Stops the server (SIGTERM, as a service manager would) and waits for it to exit. */
    public void stopServer() throws InterruptedException {
        if (server != null && server.isAlive()) {
            server.destroy();
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly();
                server.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Cinder's {@code [database] connection} for the {@code cinder} database here. */
    public String connection() {
        return "mysql+pymysql://root:@127.0.0.1:" + port + "/cinder";
    }

    public Connection connect(String database) throws Exception {
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port + "/" + database
                + "?allowPublicKeyRetrieval=true&sslMode=DISABLED&connectTimeout=2000", "root", "");
    }

    @Override
    public void close() throws Exception {
        stopServer();
        run(List.of("rm", "-rf", dir.toString()));
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }

    private static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }
}
