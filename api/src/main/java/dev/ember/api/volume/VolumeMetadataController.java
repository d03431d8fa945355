package dev.ember.api.volume;

import dev.ember.api.http.ApiRequest;
import dev.ember.api.http.JsonBodies;
import dev.ember.api.http.MetadataBodies;
import dev.ember.api.http.Responses;
import dev.ember.api.policy.Authorize;
import dev.ember.api.validation.ParameterTypes;
import dev.ember.api.validation.Schema;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code /v3/volumes/{id}/metadata[/{key}]} (Cinder's {@code v3/volume_metadata.py}): from 3.15 the list carries an
 * {@code ETag} and a replace or key update whose {@code If-Match} names another version is a 412.
 */
@RestController
public class VolumeMetadataController {

    /** Cinder's {@code volume_metadata.create}. */
    private static final Schema CREATE = Schema.of().type("object")
            .property("metadata", ParameterTypes.extraSpecs())
            .required("metadata").noAdditionalProperties();

    /** Cinder's {@code volume_metadata.update}: exactly one item. */
    private static final Schema UPDATE = Schema.of().type("object")
            .property("meta", ParameterTypes.extraSpecs().minProperties(1).maxProperties(1))
            .required("meta").noAdditionalProperties();

    private final VolumeApi volumes;

    public VolumeMetadataController(VolumeApi volumes) {
        this.volumes = volumes;
    }

    @Authorize("volume:get_volume_metadata")
    @GetMapping("/v3/volumes/{id}/metadata")
    public ResponseEntity<byte[]> index(HttpServletRequest http, @PathVariable String id) {
        ApiRequest request = ApiRequest.of(http);
        Map<String, String> metadata = volumes.metadata(request.context(), id);
        ResponseEntity<byte[]> ok = Responses.ok(MetadataBodies.body("metadata", metadata));
        if (!request.version().atLeast(15)) {
            return ok;
        }
        return ResponseEntity.status(200).headers(ok.getHeaders()).eTag(MetadataBodies.etag(metadata)).body(ok.getBody());
    }

    @Authorize("volume:create_volume_metadata")
    @PostMapping("/v3/volumes/{id}/metadata")
    public ResponseEntity<byte[]> create(HttpServletRequest http, @PathVariable String id,
            @RequestBody(required = false) byte[] body) {
        JsonNode json = JsonBodies.require(http, body);
        CREATE.validate(json);
        Map<String, String> metadata = MetadataBodies.checked(json, "metadata");
        return Responses.ok(MetadataBodies.body("metadata",
                volumes.updateMetadata(ApiRequest.of(http).context(), id, metadata, false)));
    }

    @Authorize("volume:update_volume_metadata")
    @PutMapping("/v3/volumes/{id}/metadata")
    public ResponseEntity<byte[]> replace(HttpServletRequest http, @PathVariable String id,
            @RequestBody(required = false) byte[] body) {
        ApiRequest request = ApiRequest.of(http);
        JsonNode json = JsonBodies.require(http, body);
        CREATE.validate(json);
        if (!etagMatches(http, request, id)) {
            return ResponseEntity.status(412).build();
        }
        Map<String, String> metadata = MetadataBodies.checked(json, "metadata");
        return Responses.ok(MetadataBodies.body("metadata", volumes.updateMetadata(request.context(), id, metadata, true)));
    }

    @Authorize("volume:get_volume_metadata")
    @GetMapping("/v3/volumes/{id}/metadata/{key}")
    public ResponseEntity<byte[]> show(HttpServletRequest http, @PathVariable String id, @PathVariable String key) {
        Map<String, String> metadata = volumes.metadata(ApiRequest.of(http).context(), id);
        if (!metadata.containsKey(key)) {
            throw VolumeApi.metadataNotFound(id, key);
        }
        return Responses.ok(MetadataBodies.body("meta", Map.of(key, metadata.get(key))));
    }

    @Authorize("volume:update_volume_metadata")
    @PutMapping("/v3/volumes/{id}/metadata/{key}")
    public ResponseEntity<byte[]> updateKey(HttpServletRequest http, @PathVariable String id, @PathVariable String key,
            @RequestBody(required = false) byte[] body) {
        ApiRequest request = ApiRequest.of(http);
        JsonNode json = JsonBodies.require(http, body);
        UPDATE.validate(json);
        if (!etagMatches(http, request, id)) {
            return ResponseEntity.status(412).build();
        }
        Map<String, String> item = MetadataBodies.checkedItem(json, key);
        volumes.updateMetadata(request.context(), id, item, false);
        return Responses.ok(MetadataBodies.body("meta", item));
    }

    @Authorize("volume:delete_volume_metadata")
    @DeleteMapping("/v3/volumes/{id}/metadata/{key}")
    public ResponseEntity<byte[]> delete(HttpServletRequest http, @PathVariable String id, @PathVariable String key) {
        volumes.deleteMetadata(ApiRequest.of(http).context(), id, key);
        return Responses.okEmptyHtml();
    }

    /** From 3.15, an {@code If-Match} must name the current metadata's ETag (any of several, or {@code *}). */
    private boolean etagMatches(HttpServletRequest http, ApiRequest request, String id) {
        String ifMatch = http.getHeader("If-Match");
        if (!request.version().atLeast(15) || ifMatch == null || ifMatch.isBlank()) {
            return true;
        }
        String current = MetadataBodies.etag(volumes.metadata(request.context(), id));
        for (String tag : ifMatch.split(",")) {
            String t = tag.strip().replaceFirst("^W/", "").replace("\"", "");
            if (t.equals("*") || t.equals(current)) {
                return true;
            }
        }
        return false;
    }
}
