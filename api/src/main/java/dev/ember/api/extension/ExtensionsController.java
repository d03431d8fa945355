package dev.ember.api.extension;

import dev.ember.api.http.ApiRequest;
import dev.ember.api.http.Responses;
import dev.ember.api.policy.Authorize;
import dev.ember.common.json.Json;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v3/extensions}: the API extensions this service serves, as Cinder describes them. Clients (Horizon,
 * cinderclient's {@code list-extensions}) switch features on by alias, so only what is really served is listed;
 * {@code extensions.json} says what is left out and why.
 */
@RestController
public class ExtensionsController {

    private final ObjectNode body;

    public ExtensionsController() {
        try (InputStream in = ExtensionsController.class.getResourceAsStream("/extensions.json")) {
            JsonNode file = Json.parse(in.readAllBytes());
            body = Json.object();
            body.set("extensions", file.get("extensions"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Authorize(noRule = "Cinder has no rule for the extension list")
    @GetMapping("/v3/extensions")
    public ResponseEntity<byte[]> list(HttpServletRequest http) {
        ApiRequest.of(http);
        return Responses.ok(body);
    }
}
