package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ember.common.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Compares our answers with the real Cinder's, captured in {@code ../shared/cinder-golden}: the same
 * status, the same headers that matter, and bodies with the same keys in the same order, the same JSON
 * types, and equal values once the capture's placeholders ({@code <uuid:N>}, {@code <timestamp>},
 * {@code {project_id}}) are bound consistently. Values that name the deployment (hosts, pool names,
 * capacities) can be exempted by path, e.g. {@code volume.os-vol-host-attr:host}.
 */
public final class Golden {

    private static final Pattern PLACEHOLDER = Pattern.compile("<uuid:\\d+>|<timestamp>|<request-id>|\\{project_id\\}|\\{project_id_2\\}");

    private Golden() {
    }

    public static Path directory() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("deploy").resolve("pom.xml"))) {
            dir = dir.getParent();
        }
        Path golden = dir == null ? null : dir.getParent().resolve("shared").resolve("cinder-golden");
        assumeTrue(golden != null && Files.isDirectory(golden), "../shared/cinder-golden is not beside the repository");
        return golden;
    }

    public static JsonNode sample(String name) {
        try {
            return Json.parse(Files.readAllBytes(directory().resolve(name + ".json")));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Asserts status, the version and request-id headers, and the body.
     *
     * @param anyValue paths whose values may differ (types must still match); {@code path.*} lets an object's
     *     keys differ, {@code path.**} its whole content, {@code path[]} an array's
     */
    public static void assertMatches(String name, Http.Response actual, String project, Set<String> anyValue) {
        assertMatches(name, actual, project, null, anyValue);
    }

    /** As {@link #assertMatches(String, Http.Response, String, Set)}, binding {@code {project_id_2}} too. */
    public static void assertMatches(String name, Http.Response actual, String project, String project2,
            Set<String> anyValue) {
        JsonNode sample = sample(name);
        JsonNode response = sample.get("response");
        assertThat(actual.status()).as(name + ": status").isEqualTo(response.get("status").asInt());
        JsonNode headers = response.get("headers");
        for (String header : List.of("OpenStack-API-Version", "Vary", "Content-Type", "Location")) {
            if (headers.has(header)) {
                String expected = headers.get(header).asString();
                String got = actual.header(header);
                if (header.equals("Location")) {
                    assertThat(got).as(name + ": " + header).endsWith(expected.replaceFirst("^https?://[^/]+", ""));
                } else if (header.equals("Content-Type")) {
                    assertThat(got == null ? null : got.replace(" ", "")).as(name + ": header " + header)
                            .isEqualToIgnoringCase(expected.replace(" ", ""));
                } else {
                    assertThat(got).as(name + ": header " + header).isEqualToIgnoringCase(expected);
                }
            }
        }
        assertThat(actual.header("x-openstack-request-id")).as(name + ": x-openstack-request-id").startsWith("req-");
        if (headers.has("x-compute-request-id")) {
            assertThat(actual.header("x-compute-request-id")).as(name + ": x-compute-request-id")
                    .isEqualTo(actual.header("x-openstack-request-id"));
        }
        JsonNode expectedBody = response.get("body");
        if (expectedBody == null || expectedBody.isNull() || (expectedBody.isString() && expectedBody.asString().isEmpty())) {
            assertThat(actual.body()).as(name + ": empty body").isEmpty();
            return;
        }
        compare(name, "", expectedBody, actual.json(), new Bindings(project, project2), anyValue);
    }

    /**
     * Asserts that {@code actual} matches the node at {@code path} (dot-separated, {@code [i]} for array
     * items) of a sample's response body: for comparing one item of a list whose other items differ.
     */
    public static void assertNodeMatches(String name, String path, JsonNode actual, String project, Set<String> anyValue) {
        JsonNode node = sample(name).get("response").get("body");
        for (String step : path.split("\\.")) {
            Matcher index = Pattern.compile("(.*)\\[(\\d+)\\]").matcher(step);
            if (index.matches()) {
                node = node.get(index.group(1)).get(Integer.parseInt(index.group(2)));
            } else {
                node = node.get(step);
            }
        }
        compare(name + ":" + path, "", node, actual, new Bindings(project, null), anyValue);
    }

    private static final class Bindings {
        final String project;
        final String project2;
        final Map<String, String> uuids = new java.util.HashMap<>();

        Bindings(String project, String project2) {
            this.project = project;
            this.project2 = project2;
        }
    }

    private static void compare(String name, String path, JsonNode expected, JsonNode actual, Bindings bindings,
            Set<String> anyValue) {
        String where = name + " at " + (path.isEmpty() ? "<root>" : path);
        assertThat(actual).as(where + ": missing").isNotNull();
        assertThat(type(actual)).as(where + ": JSON type").isEqualTo(type(expected));
        if (expected.isObject() && anyValue.contains(path + ".**")) {
            return;
        }
        if (expected.isObject()) {
            List<String> expectedKeys = new ArrayList<>();
            expected.propertyNames().forEach(expectedKeys::add);
            List<String> actualKeys = new ArrayList<>();
            actual.propertyNames().forEach(actualKeys::add);
            if (!anyValue.contains(path + ".*")) {
                assertThat(actualKeys).as(where + ": keys in order").containsExactlyElementsOf(expectedKeys);
            }
            for (String key : expectedKeys) {
                if (actual.has(key)) {
                    compare(name, path.isEmpty() ? key : path + "." + key, expected.get(key), actual.get(key), bindings, anyValue);
                }
            }
        } else if (expected.isArray()) {
            if (anyValue.contains(path + "[]")) {
                return;
            }
            assertThat(actual.size()).as(where + ": array length").isEqualTo(expected.size());
            Iterator<JsonNode> e = expected.iterator();
            Iterator<JsonNode> a = actual.iterator();
            int i = 0;
            while (e.hasNext()) {
                compare(name, path + "[" + i++ + "]", e.next(), a.next(), bindings, anyValue);
            }
        } else if (!anyValue.contains(path)) {
            if (expected.isString()) {
                assertThat(matches(expected.asString(), actual.asString(), bindings))
                        .as(where + ": '" + actual.asString() + "' should match '" + expected.asString() + "'").isTrue();
            } else {
                assertThat(actual).as(where + ": value").isEqualTo(expected);
            }
        }
    }

    private static boolean matches(String expected, String actual, Bindings bindings) {
        String pattern = expected.replace("http://127.0.0.1:8776", "\u0000BASE\u0000");
        StringBuilder regex = new StringBuilder();
        Matcher m = PLACEHOLDER.matcher(pattern);
        int last = 0;
        List<String> uuidNames = new ArrayList<>();
        while (m.find()) {
            regex.append(quote(pattern.substring(last, m.start())));
            String token = m.group();
            if (token.startsWith("<uuid:")) {
                regex.append("([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");
                uuidNames.add(token);
            } else if (token.equals("<timestamp>")) {
                regex.append("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d{6})?(?:Z|\\+00:00)?");
            } else if (token.equals("<request-id>")) {
                regex.append("req-[0-9a-f-]{36}");
            } else if (token.equals("{project_id_2}")) {
                regex.append(Pattern.quote(String.valueOf(bindings.project2)));
            } else {
                regex.append(Pattern.quote(bindings.project));
            }
            last = m.end();
        }
        regex.append(quote(pattern.substring(last)));
        Matcher actualMatch = Pattern.compile(regex.toString()).matcher(actual);
        if (!actualMatch.matches()) {
            return false;
        }
        for (int i = 0; i < uuidNames.size(); i++) {
            String bound = bindings.uuids.putIfAbsent(uuidNames.get(i), actualMatch.group(i + 1));
            if (bound != null && !bound.equals(actualMatch.group(i + 1))) {
                return false;
            }
        }
        return true;
    }

    private static String quote(String literal) {
        return Pattern.quote(literal).replace("\u0000BASE\u0000", "\\E(?:http://[^/]+)\\Q");
    }

    private static String type(JsonNode node) {
        if (node.isObject()) {
            return "object";
        }
        if (node.isArray()) {
            return "array";
        }
        if (node.isString()) {
            return "string";
        }
        if (node.isBoolean()) {
            return "boolean";
        }
        if (node.isNull()) {
            return "null";
        }
        return node.isIntegralNumber() ? "integer" : "number";
    }
}
