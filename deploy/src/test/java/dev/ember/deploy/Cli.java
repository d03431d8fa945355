package dev.ember.deploy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ember.common.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * The real OpenStack command-line clients (Debian's python3-openstackclient and python3-cinderclient),
 * pointed at our API with Cinder's noauth invocation.
 */
public final class Cli {

    private final String endpoint;
    private final String token;
    private final Map<String, String> environment;

    public Cli(String endpoint, String token) {
        this(endpoint, token, Map.of());
    }

    private Cli(String endpoint, String token, Map<String, String> environment) {
        this.endpoint = endpoint;
        this.token = token;
        this.environment = Map.copyOf(environment);
    }

    /**
     * The openstack CLI as a user logs in: password auth against Keystone ({@code OS_AUTH_URL},
     * {@code OS_USERNAME}, ... in {@code osEnvironment}), the API found through the catalog.
     */
    public static Cli keystone(Map<String, String> osEnvironment) {
        return new Cli(null, null, osEnvironment);
    }

    public static void assumeInstalled() {
        assumeTrue(onPath("openstack") && onPath("cinder"),
                "the openstack and cinder CLIs are not installed (apt-get install python3-openstackclient python3-cinderclient)");
    }

    /** {@code openstack <args>}; returns stdout, failing on a non-zero exit. */
    public String openstack(String... args) {
        return run(openstackCommand(args), environment, true);
    }

    private List<String> openstackCommand(String... args) {
        List<String> command = new ArrayList<>(endpoint == null ? List.of("openstack")
                : List.of("openstack", "--os-auth-type", "admin_token", "--os-token", token, "--os-endpoint", endpoint));
        command.addAll(List.of(args));
        return command;
    }

    /** {@code openstack <args> -f json}, parsed. */
    public JsonNode openstackJson(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("-f");
        all.add("json");
        return Json.parse(openstack(all.toArray(String[]::new)));
    }

    /** {@code openstack <args>} that is expected to fail; returns its output. */
    public String openstackFailing(String... args) {
        return run(openstackCommand(args), environment, false);
    }

    /**
     * {@code cinder <args>} (python3-cinderclient) with its own noauth plugin, which appends the project
     * to the endpoint itself; for a {@link #keystone} Cli, password auth and the legacy {@code volumev3}
     * catalog entry instead.
     */
    public String cinder(String... args) {
        if (endpoint == null) {
            List<String> command = new ArrayList<>(List.of("cinder", "--os-volume-api-version", "3.70"));
            command.addAll(List.of(args));
            return run(command, environment, true);
        }
        String[] userProject = token.split(":", 2);
        List<String> command = new ArrayList<>(List.of("cinder", "--os-auth-type", "noauth", "--os-user-id",
                userProject[0], "--os-project-id", userProject[1], "--os-endpoint", endpoint.replaceAll("/v3/.*$", "/v3"),
                "--os-volume-api-version", "3.70"));
        command.addAll(List.of(args));
        return run(command, Map.of(), true);
    }

    private static String run(List<String> command, Map<String, String> environment, boolean mustSucceed) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false);
            builder.environment().putAll(environment);
            Process p = builder.start();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + String.join(" ", command));
            }
            String stdout = new String(out, StandardCharsets.UTF_8);
            String stderr = new String(err, StandardCharsets.UTF_8);
            if (mustSucceed && p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + stdout + stderr);
            }
            if (!mustSucceed && p.exitValue() == 0) {
                throw new AssertionError(String.join(" ", command) + " should have failed:\n" + stdout);
            }
            return mustSucceed ? stdout : stdout + stderr;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
