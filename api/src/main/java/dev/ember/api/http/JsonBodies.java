package dev.ember.api.http;

import dev.ember.common.json.Json;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** Request bodies as Cinder's WSGI layer reads them ({@code cinder/api/openstack/wsgi.py}). */
public final class JsonBodies {

    /** oslo.middleware's {@code max_request_body_size}. */
    public static final int MAX_BODY_BYTES = 114688;

    private static final Set<String> SUPPORTED = Set.of("application/json", "application/vnd.openstack.volume+json");

    private JsonBodies() {
    }

    /** The field as text, or null when the node or the field is absent or JSON null (validated bodies only). */
    public static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    /**
     * The parsed body, or null when there is none. As in Cinder, a body without a Content-Type counts as
     * no body; an unsupported Content-Type is a 415; unparsable JSON, or strings that are not valid
     * Unicode (lone surrogates), are "Malformed request body".
     */
    public static JsonNode read(HttpServletRequest request, byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new ApiException(413, "Request is too large. Larger than max_request_body_size (" + MAX_BODY_BYTES + ").");
        }
        String contentType = request.getContentType();
        if (contentType == null || contentType.isBlank()) {
            return null;
        }
        String mime = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!SUPPORTED.contains(mime)) {
            throw new ApiException(415, "Unsupported Content-Type");
        }
        JsonNode node;
        try {
            node = Json.parse(body);
        } catch (JacksonException | IllegalArgumentException e) {
            throw ApiException.badRequest("Malformed request body");
        }
        if (node == null || node.isMissingNode() || !validUnicode(node)) {
            throw ApiException.badRequest("Malformed request body");
        }
        return node;
    }

    /** The parsed body; a request that needs one and has none is the generic 400 Cinder gives. */
    public static JsonNode require(HttpServletRequest request, byte[] body) {
        JsonNode node = read(request, body);
        if (node == null) {
            throw ApiException.malformed();
        }
        return node;
    }

    /**
     * The action an {@code .../action} body names: its one key ({@code {"os-extend": {...}}}); any other body is
     * Cinder's 400 "Malformed request body".
     */
    public static String actionName(JsonNode json) {
        if (!json.isObject() || json.size() != 1) {
            throw ApiException.badRequest("Malformed request body");
        }
        return json.propertyNames().iterator().next();
    }

    private static boolean validUnicode(JsonNode node) {
        if (node.isString()) {
            return wellFormed(node.asString());
        }
        if (node.isObject()) {
            for (var field : node.properties()) {
                if (!wellFormed(field.getKey()) || !validUnicode(field.getValue())) {
                    return false;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                if (!validUnicode(item)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
