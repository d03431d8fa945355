package dev.ember.api.http;

import dev.ember.common.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The bodies of Cinder's metadata sub-resources ({@code /volumes/{id}/metadata}, {@code /snapshots/{id}/metadata}). */
public final class MetadataBodies {

    private MetadataBodies() {
    }

    /**
     * Cinder's {@code assert_valid_body} and {@code check_metadata_properties}: the element must be an object of
     * strings, keys of 1 to 255 characters, values of at most 255 (longer ones are a 413).
     */
    public static Map<String, String> checked(JsonNode body, String element) {
        JsonNode node = body == null ? null : body.get(element);
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("Missing required element '" + element + "' in request body.");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (var entry : node.properties()) {
            String key = entry.getKey();
            if (key.isEmpty()) {
                throw ApiException.badRequest("Invalid metadata: Invalid input received: Metadata key:  has 0 characters, "
                        + "less than 1.");
            }
            if (!entry.getValue().isString()) {
                throw ApiException.badRequest("Invalid metadata: Invalid input received: Value for metadata key: " + key
                        + " is not a string or unicode");
            }
            if (key.codePointCount(0, key.length()) > 255) {
                throw new ApiException(413, "Invalid metadata size: Metadata property key " + key
                        + " greater than 255 characters.");
            }
            String value = entry.getValue().asString();
            if (value.codePointCount(0, value.length()) > 255) {
                throw new ApiException(413, "Invalid metadata size: Metadata property key " + key
                        + " value greater than 255 characters.");
            }
            out.put(key, value);
        }
        return out;
    }

    /**
     * The one item of a {@code PUT .../metadata/{key}} body, which must name the key of the URL and nothing else.
     */
    public static Map<String, String> checkedItem(JsonNode body, String key) {
        Map<String, String> item = checked(body, "meta");
        if (!item.containsKey(key)) {
            throw ApiException.badRequest("Request body and URI mismatch");
        }
        if (item.size() > 1) {
            throw ApiException.badRequest("Request body contains too many items");
        }
        return item;
    }

    /** {@code {"<element>": {k: v, ...}}}. */
    public static ObjectNode body(String element, Map<String, String> metadata) {
        ObjectNode node = Json.object();
        ObjectNode inner = node.putObject(element);
        metadata.forEach(inner::put);
        return node;
    }

    /**
     * Cinder's metadata ETag (3.15): the MD5 of {@code {"metadata": {...}}} as Python's {@code json.dumps} writes it
     * (separators {@code ", "} and {@code ": "}, non-ASCII escaped), so ours equal Cinder's for the same metadata.
     */
    public static String etag(Map<String, String> metadata) {
        StringBuilder out = new StringBuilder("{\"metadata\": {");
        boolean first = true;
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (!first) {
                out.append(", ");
            }
            first = false;
            pythonString(out, e.getKey());
            out.append(": ");
            pythonString(out, e.getValue());
        }
        out.append("}}");
        try {
            byte[] digest = java.security.MessageDigest.getInstance("MD5")
                    .digest(out.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A string as Python's {@code json.dumps} with {@code ensure_ascii} writes it. */
    private static void pythonString(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
