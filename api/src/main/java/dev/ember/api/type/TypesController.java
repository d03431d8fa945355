package dev.ember.api.type;

import static dev.ember.api.http.JsonBodies.text;

import dev.ember.api.http.ApiException;
import dev.ember.api.http.ApiRequest;
import dev.ember.api.http.JsonBodies;
import dev.ember.api.http.Pagination;
import dev.ember.api.http.Params;
import dev.ember.api.http.Responses;
import dev.ember.api.policy.ActionRules;
import dev.ember.api.policy.Authorize;
import dev.ember.api.validation.ParameterTypes;
import dev.ember.api.validation.Schema;
import dev.ember.common.config.CinderProperties;
import dev.ember.common.db.Timestamps;
import dev.ember.common.db.Tx;
import dev.ember.common.json.Json;
import dev.ember.common.quota.Quotas;
import dev.ember.common.type.VolumeType;
import dev.ember.common.type.VolumeTypeCache;
import dev.ember.common.type.VolumeTypeRepository;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code /v3/types} and {@code /v3/types/{id}/extra_specs} (Cinder's types, type management, types_extra_specs). */
@RestController
public class TypesController {

    private static final String SPEC_KEY_NO_SPACES = "^[a-zA-Z0-9-_:.]{1,255}$";

    private static final Schema CREATE = Schema.of().type("object")
            .property("volume_type", Schema.of().type("object").properties(ordered(
                    "name", ParameterTypes.name(),
                    "description", Schema.of().type("string", "null").minLength(0).maxLength(255),
                    "extra_specs", Schema.of().type("object")
                            .patternProperty(ParameterTypes.KEY_PATTERN, Schema.of().type("string", "null").maxLength(255))
                            .noAdditionalProperties(),
                    "os-volume-type-access:is_public", ParameterTypes.bool()))
                    .required("name").noAdditionalProperties())
            .required("volume_type").noAdditionalProperties();

    private static final Schema UPDATE = Schema.of().type("object")
            .property("volume_type", Schema.of().type("object").properties(ordered(
                    "name", Schema.of().type("string", "null").minLength(1).maxLength(255),
                    "description", Schema.of().type("string", "null").minLength(0).maxLength(255),
                    "is_public", ParameterTypes.bool()))
                    .noAdditionalProperties())
            .required("volume_type").noAdditionalProperties();

    private static final Schema SPECS_NO_SPACES = Schema.of().type("object")
            .patternProperty(SPEC_KEY_NO_SPACES, Schema.of().type("string", "null").minLength(0).maxLength(255))
            .noAdditionalProperties();

    private static final Schema EXTRA_SPECS_CREATE = Schema.of().type("object")
            .property("extra_specs", SPECS_NO_SPACES).required("extra_specs").noAdditionalProperties();

    private static final Schema EXTRA_SPECS_UPDATE = Schema.of().type("object")
            .patternProperty(SPEC_KEY_NO_SPACES, Schema.of().type("string", "null").minLength(0).maxLength(255))
            .noAdditionalProperties().minProperties(1).maxProperties(1);

    private final VolumeTypeRepository types;
    private final VolumeTypeCache cache;
    private final Tx tx;
    private final Quotas quotas;
    private final CinderProperties properties;

    public TypesController(VolumeTypeRepository types, VolumeTypeCache cache, Tx tx, Quotas quotas,
            CinderProperties properties) {
        this.types = types;
        this.quotas = quotas;
        this.cache = cache;
        this.tx = tx;
        this.properties = properties;
    }

    /** Runs a change of types, then drops this process's cached types so the change is seen at once. */
    private void change(Runnable work) {
        try {
            tx.run(work);
        } finally {
            cache.invalidate();
        }
    }

    @Authorize("volume_extension:type_get_all")
    @GetMapping("/v3/types")
    public ResponseEntity<byte[]> list(HttpServletRequest http) {
        ApiRequest request = ApiRequest.of(http);
        Map<String, String> params = Pagination.parse(request.query());
        Boolean isPublic = Boolean.TRUE;
        if (request.isAdmin() && params.containsKey("is_public")) {
            String value = params.get("is_public");
            if (value.strip().equalsIgnoreCase("none")) {
                isPublic = null;
            } else {
                try {
                    isPublic = Params.bool("is_public", value);
                } catch (ApiException e) {
                    throw ApiException.badRequest("Invalid is_public filter [" + value + "]");
                }
            }
        }
        List<VolumeType> all = new ArrayList<>(types.listFor(isPublic, request.projectId()));
        all.sort(Comparator.comparing(VolumeType::createdAt).thenComparing(VolumeType::id).reversed());
        return Responses.ok(TypeViews.list(request, all));
    }

    @Authorize("volume_extension:type_get")
    @GetMapping("/v3/types/{id}")
    public ResponseEntity<byte[]> show(HttpServletRequest http, @PathVariable String id) {
        ApiRequest request = ApiRequest.of(http);
        if (id.equals("default")) {
            VolumeType type = types.findByNameOrId(properties.defaultVolumeType())
                    .orElseThrow(() -> ApiException.notFound("Volume type default could not be found."));
            return Responses.ok(TypeViews.wrap(TypeViews.show(request, type, false)));
        }
        return Responses.ok(TypeViews.wrap(TypeViews.show(request, visible(request, id), true)));
    }

    @Authorize("volume_extension:type_create")
    @PostMapping("/v3/types")
    public ResponseEntity<byte[]> create(HttpServletRequest http, @RequestBody(required = false) byte[] body) {
        JsonNode json = JsonBodies.require(http, body);
        CREATE.validate(json);
        JsonNode t = json.get("volume_type");
        String name = t.get("name").asString();
        boolean isPublic = !t.has("os-volume-type-access:is_public")
                || Params.bool("is_public", t.get("os-volume-type-access:is_public").asString());
        Map<String, String> specs = new LinkedHashMap<>();
        if (t.has("extra_specs")) {
            t.get("extra_specs").properties().forEach(e -> specs.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asString()));
        }
        specs.values().removeIf(v -> v == null);
        VolumeType type = new VolumeType(UUID.randomUUID().toString(), name, text(t, "description"), isPublic, null,
                specs, Timestamps.now(), null);
        try {
            change(() -> types.insert(type));
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("Volume Type " + name + " already exists.");
        }
        return Responses.ok(TypeViews.wrap(TypeViews.manage(type, true)));
    }

    @Authorize("volume_extension:type_update")
    @PutMapping("/v3/types/{id}")
    public ResponseEntity<byte[]> update(HttpServletRequest http, @PathVariable String id,
            @RequestBody(required = false) byte[] body) {
        JsonNode json = JsonBodies.require(http, body);
        UPDATE.validate(json);
        JsonNode t = json.get("volume_type");
        String name = text(t, "name");
        String description = text(t, "description");
        Boolean isPublic = t.has("is_public") && !t.get("is_public").isNull()
                ? Params.bool("is_public", t.get("is_public").asString()) : null;
        if (name != null && name.strip().isEmpty()) {
            throw ApiException.badRequest("Volume type name can not be empty.");
        }
        if (name == null && description == null && isPublic == null) {
            throw ApiException.badRequest("Specify volume type name, description, is_public or a combination thereof.");
        }
        VolumeType existing = types.findById(id).orElseThrow(() -> typeNotFound(id));
        if (name != null && !name.equals(existing.name()) && existing.name().equals(properties.defaultVolumeType())) {
            throw ApiException.badRequest("The volume type " + id + " is the default volume type and cannot be renamed.");
        }
        try {
            change(() -> {
                types.update(id, name, description, isPublic);
                if (name != null && !name.equals(existing.name())) {
                    quotas.renameType(existing.name(), name);
                }
            });
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("Volume Type " + name + " already exists.");
        }
        return Responses.ok(TypeViews.wrap(TypeViews.manage(types.findById(id).orElseThrow(() -> typeNotFound(id)), false)));
    }

    @Authorize("volume_extension:type_delete")
    @DeleteMapping("/v3/types/{id}")
    public ResponseEntity<byte[]> delete(HttpServletRequest http, @PathVariable String id) {
        VolumeType type = types.findById(id).orElseThrow(() -> typeNotFound(id));
        if (type.name().equals(properties.defaultVolumeType()) || types.isProjectDefault(id)) {
            throw ApiException.badRequest("The volume type " + id + " is a default volume type and cannot be deleted.");
        }
        boolean deleted = tx.call(() -> types.deleteIfUnused(id));
        cache.invalidate();
        if (!deleted) {
            throw ApiException.badRequest("Target volume type is still in use.");
        }
        return Responses.acceptedEmpty();
    }

    @Authorize("volume_extension:types_extra_specs:index")
    @GetMapping("/v3/types/{id}/extra_specs")
    public ResponseEntity<byte[]> listSpecs(HttpServletRequest http, @PathVariable String id) {
        ApiRequest request = ApiRequest.of(http);
        VolumeType type = visible(request, id);
        ObjectNode node = Json.object();
        ObjectNode specs = node.putObject("extra_specs");
        type.extraSpecs().forEach(specs::put);
        return Responses.ok(node);
    }

    @Authorize("volume_extension:types_extra_specs:create")
    @PostMapping("/v3/types/{id}/extra_specs")
    public ResponseEntity<byte[]> createSpecs(HttpServletRequest http, @PathVariable String id,
            @RequestBody(required = false) byte[] body) {
        VolumeType type = types.findById(id).orElseThrow(() -> typeNotFound(id));
        JsonNode json = JsonBodies.require(http, body);
        EXTRA_SPECS_CREATE.validate(json);
        refuseIfInUse(type);
        Map<String, String> specs = strings(json.get("extra_specs"));
        change(() -> types.putExtraSpecs(id, specs, Timestamps.now()));
        return Responses.ok(json);
    }

    @Authorize("volume_extension:types_extra_specs:show")
    @GetMapping("/v3/types/{id}/extra_specs/{key}")
    public ResponseEntity<byte[]> showSpec(HttpServletRequest http, @PathVariable String id, @PathVariable String key) {
        ApiRequest request = ApiRequest.of(http);
        VolumeType type = visible(request, id);
        String value = type.extraSpecs().get(key);
        if (value == null) {
            throw ApiException.notFound("Volume Type " + id + " has no extra specs with key " + key + ".");
        }
        ObjectNode node = Json.object();
        node.put(key, value);
        return Responses.ok(node);
    }

    @Authorize("volume_extension:types_extra_specs:update")
    @PutMapping("/v3/types/{id}/extra_specs/{key}")
    public ResponseEntity<byte[]> updateSpec(HttpServletRequest http, @PathVariable String id, @PathVariable String key,
            @RequestBody(required = false) byte[] body) {
        VolumeType type = types.findById(id).orElseThrow(() -> typeNotFound(id));
        JsonNode json = JsonBodies.require(http, body);
        EXTRA_SPECS_UPDATE.validate(json);
        refuseIfInUse(type);
        if (!json.has(key)) {
            throw ApiException.badRequest("Request body and URI mismatch");
        }
        change(() -> types.putExtraSpecs(id, strings(json), Timestamps.now()));
        return Responses.ok(json);
    }

    @Authorize("volume_extension:types_extra_specs:delete")
    @DeleteMapping("/v3/types/{id}/extra_specs/{key}")
    public ResponseEntity<byte[]> deleteSpec(HttpServletRequest http, @PathVariable String id, @PathVariable String key) {
        VolumeType type = types.findById(id).orElseThrow(() -> typeNotFound(id));
        refuseIfInUse(type);
        boolean deleted = tx.call(() -> types.deleteExtraSpec(id, key));
        cache.invalidate();
        if (!deleted) {
            throw ApiException.notFound("Volume Type " + id + " has no extra specs with key " + key + ".");
        }
        return Responses.emptyJson(202);
    }

    /** A type the caller may see: public ones, private ones its project has access to, any for admins. */
    private VolumeType visible(ApiRequest request, String id) {
        VolumeType type = types.findById(id).orElseThrow(() -> typeNotFound(id));
        if (!type.isPublic() && !request.isAdmin() && !types.hasAccess(id, request.projectId())) {
            throw typeNotFound(id);
        }
        return type;
    }

    // ----- access to private types (cinder/api/contrib/volume_type_access.py) ----------------------

    @Authorize("volume_extension:volume_type_access:get_all_for_type")
    @GetMapping("/v3/types/{id}/os-volume-type-access")
    public ResponseEntity<byte[]> accessList(HttpServletRequest http, @PathVariable String id) {
        VolumeType type = types.findById(id).orElseThrow(() -> typeNotFound(id));
        if (type.isPublic()) {
            throw ApiException.notFound("Access list not available for public volume types.");
        }
        ObjectNode node = Json.object();
        var list = node.putArray("volume_type_access");
        for (String project : types.accessOf(id)) {
            ObjectNode item = list.addObject();
            item.put("volume_type_id", id);
            item.put("project_id", project);
        }
        return Responses.ok(node);
    }

    private static Schema projectAccess(String action) {
        return Schema.of().type("object")
                .property(action, Schema.of().type("object").property("project", ParameterTypes.uuid())
                        .required("project").noAdditionalProperties())
                .required(action).noAdditionalProperties();
    }

    /** {@code addProjectAccess} / {@code removeProjectAccess} (admin), 202 without a body. */
    @Authorize(byAction = true)
    @PostMapping("/v3/types/{id}/action")
    public ResponseEntity<byte[]> action(HttpServletRequest http, @PathVariable String id,
            @RequestBody(required = false) byte[] body) {
        ApiRequest request = ApiRequest.of(http);
        JsonNode json = JsonBodies.require(http, body);
        boolean add = json.has("addProjectAccess");
        if (!add && !json.has("removeProjectAccess")) {
            String name = json.isObject() && json.size() == 1 ? json.propertyNames().iterator().next() : "";
            throw ApiException.badRequest("There is no such action: " + name
                    + ". Verify the request body and Content-Type header and try again.");
        }
        String action = add ? "addProjectAccess" : "removeProjectAccess";
        request.authorize(ActionRules.TYPE.get(action));
        projectAccess(action).validate(json);
        String project = json.get(action).get("project").asString();
        VolumeType type = types.findById(id).orElseThrow(() -> typeNotFound(id));
        if (type.isPublic()) {
            throw ApiException.badRequest("Invalid volume type: Type access modification is not applicable to public "
                    + "volume type.");
        }
        if (add && !types.addAccess(id, project)) {
            throw ApiException.conflict("Volume type access for " + id + " / " + project + " combination already exists.");
        }
        if (!add && !types.removeAccess(id, project)) {
            throw ApiException.notFound("Volume type access not found for " + id + " / " + project + " combination.");
        }
        cache.invalidate();
        return Responses.acceptedEmpty();
    }

    // ----- encryption (cinder/api/contrib/volume_type_encryption.py) -------------------------------

    /** No type is encrypted here: encrypted volumes need a key manager (Barbican), which this service does not use. */
    @Authorize("volume_extension:volume_type_encryption:get")
    @GetMapping("/v3/types/{id}/encryption")
    public ResponseEntity<byte[]> encryption(HttpServletRequest http, @PathVariable String id) {
        visible(ApiRequest.of(http), id);
        return Responses.ok(Json.object());
    }

    @Authorize("volume_extension:volume_type_encryption:get")
    @GetMapping("/v3/types/{id}/encryption/{key}")
    public ResponseEntity<byte[]> encryptionKey(HttpServletRequest http, @PathVariable String id, @PathVariable String key) {
        visible(ApiRequest.of(http), id);
        throw ApiException.notFound("Volume type encryption for type " + id + " does not exist.");
    }

    @Authorize("volume_extension:volume_type_encryption:create")
    @PostMapping("/v3/types/{id}/encryption")
    public ResponseEntity<byte[]> createEncryption(HttpServletRequest http, @PathVariable String id) {
        return encryptionUnsupported(http, id);
    }

    @Authorize("volume_extension:volume_type_encryption:update")
    @PutMapping("/v3/types/{id}/encryption/{key}")
    public ResponseEntity<byte[]> updateEncryption(HttpServletRequest http, @PathVariable String id, @PathVariable String key) {
        return encryptionUnsupported(http, id);
    }

    @Authorize("volume_extension:volume_type_encryption:delete")
    @DeleteMapping("/v3/types/{id}/encryption/{key}")
    public ResponseEntity<byte[]> deleteEncryption(HttpServletRequest http, @PathVariable String id, @PathVariable String key) {
        visible(ApiRequest.of(http), id);
        throw ApiException.notFound("Volume type encryption for type " + id + " does not exist.");
    }

    private ResponseEntity<byte[]> encryptionUnsupported(HttpServletRequest http, String id) {
        types.findById(id).orElseThrow(() -> typeNotFound(id));
        throw ApiException.badRequest("Volume type encryption is not supported: this deployment has no key manager "
                + "for encrypted volumes.");
    }

    /** Cinder refuses spec changes of a type volumes use unless {@code allow_inuse_volume_type_modification}. */
    private void refuseIfInUse(VolumeType type) {
        if (types.isInUse(type.id())) {
            throw ApiException.badRequest("Volume Type is currently in use.");
        }
    }

    private static ApiException typeNotFound(String id) {
        return ApiException.notFound("Volume type " + id + " could not be found.");
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        object.properties().forEach(e -> out.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asString()));
        return out;
    }

    /** Cinder's {@code name} format: not empty once stripped. */
    private static Map<String, Schema> ordered(Object... pairs) {
        Map<String, Schema> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], (Schema) pairs[i + 1]);
        }
        return map;
    }
}
