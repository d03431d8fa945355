package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.common.json.Json;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Malformed and hostile requests each get a 4xx in Cinder's fault shape, with Cinder's message where
 * it is known, never a 500, and never write a row.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedRequestsIT {

    private static final String UNKNOWN = "9b0c8d2e-51a4-4b6e-9d9e-3b8f5a3c2d10";

    private InJvmCluster cluster;
    private Http admin;
    private String existing;
    private long volumeRowsBefore;
    private long typeRowsBefore;

    record Case(String name, String method, String path, String version, Map<String, String> headers, String body,
            int status, String fault, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    void start() throws Exception {
        cluster = new InJvmCluster(Map.of()).startApi().startScheduler("node1");
        cluster.startVolume("node1", "b1", Map.of("volume_driver", "noop"));
        admin = cluster.http();
        Await.until("backend", Duration.ofSeconds(30), () -> admin.get("/v3/admin/scheduler-stats/get_pools").body().contains("node1@b1"));
        Http.Response created = admin.post("/v3/admin/volumes", "{\"volume\": {\"size\": 1, \"name\": \"kept\"}}");
        existing = created.json().get("volume").get("id").asString();
        Await.until("available", Duration.ofSeconds(30),
                () -> admin.get("/v3/admin/volumes/" + existing).body().contains("\"available\""));
        volumeRowsBefore = count("volumes");
        typeRowsBefore = count("volume_types");
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static Stream<Case> cases() {
        String json = "application/json";
        List<Case> c = new ArrayList<>();
        c.add(post("not JSON", "{not json", 400, "badRequest", "Malformed request body"));
        c.add(new Case("empty body", "POST", "/volumes", null, Map.of("Content-Type", json), "", 400, "badRequest",
                "The server could not comply with the request since it is either malformed or otherwise incorrect."));
        c.add(new Case("body without content type", "POST", "/volumes", null, Map.of(), "{\"volume\": {\"size\": 1}}",
                400, "badRequest", "The server could not comply with the request since it is either malformed or otherwise incorrect."));
        c.add(new Case("text/plain body", "POST", "/volumes", null, Map.of("Content-Type", "text/plain"),
                "{\"volume\": {\"size\": 1}}", 415, "badMediaType", "Unsupported Content-Type"));
        c.add(post("array body", "[]", 400, "badRequest", "[] is not of type 'object'"));
        c.add(post("no volume key", "{}", 400, "badRequest", "'volume' is a required property"));
        c.add(post("volume is null", "{\"volume\": null}", 400, "badRequest",
                "Invalid input for field/attribute volume. Value: None. None is not of type 'object'"));
        c.add(post("missing size", "{\"volume\": {}}", 400, "badRequest",
                "Invalid input received: Volume size 'None' must be an integer and greater than 0"));
        c.add(post("negative size", "{\"volume\": {\"size\": -1}}", 400, "badRequest",
                "Invalid input for field/attribute size. Value: -1. -1 is less than the minimum of 1"));
        c.add(post("zero size", "{\"volume\": {\"size\": 0}}", 400, "badRequest",
                "Invalid input for field/attribute size. Value: 0. 0 is less than the minimum of 1"));
        c.add(post("size not a number", "{\"volume\": {\"size\": \"abc\"}}", 400, "badRequest",
                "Invalid input for field/attribute size. Value: abc. 'abc' does not match '^[0-9]+$'"));
        c.add(post("fractional size", "{\"volume\": {\"size\": 1.5}}", 400, "badRequest",
                "Invalid input for field/attribute size. Value: 1.5. 1.5 is not of type 'integer', 'string', 'null'"));
        c.add(post("boolean size", "{\"volume\": {\"size\": true}}", 400, "badRequest",
                "Invalid input for field/attribute size. Value: True. True is not of type 'integer', 'string', 'null'"));
        c.add(post("size 2^31", "{\"volume\": {\"size\": 2147483648}}", 400, "badRequest",
                "Invalid input for field/attribute size. Value: 2147483648. 2147483648 is greater than the maximum of 2147483647"));
        c.add(post("size 2^63", "{\"volume\": {\"size\": 9223372036854775808}}", 400, "badRequest",
                "Invalid input for field/attribute size. Value: 9223372036854775808. 9223372036854775808 is greater than the maximum of 2147483647"));
        c.add(post("size as huge string", "{\"volume\": {\"size\": \"99999999999999999999\"}}", 400, "badRequest",
                "Invalid input for field/attribute size. Value: 99999999999999999999. 99999999999999999999 is greater than the maximum of 2147483647"));
        c.add(post("size 1e400", "{\"volume\": {\"size\": 1e400}}", 400, "badRequest",
                "Invalid input for field/attribute size. Value: inf. inf is not of type 'integer', 'string', 'null'"));
        c.add(post("300-character name", "{\"volume\": {\"size\": 1, \"name\": \"" + "n".repeat(300) + "\"}}", 400,
                "badRequest", "Invalid input received: name has 300 characters, more than 255."));
        c.add(post("numeric name", "{\"volume\": {\"size\": 1, \"name\": 5}}", 400, "badRequest",
                "Invalid input for field/attribute name. Value: 5. 5 is not of type 'string', 'null'"));
        c.add(post("256-character description", "{\"volume\": {\"size\": 1, \"description\": \"" + "d".repeat(256) + "\"}}",
                400, "badRequest", "Invalid input received: description has 256 characters, more than 255."));
        c.add(post("metadata is a list", "{\"volume\": {\"size\": 1, \"metadata\": [1]}}", 400, "badRequest",
                "Invalid input for field/attribute metadata. Value: [1]. [1] is not of type 'object', 'null'"));
        c.add(post("numeric metadata value", "{\"volume\": {\"size\": 1, \"metadata\": {\"k\": 1}}}", 400, "badRequest",
                "Invalid input for field/attribute k. Value: 1. 1 is not of type 'string'"));
        c.add(post("emoji metadata key", "{\"volume\": {\"size\": 1, \"metadata\": {\"😀\": \"v\"}}}", 400, "badRequest",
                "Invalid input for field/attribute metadata. Value: {'😀': 'v'}. Additional properties are not allowed ('😀' was unexpected)"));
        c.add(post("metadata value too long", "{\"volume\": {\"size\": 1, \"metadata\": {\"k\": \"" + "v".repeat(256) + "\"}}}",
                400, "badRequest", null));
        c.add(post("unknown volume type name", "{\"volume\": {\"size\": 1, \"volume_type\": \"nope\"}}", 404,
                "itemNotFound", "Volume type with name nope could not be found."));
        c.add(post("unknown volume type id", "{\"volume\": {\"size\": 1, \"volume_type\": \"" + UNKNOWN + "\"}}", 404,
                "itemNotFound", "Volume type " + UNKNOWN + " could not be found."));
        c.add(post("unknown availability zone", "{\"volume\": {\"size\": 1, \"availability_zone\": \"mars\"}}", 400,
                "badRequest", "Availability zone 'mars' is invalid."));
        c.add(post("snapshot id not a uuid", "{\"volume\": {\"size\": 1, \"snapshot_id\": \"x\"}}", 400, "badRequest",
                "Invalid input for field/attribute snapshot_id. Value: x. 'x' is not valid under any of the given schemas"));
        c.add(post("unknown snapshot", "{\"volume\": {\"size\": 1, \"snapshot_id\": \"" + UNKNOWN + "\"}}", 404,
                "itemNotFound", "Snapshot " + UNKNOWN + " could not be found."));
        c.add(post("unknown source volume", "{\"volume\": {\"size\": 1, \"source_volid\": \"" + UNKNOWN + "\"}}", 404,
                "itemNotFound", "Volume " + UNKNOWN + " could not be found."));
        c.add(post("multiattach flag", "{\"volume\": {\"size\": 1, \"multiattach\": true}}", 400, "badRequest", null));
        c.add(new Case("unknown key at 3.53", "POST", "/volumes", "3.53", Map.of("Content-Type", json),
                "{\"volume\": {\"size\": 1, \"bootable\": true}}", 400, "badRequest",
                "Invalid input for field/attribute volume. Value: {'size': 1, 'bootable': True}. Additional properties are not allowed ('bootable' was unexpected)"));
        c.add(post("nesting 200 deep", "{\"volume\": " + "[".repeat(200) + "]".repeat(200) + "}", 400, "badRequest",
                "Malformed request body"));
        c.add(post("lone surrogate in name", "{\"volume\": {\"size\": 1, \"name\": \"a\\ud800b\"}}", 400, "badRequest",
                "Malformed request body"));
        c.add(post("NUL-free but huge body", "{\"volume\": {\"size\": 1, \"description\": \"" + "x".repeat(120_000) + "\"}}",
                413, "overLimit", null));
        c.add(get("limit not a number", "/volumes?limit=abc", 400, "limit param must be an integer"));
        c.add(get("negative limit", "/volumes?limit=-1", 400, "limit param must be positive"));
        c.add(get("unknown marker", "/volumes?marker=" + UNKNOWN, 404, "Volume " + UNKNOWN + " could not be found."));
        c.add(get("unknown sort key", "/volumes?sort=bogus", 400, "Invalid input received: Invalid sort key"));
        c.add(get("injected sort key", "/volumes?sort=name%3BDROP%20TABLE%20volumes", 400, "Invalid input received: Invalid sort key"));
        c.add(get("injected sort direction", "/volumes?sort=name:asc%20--", 400,
                "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'."));
        c.add(get("sort and sort_key together", "/volumes?sort=name&sort_key=size", 400,
                "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter."));
        c.add(get("negative offset", "/volumes?offset=-1", 400, "Invalid input received: offset must be >= 0."));
        c.add(new Case("bad time filter", "GET", "/volumes/detail?created_at=gt:yesterday", "3.60", Map.of(), null, 400,
                "badRequest", "Invalid input received: Invalid datetime in filter: yesterday"));
        c.add(new Case("malformed microversion", "GET", "/volumes", "3.abc", Map.of(), null, 400, "badRequest",
                "API Version String 3.abc is of invalid format. Must be of format MajorNum.MinorNum."));
        c.add(new Case("too new microversion", "GET", "/volumes", "3.99", Map.of(), null, 406, "computeFault",
                "Version 3.99 is not supported by the API. Minimum is 3.0 and maximum is 3.70."));
        c.add(new Case("update of unknown volume", "PUT", "/volumes/" + UNKNOWN, null, Map.of("Content-Type", json),
                "{\"volume\": {\"name\": \"x\"}}", 404, "itemNotFound", "Volume " + UNKNOWN + " could not be found."));
        c.add(new Case("delete of unknown volume", "DELETE", "/volumes/" + UNKNOWN, null, Map.of(), null, 404,
                "itemNotFound", "Volume " + UNKNOWN + " could not be found."));
        c.add(new Case("type with empty name", "POST", "/types", null, Map.of("Content-Type", json),
                "{\"volume_type\": {\"name\": \"\"}}", 400, "badRequest", null));
        c.add(new Case("type with unknown key", "POST", "/types", null, Map.of("Content-Type", json),
                "{\"volume_type\": {\"name\": \"t\", \"bogus\": 1}}", 400, "badRequest", null));
        c.add(new Case("extra spec with a space in its key", "POST", "/types/default/extra_specs", null,
                Map.of("Content-Type", json), "{\"extra_specs\": {\"a b\": \"v\"}}", 404, "itemNotFound", null));
        return c.stream();
    }

    private static Case post(String name, String body, int status, String fault, String message) {
        return new Case(name, "POST", "/volumes", null, Map.of("Content-Type", "application/json"), body, status, fault, message);
    }

    private static Case get(String name, String path, int status, String message) {
        return new Case(name, "GET", path, null, Map.of(), null, status, status == 404 ? "itemNotFound" : "badRequest", message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersWithACinderShapedClientError(Case c) {
        Map<String, String> headers = new HashMap<>(c.headers());
        if (c.version() != null) {
            headers.put("OpenStack-API-Version", "volume " + c.version());
        }
        Http.Response r = admin.send(c.method(), "/v3/admin" + c.path(), c.body(), headers);
        assertThat(r.status()).as(c.name() + ": " + r.body()).isEqualTo(c.status());
        JsonNode body = Json.parse(r.body());
        assertThat(body.size()).as("one fault key").isEqualTo(1);
        JsonNode fault = body.get(c.fault());
        assertThat(fault).as(c.name() + ": fault " + c.fault() + " in " + r.body()).isNotNull();
        assertThat(fault.get("code").asInt()).isEqualTo(c.status());
        assertThat(fault.get("message").isString()).isTrue();
        if (c.message() != null) {
            assertThat(fault.get("message").asString()).isEqualTo(c.message());
        }
        assertThat(r.header("Content-Type")).startsWith("application/json");
    }

    @Test
    void anInjectedFilterMatchesNothingAndLeaksNothing() {
        Http.Response r = admin.get("/v3/admin/volumes?name=%27%20OR%201%3D1%20--");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("volumes").size()).isZero();
    }

    @Test
    void nothingWasWrittenByAnyBadRequest() throws Exception {
        cases().forEach(this::answersWithACinderShapedClientError);
        assertThat(count("volumes")).isEqualTo(volumeRowsBefore);
        assertThat(count("volume_types")).isEqualTo(typeRowsBefore);
        assertThat(admin.get("/v3/admin/volumes/" + existing).json().get("volume").get("status").asString())
                .isEqualTo("available");
    }

    private long count(String table) throws Exception {
        try (Connection c = cluster.database().connect(); ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
