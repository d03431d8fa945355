package dev.ember.api.http;

import dev.ember.common.json.Json;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.JsonNode;

/** Response entities with Cinder's status codes, content types and byte-exact JSON. */
public final class Responses {

    private static final MediaType TEXT_HTML = MediaType.parseMediaType("text/html; charset=UTF-8");

    private Responses() {
    }

    public static ResponseEntity<byte[]> ok(JsonNode body) {
        return json(200, body);
    }

    public static ResponseEntity<byte[]> accepted(JsonNode body) {
        return json(202, body);
    }

    public static ResponseEntity<byte[]> json(int status, JsonNode body) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(Json.writeBytes(body));
    }

    /** A 202 without a body, typed {@code text/html} as Cinder's are (golden: volume-delete). */
    public static ResponseEntity<byte[]> acceptedEmpty() {
        return ResponseEntity.status(202).contentType(TEXT_HTML).body(new byte[0]);
    }

    /** A 204, typed {@code text/html} as webob types it (golden: messages-delete). */
    public static ResponseEntity<byte[]> noContentHtml() {
        return ResponseEntity.status(204).contentType(TEXT_HTML).body(new byte[0]);
    }

    /** A 200 without a body, typed {@code text/html} (golden: snapshot-metadata-delete-key). */
    public static ResponseEntity<byte[]> okEmptyHtml() {
        return ResponseEntity.status(200).contentType(TEXT_HTML).body(new byte[0]);
    }

    /** A bodiless answer typed JSON, as Cinder's volume actions answer. */
    public static ResponseEntity<byte[]> emptyJson(int status) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(new byte[0]);
    }
}
