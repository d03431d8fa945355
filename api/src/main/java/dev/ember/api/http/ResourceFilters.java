package dev.ember.api.http;

import dev.ember.common.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The filters non-admins may use on each resource's list, as Cinder's {@code etc/cinder/resource_filters.json}
 * (bundled as {@code resource_filters.json}): what every list controller enforces and what
 * {@code GET /v3/resource_filters} (3.33) shows.
 */
public final class ResourceFilters {

    private static final Map<String, List<String>> FILTERS = load();

    private ResourceFilters() {
    }

    /** The user filters of {@code resource} ({@code volume}, {@code snapshot}...); empty for an unknown one. */
    public static Set<String> of(String resource) {
        return new LinkedHashSet<>(FILTERS.getOrDefault(resource, List.of()));
    }

    /** Every resource's filters, in the file's order. */
    public static Map<String, List<String>> all() {
        return FILTERS;
    }

    private static Map<String, List<String>> load() {
        try (InputStream in = ResourceFilters.class.getResourceAsStream("/resource_filters.json")) {
            if (in == null) {
                throw new IllegalStateException("resource_filters.json is missing from the classpath");
            }
            JsonNode root = Json.parse(in.readAllBytes());
            Map<String, List<String>> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : root.properties()) {
                List<String> filters = new ArrayList<>();
                e.getValue().forEach(f -> filters.add(f.asString()));
                out.put(e.getKey(), List.copyOf(filters));
            }
            return java.util.Collections.unmodifiableMap(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
