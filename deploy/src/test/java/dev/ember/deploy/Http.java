package dev.ember.deploy;

import dev.ember.common.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** A small HTTP client for tests: raw requests, any headers, answers with their bytes and headers. */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final Map<String, String> defaults = new LinkedHashMap<>();

    /** @param base {@code http://127.0.0.1:port} */
    public Http(String base) {
        this.base = base;
        defaults.put("X-Auth-Token", "admin:admin");
    }

    public Http as(String token) {
        Http other = new Http(base);
        other.defaults.putAll(defaults);
        other.defaults.put("X-Auth-Token", token);
        return other;
    }

    public Http withVersion(String version) {
        Http other = new Http(base);
        other.defaults.putAll(defaults);
        other.defaults.put("OpenStack-API-Version", "volume " + version);
        return other;
    }

    public String base() {
        return base;
    }

    public record Response(int status, HttpResponse<byte[]> raw) {
        public String body() {
            return new String(raw.body(), java.nio.charset.StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            return Json.parse(raw.body());
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + body();
        }
    }

    public Response get(String path) {
        return send("GET", path, null, Map.of());
    }

    public Response delete(String path) {
        return send("DELETE", path, null, Map.of());
    }

    public Response post(String path, String json) {
        return send("POST", path, json, Map.of("Content-Type", "application/json"));
    }

    /** A JSON POST with further headers. */
    public Response post(String path, String json, Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(Map.of("Content-Type", "application/json"));
        all.putAll(headers);
        return send("POST", path, json, all);
    }

    public Response put(String path, String json) {
        return send("PUT", path, json, Map.of("Content-Type", "application/json"));
    }

    public Response send(String method, String path, String body, Map<String, String> headers) {
        return sendBytes(method, path, body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8), headers);
    }

    public Response sendBytes(String method, String path, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        Map<String, String> all = new LinkedHashMap<>(defaults);
        all.putAll(headers);
        all.forEach((k, v) -> {
            if (v != null) {
                request.header(k, v);
            }
        });
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<byte[]> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(response.statusCode(), response);
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        }
    }
}
