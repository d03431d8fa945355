package dev.ember.common.config;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A database location in JDBC terms, read from Cinder's {@code [database] connection}. Accepts the
 * SQLAlchemy forms Cinder documents ({@code mysql+pymysql://user:pass@host:3306/cinder?charset=utf8})
 * and plain JDBC URLs ({@code jdbc:mysql://...}, {@code jdbc:h2:file:...}).
 */
public record DatabaseUrl(String jdbcUrl, String username, String password) {

    /** Driver settings every MySQL/MariaDB connection gets: utf8mb4, cheap statements, UTC-free datetimes. */
    private static final String MYSQL_PARAMETERS = "characterEncoding=UTF-8&connectionCollation=utf8mb4_bin"
            + "&cachePrepStmts=true&prepStmtCacheSize=250&prepStmtCacheSqlLimit=2048&useServerPrepStmts=false"
            + "&useLocalSessionState=true&rewriteBatchedStatements=true&cacheServerConfiguration=true"
            + "&elideSetAutoCommits=true&maintainTimeStats=false&tcpKeepAlive=true"
            + "&connectTimeout=5000&socketTimeout=30000&allowPublicKeyRetrieval=true&sslMode=DISABLED";

    public static DatabaseUrl parse(String connection) {
        if (connection == null || connection.isBlank()) {
            throw new IllegalArgumentException("[database] connection is not set");
        }
        String value = connection.trim();
        if (value.startsWith("jdbc:")) {
            return new DatabaseUrl(value, null, null);
        }
        URI uri = URI.create(value);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        if (!scheme.equals("mysql") && !scheme.startsWith("mysql+") && !scheme.equals("mariadb")
                && !scheme.startsWith("mariadb+")) {
            throw new IllegalArgumentException("[database] connection: unsupported database '" + scheme
                    + "' (use mysql+pymysql://user:pass@host/db or a jdbc: URL)");
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : "";
        }
        String host = uri.getHost() == null ? "127.0.0.1" : uri.getHost();
        int port = uri.getPort() < 0 ? 3306 : uri.getPort();
        String database = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        if (database.isEmpty()) {
            throw new IllegalArgumentException("[database] connection names no database: " + redact(value));
        }
        return new DatabaseUrl("jdbc:mysql://" + host + ":" + port + "/" + database + "?" + MYSQL_PARAMETERS,
                user, password);
    }

    public boolean isH2() {
        return jdbcUrl.startsWith("jdbc:h2:");
    }

    /** The URL without its password, for logs. */
    public static String redact(String url) {
        return url.replaceAll("(//[^:/@]+:)[^@]*@", "$1***@");
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
