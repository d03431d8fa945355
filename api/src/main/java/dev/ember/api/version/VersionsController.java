package dev.ember.api.version;

import dev.ember.api.http.ApiRequest;
import dev.ember.api.http.ApiVersion;
import dev.ember.api.http.Responses;
import dev.ember.api.policy.Authorize;
import dev.ember.common.json.Json;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The version documents: {@code GET /} (300 Multiple Choices) and {@code GET /v3/} (200), one body,
 * advertising as maximum only the microversion this server implements ({@code cinder/api/versions.py}).
 */
@RestController
public class VersionsController {

    @Authorize(noRule = "version discovery is open to anyone")
    @GetMapping("/")
    public ResponseEntity<byte[]> all(HttpServletRequest http) {
        return Responses.json(300, document(ApiRequest.of(http)));
    }

    @Authorize(noRule = "version discovery is open to anyone")
    @GetMapping("/v3/")
    public ResponseEntity<byte[]> v3(HttpServletRequest http) {
        return Responses.ok(document(ApiRequest.of(http)));
    }

    private static ObjectNode document(ApiRequest request) {
        ObjectNode body = Json.object();
        ObjectNode v3 = body.putArray("versions").addObject();
        v3.put("id", "v3.0");
        v3.put("status", "CURRENT");
        v3.put("version", ApiVersion.MAX.toString());
        v3.put("min_version", ApiVersion.MIN.toString());
        v3.put("updated", ApiVersion.UPDATED);
        ArrayNode links = v3.putArray("links");
        ObjectNode describedBy = links.addObject();
        describedBy.put("rel", "describedby");
        describedBy.put("type", "text/html");
        describedBy.put("href", "https://docs.openstack.org/");
        ObjectNode self = links.addObject();
        self.put("rel", "self");
        self.put("href", request.baseUrl() + "/v3/");
        ObjectNode media = v3.putArray("media-types").addObject();
        media.put("base", "application/json");
        media.put("type", "application/vnd.openstack.volume+json;version=3");
        return body;
    }
}
