package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ember.common.json.Json;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Keystone for a test: Debian's keystone, set up by {@code deploy/dev/keystone.sh} (once per machine) and
 * served on a free loopback port by a process this class starts and ends by its handle. Its users and passwords
 * are those keystone.sh creates.
 */
final class KeystoneServer implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path SCRIPT = Path.of("dev/keystone.sh").toAbsolutePath();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    /** A project-scoped token and the project id Keystone gave with it. */
    record Token(String id, String projectId) {
    }

    private final int port;
    private Process process;

    private KeystoneServer(int port) {
        this.port = port;
    }

    /** Skips the test when Keystone is not installed; otherwise sets it up (idempotent) and serves it. */
    static KeystoneServer start() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/keystone-manage")),
                "Keystone is not installed (deploy/dev/install-test-tools.sh)");
        script(Map.of(), "setup");
        KeystoneServer server = new KeystoneServer(freePort());
        server.serve();
        return server;
    }

    /** Starts (or restarts) the serving process on the same port. */
    void serve() throws IOException {
        Path log = Files.createTempFile("keystone-it", ".log");
        ProcessBuilder serve = new ProcessBuilder(SCRIPT.toString(), "serve").redirectErrorStream(true)
                .redirectOutput(log.toFile());
        serve.environment().put("KEYSTONE_PORT", Integer.toString(port));
        process = serve.start();
        Await.until("Keystone on port " + port, WAIT, this::answers);
    }

    /** Ends the serving process (Keystone is then down). */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    /** Points the catalog's block-storage and volumev3 endpoints at {@code apiBase}. */
    void catalog(String apiBase) throws Exception {
        script(Map.of("KEYSTONE_PORT", Integer.toString(port)), "catalog", apiBase);
    }

    /** Password auth scoped to {@code project} (domain Default), as a user's client does it. */
    Token token(String user, String project) {
        String password = switch (user) {
            case "admin" -> "admin";
            case "cinder" -> "cinder";
            case "nova" -> "nova";
            default -> "ember";
        };
        String body = "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \""
                + user + "\", \"domain\": {\"name\": \"Default\"}, \"password\": \"" + password
                + "\"}}}, \"scope\": {\"project\": {\"name\": \"" + project + "\", \"domain\": {\"name\": \"Default\"}}}}}";
        try {
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(url() + "/v3/auth/tokens"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            return new Token(r.headers().firstValue("X-Subject-Token").orElseThrow(),
                    Json.parse(r.body()).get("token").get("project").get("id").asString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Revokes {@code token} in Keystone ({@code DELETE /v3/auth/tokens}), as an admin's logout of it. */
    void revoke(String adminToken, String token) throws Exception {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(url() + "/v3/auth/tokens"))
                .header("X-Auth-Token", adminToken).header("X-Subject-Token", token).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
    }

    /** Whether Keystone answers its version document. */
    boolean answers() {
        try {
            return CLIENT.send(HttpRequest.newBuilder(URI.create(url() + "/v3")).timeout(Duration.ofSeconds(2))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void script(Map<String, String> env, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(SCRIPT.toString()));
        command.addAll(List.of(args));
        File log = Files.createTempFile("keystone-sh", ".log").toFile();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log);
        builder.environment().putAll(env);
        Process p = builder.start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("keystone.sh " + String.join(" ", args)).isTrue();
        assertThat(p.exitValue()).as("keystone.sh " + String.join(" ", args) + ": " + Files.readString(log.toPath()))
                .isZero();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
