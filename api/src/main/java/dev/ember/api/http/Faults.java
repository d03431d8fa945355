package dev.ember.api.http;

import dev.ember.common.json.Json;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.node.ObjectNode;

/** Renders {@link ApiException}s in Cinder's fault shape. */
public final class Faults {

    private Faults() {
    }

    /** {@code {"<faultName>": {"code": N, "message": "..."}}}, plus {@code retryAfter} for 413. */
    public static ObjectNode body(ApiException e) {
        ObjectNode fault = Json.object();
        ObjectNode inner = fault.putObject(e.faultName());
        inner.put("code", e.status());
        inner.put("message", e.getMessage());
        if (e.status() == 413) {
            inner.put("retryAfter", "0");
        }
        return fault;
    }

    public static ResponseEntity<byte[]> entity(ApiException e) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        if (e.status() == 413) {
            headers.set("Retry-After", "0");
        }
        return ResponseEntity.status(e.status()).headers(headers).body(Json.writeBytes(body(e)));
    }

    /** Writes a fault directly, for errors found before a controller runs. */
    public static void write(HttpServletResponse response, ApiException e) throws IOException {
        response.setStatus(e.status());
        response.setContentType("application/json");
        if (e.status() == 413) {
            response.setHeader("Retry-After", "0");
        }
        byte[] body = Json.writeBytes(body(e));
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** The webob body Cinder's router gives for a path it has no route for (golden: route-not-found-404). */
    public static byte[] routeNotFoundBody() {
        ObjectNode body = Json.object();
        body.put("message", "The resource could not be found.<br /><br />\n\n\n");
        body.put("code", "404 Not Found");
        body.put("title", "Not Found");
        return Json.writeBytes(body);
    }
}
