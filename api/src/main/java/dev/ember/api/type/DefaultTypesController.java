package dev.ember.api.type;

import dev.ember.api.http.ApiException;
import dev.ember.api.http.ApiRequest;
import dev.ember.api.http.JsonBodies;
import dev.ember.api.http.Responses;
import dev.ember.api.http.Since;
import dev.ember.api.policy.Authorize;
import dev.ember.api.validation.Schema;
import dev.ember.common.json.Json;
import dev.ember.common.type.VolumeType;
import dev.ember.common.type.VolumeTypeRepository;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /v3/default-types[/{project_id}]} (3.62, Cinder's {@code v3/default_types.py}): each project's own default
 * volume type, used by creates that name none. Served only without a project in the URL, as Cinder routes it.
 */
@RestController
public class DefaultTypesController {

    private static final Schema SET = Schema.of().type("object")
            .property("default_type", Schema.of().type("object")
                    .property("volume_type", Schema.of().type("string").minLength(1).maxLength(255))
                    .required("volume_type").noAdditionalProperties());

    private final VolumeTypeRepository types;

    public DefaultTypesController(VolumeTypeRepository types) {
        this.types = types;
    }

    @Since(value = 62, projectInUrl = false)
    @Authorize("volume_extension:default_set_or_update")
    @PutMapping("/v3/default-types/{project}")
    public ResponseEntity<byte[]> set(HttpServletRequest http, @PathVariable String project,
            @RequestBody(required = false) byte[] body) {
        ApiRequest request = ApiRequest.of(http);
        JsonNode json = JsonBodies.require(http, body);
        SET.validate(json);
        if (!json.has("default_type")) {
            throw ApiException.badRequest("Missing required element 'default_type' in request body.");
        }
        String wanted = json.get("default_type").get("volume_type").asString();
        VolumeType type = types.findByNameOrId(wanted).orElseThrow(() -> ApiException.badRequest(
                VolumeTypeRepository.looksLikeUuid(wanted) ? "Volume type " + wanted + " could not be found."
                        : "Volume type with name " + wanted + " could not be found."));
        types.setProjectDefault(project, type.id());
        return Responses.ok(wrap("default_type", view(project, type.id())));
    }

    @Since(value = 62, projectInUrl = false)
    @Authorize("volume_extension:default_get")
    @GetMapping("/v3/default-types/{project}")
    public ResponseEntity<byte[]> show(HttpServletRequest http, @PathVariable String project) {
        String typeId = types.projectDefault(project)
                .orElseThrow(() -> ApiException.notFound("Default type for project " + project + " not found."));
        return Responses.ok(wrap("default_type", view(project, typeId)));
    }

    @Since(value = 62, projectInUrl = false)
    @Authorize("volume_extension:default_get_all")
    @GetMapping("/v3/default-types")
    public ResponseEntity<byte[]> list(HttpServletRequest http) {
        ApiRequest request = ApiRequest.of(http);
        if (!request.isAdmin()) {
            throw ApiException.forbidden("You are not authorized to perform this operation.");
        }
        ObjectNode root = Json.object();
        var items = root.putArray("default_types");
        types.projectDefaults().forEach((project, typeId) -> items.add(view(project, typeId)));
        return Responses.ok(root);
    }

    @Since(value = 62, projectInUrl = false)
    @Authorize("volume_extension:default_unset")
    @DeleteMapping("/v3/default-types/{project}")
    public ResponseEntity<byte[]> delete(HttpServletRequest http, @PathVariable String project) {
        types.deleteProjectDefault(project);
        return ResponseEntity.noContent().build();
    }

    private static ObjectNode view(String project, String typeId) {
        ObjectNode node = Json.object();
        node.put("project_id", project);
        node.put("volume_type_id", typeId);
        return node;
    }

    private static ObjectNode wrap(String key, ObjectNode inner) {
        ObjectNode root = Json.object();
        root.set(key, inner);
        return root;
    }
}
