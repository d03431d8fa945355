package dev.ember.common.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MySQLContainer;

/**
 * A fresh, empty MariaDB/MySQL database for one test class, dropped on {@link #close()}.
 *
 * <p>Uses the server named by {@code EMBER_TEST_DB} (default
 * {@code mysql://cinder:cinder@127.0.0.1:3306}: the local MariaDB with the user
 * {@code deploy/dev/setup-services.sh} creates). Where that server cannot be reached and Docker exists,
 * a Testcontainers MySQL is used instead; with neither, the test is skipped, never faked.
 */
public final class TestDatabase implements AutoCloseable {

    private static MySQLContainer<?> container;

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final String name;

    private TestDatabase(String host, int port, String user, String password) throws SQLException {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.name = "cinder_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        }
    }

    public static TestDatabase create() {
        String spec = System.getenv().getOrDefault("EMBER_TEST_DB", "mysql://cinder:cinder@127.0.0.1:3306");
        java.net.URI uri = java.net.URI.create(spec);
        String[] credentials = uri.getUserInfo() == null ? new String[] {"cinder", "cinder"} : uri.getUserInfo().split(":", 2);
        try {
            return new TestDatabase(uri.getHost(), uri.getPort() < 0 ? 3306 : uri.getPort(), credentials[0],
                    credentials.length > 1 ? credentials[1] : "");
        } catch (SQLException local) {
            if (!dockerAvailable()) {
                Assumptions.abort("no MariaDB/MySQL at " + spec + " (" + local.getMessage()
                        + ") and no Docker for Testcontainers; run deploy/dev/setup-services.sh");
            }
            try {
                return fromContainer();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static synchronized TestDatabase fromContainer() throws SQLException {
        if (container == null) {
            container = new MySQLContainer<>("mysql:8.4").withUsername("root").withPassword("test");
            container.start();
        }
        return new TestDatabase(container.getHost(), container.getMappedPort(3306), "root", "test");
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }

    /** Cinder's {@code [database] connection} for this database. */
    public String connection() {
        return "mysql+pymysql://" + user + ":" + password + "@" + host + ":" + port + "/" + name;
    }

    public String name() {
        return name;
    }

    /** A plain JDBC connection to this database, for assertions. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://" + host + ":" + port + "/" + name
                + "?allowPublicKeyRetrieval=true&sslMode=DISABLED", user, password);
    }

    private Connection admin() throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://" + host + ":" + port
                + "/?allowPublicKeyRetrieval=true&sslMode=DISABLED&connectTimeout=3000", user, password);
    }

    @Override
    public void close() {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name);
        } catch (SQLException e) {
            System.err.println("could not drop test database " + name + ": " + e.getMessage());
        }
    }
}
