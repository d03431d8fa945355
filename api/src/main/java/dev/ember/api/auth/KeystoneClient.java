package dev.ember.api.auth;

import dev.ember.common.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keystone's v3 token API as keystonemiddleware uses it: the service authenticates with its password
 * ({@code POST /v3/auth/tokens}, scoped to its project) and validates callers' tokens with
 * {@code GET /v3/auth/tokens} ({@code X-Auth-Token}: its own token, {@code X-Subject-Token}: the caller's).
 * Thread-safe.
 */
final class KeystoneClient {

    /** What a valid token says. */
    /** What a validated token says: who, scoped where, with which roles, until when. */
    record TokenInfo(String userId, String projectId, List<String> roles, Instant expiresAt,
            dev.ember.common.context.RequestContext.Scope scope) {
    }

    /** Keystone could not be asked (down, unreachable, or answering 5xx). */
    static final class Unavailable extends Exception {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final KeystoneAuthtoken config;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile String serviceToken;
    private volatile Instant serviceTokenExpires = Instant.EPOCH;

    KeystoneClient(KeystoneAuthtoken config) {
        this.config = config;
    }

    /** The token's content, or null when Keystone says it is not valid (unknown, expired, revoked). */
    TokenInfo validate(String token) throws Unavailable {
        for (int attempt = 0; attempt < 2; attempt++) {
            String service = serviceToken(attempt > 0);
            HttpResponse<byte[]> response = send(HttpRequest.newBuilder(URI.create(config.authUrl() + "/v3/auth/tokens"))
                    .timeout(TIMEOUT).header("X-Auth-Token", service).header("X-Subject-Token", token)
                    .header("Accept", "application/json").GET().build());
            int status = response.statusCode();
            if (status == 200) {
                return parse(Json.parse(response.body()).path("token"));
            }
            if (status == 404) {
                return null;
            }
            if (status != 401 && status != 403) {
                throw new Unavailable("Keystone answered " + status + " to a token validation", null);
            }
            // Our own token was refused (expired, revoked): get a new one and ask once more.
        }
        throw new Unavailable("Keystone refused the service's credentials", null);
    }

    private String serviceToken(boolean renew) throws Unavailable {
        String current = serviceToken;
        if (!renew && current != null && Instant.now().isBefore(serviceTokenExpires.minusSeconds(60))) {
            return current;
        }
        synchronized (this) {
            ObjectNode body = Json.object();
            ObjectNode identity = body.putObject("auth").putObject("identity");
            identity.putArray("methods").add("password");
            ObjectNode user = identity.putObject("password").putObject("user");
            user.put("name", config.username());
            user.putObject("domain").put("name", config.userDomainName());
            user.put("password", config.password());
            ObjectNode project = ((ObjectNode) body.get("auth")).putObject("scope").putObject("project");
            project.put("name", config.projectName());
            project.putObject("domain").put("name", config.projectDomainName());
            HttpResponse<byte[]> response = send(HttpRequest.newBuilder(URI.create(config.authUrl() + "/v3/auth/tokens"))
                    .timeout(TIMEOUT).header("Content-Type", "application/json").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Json.writeBytes(body))).build());
            if (response.statusCode() != 201) {
                throw new Unavailable("Keystone answered " + response.statusCode()
                        + " to the service's authentication as " + config.username(), null);
            }
            String token = response.headers().firstValue("X-Subject-Token")
                    .orElseThrow(() -> new Unavailable("Keystone returned no X-Subject-Token", null));
            serviceTokenExpires = Instant.parse(Json.parse(response.body()).path("token").path("expires_at").asText());
            serviceToken = token;
            return token;
        }
    }

    private HttpResponse<byte[]> send(HttpRequest request) throws Unavailable {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new Unavailable("Keystone at " + config.authUrl() + " is unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while asking Keystone", e);
        }
    }

    private static TokenInfo parse(JsonNode token) {
        List<String> roles = new ArrayList<>();
        token.path("roles").forEach(role -> roles.add(role.path("name").asText()));
        JsonNode project = token.path("project");
        JsonNode domain = token.path("domain");
        return new TokenInfo(token.path("user").path("id").asText(null),
                project.isMissingNode() ? null : project.path("id").asText(null), roles,
                Instant.parse(token.path("expires_at").asText()),
                new dev.ember.common.context.RequestContext.Scope(
                        token.path("user").path("domain").path("id").asText(null),
                        project.path("domain").path("id").asText(null),
                        domain.isMissingNode() ? null : domain.path("id").asText(null),
                        token.path("system").path("all").asBoolean(false) ? "all" : null));
    }
}
