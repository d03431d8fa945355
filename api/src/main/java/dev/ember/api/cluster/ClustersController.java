package dev.ember.api.cluster;

import dev.ember.api.http.ApiException;
import dev.ember.api.http.ApiRequest;
import dev.ember.api.http.JsonBodies;
import dev.ember.api.http.Responses;
import dev.ember.api.http.Since;
import dev.ember.api.policy.Authorize;
import dev.ember.common.json.Json;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code /v3/clusters} (3.7): this service runs no active-active volume clusters ({@code [DEFAULT] cluster} is not
 * supported: one volume process owns each backend), so the lists are empty and every named cluster is unknown,
 * exactly as a Cinder deployment without clusters answers.
 */
@RestController
public class ClustersController {

    @Since(7)
    @Authorize("clusters:get_all")
    @GetMapping({"/v3/clusters", "/v3/clusters/detail"})
    public ResponseEntity<byte[]> list(HttpServletRequest http) {
        var body = Json.object();
        body.putArray("clusters");
        return Responses.ok(body);
    }

    @Since(7)
    @Authorize("clusters:get")
    @GetMapping("/v3/clusters/{name}")
    public ResponseEntity<byte[]> show(HttpServletRequest http, @PathVariable String name) {
        throw ApiException.notFound("Cluster " + name + " could not be found.");
    }

    /** {@code PUT /clusters/enable|disable} with {@code {"name", "binary"}}: no cluster of that name exists. */
    @Since(7)
    @Authorize("clusters:update")
    @PutMapping("/v3/clusters/{action}")
    public ResponseEntity<byte[]> update(HttpServletRequest http, @PathVariable String action,
            @RequestBody(required = false) byte[] raw) {
        ApiRequest request = ApiRequest.of(http);
        if (!action.equals("enable") && !action.equals("disable")) {
            throw ApiException.notFound("The resource could not be found.");
        }
        JsonNode body = JsonBodies.require(http, raw);
        JsonNode name = body.isObject() ? body.get("name") : null;
        if (name == null || !name.isString() || name.asString().isBlank()) {
            throw ApiException.badRequest("Missing required element 'name' in request body.");
        }
        throw ApiException.notFound("Cluster " + name.asString() + " could not be found.");
    }
}
