package dev.ember.api.group;

import static dev.ember.api.http.JsonBodies.text;

import dev.ember.api.http.ApiException;
import dev.ember.api.http.ApiRequest;
import dev.ember.api.http.JsonBodies;
import dev.ember.api.http.Pagination;
import dev.ember.api.http.Params;
import dev.ember.api.http.Responses;
import dev.ember.api.http.Since;
import dev.ember.api.policy.Authorize;
import dev.ember.api.validation.ParameterTypes;
import dev.ember.api.validation.Schema;
import dev.ember.common.config.CinderProperties;
import dev.ember.common.db.Timestamps;
import dev.ember.common.db.Tx;
import dev.ember.common.group.GroupType;
import dev.ember.common.group.GroupTypeRepository;
import dev.ember.common.json.Json;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.core.env.Environment;
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
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /v3/group_types} and their {@code group_specs} (3.11; Cinder's {@code v3/group_types.py} and
 * {@code v3/group_specs.py}). Managing types and their specs is for admins; anyone lists and shows types, seeing
 * their specs only as admin. {@code GET /v3/group_types/default} answers the type named by
 * {@code cinder.default-group-type} (Cinder's {@code default_group_type}), 404 when none is configured.
 */
@RestController
public class GroupTypesController {

    private static final int GROUP_TYPE = 11;
    private static final String SPEC_KEY = "^[a-zA-Z0-9-_:.]{1,255}$";
    /** The configuration key of the default group type. */
    public static final String DEFAULT_GROUP_TYPE = "cinder.default-group-type";

    private static final Schema SPECS = Schema.of().type("object")
            .patternProperty(SPEC_KEY, Schema.of().type("string", "null").maxLength(255)).noAdditionalProperties();

    private static final Schema CREATE = Schema.of().type("object")
            .property("group_type", Schema.of().type("object")
                    .property("name", ParameterTypes.name())
                    .property("description", ParameterTypes.description())
                    .property("is_public", ParameterTypes.bool())
                    .property("group_specs", ParameterTypes.metadataAllowsNull())
                    .required("name").noAdditionalProperties())
            .required("group_type").noAdditionalProperties();

    private static final Schema UPDATE = Schema.of().type("object")
            .property("group_type", Schema.of().type("object")
                    .property("name", ParameterTypes.nameAllowZeroMinLength())
                    .property("description", ParameterTypes.description())
                    .property("is_public", ParameterTypes.bool())
                    .noAdditionalProperties())
            .required("group_type").noAdditionalProperties();

    private static final Schema SPECS_CREATE = Schema.of().type("object")
            .property("group_specs", SPECS).required("group_specs").noAdditionalProperties();

    private static final Schema SPECS_UPDATE = Schema.of().type("object")
            .patternProperty(SPEC_KEY, Schema.of().type("string", "null").maxLength(255)).noAdditionalProperties()
            .minProperties(1).maxProperties(1);

    private final GroupTypeRepository types;
    private final Tx tx;
    private final Environment environment;
    private final CinderProperties properties;

    public GroupTypesController(GroupTypeRepository types, Tx tx, Environment environment, CinderProperties properties) {
        this.types = types;
        this.tx = tx;
        this.environment = environment;
        this.properties = properties;
    }

    @Since(GROUP_TYPE)
    @Authorize("group:group_types:create")
    @PostMapping("/v3/group_types")
    public ResponseEntity<byte[]> create(HttpServletRequest http, @RequestBody(required = false) byte[] body) {
        ApiRequest request = ApiRequest.of(http);
        JsonNode json = JsonBodies.require(http, body);
        CREATE.validate(json);
        JsonNode t = json.get("group_type");
        String name = t.get("name").asString();
        boolean isPublic = !t.has("is_public") || Params.bool("is_public", t.get("is_public").asString());
        Map<String, String> specs = new LinkedHashMap<>();
        JsonNode given = t.get("group_specs");
        if (given != null && given.isObject()) {
            given.properties().forEach(e -> specs.put(e.getKey(), e.getValue().asString()));
        }
        GroupType type = new GroupType(UUID.randomUUID().toString(), name, text(t, "description"), isPublic, specs,
                Timestamps.now());
        try {
            tx.run(() -> types.insert(type));
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("Group Type " + name + " already exists.");
        }
        return Responses.accepted(wrap(view(request, type)));
    }

    @Since(GROUP_TYPE)
    @Authorize(noRule = "Cinder has no rule for listing group types; private ones are admin-only in the handler")
    @GetMapping("/v3/group_types")
    public ResponseEntity<byte[]> index(HttpServletRequest http) {
        ApiRequest request = ApiRequest.of(http);
        Map<String, String> params = Pagination.parse(request.query());
        int limit = Pagination.limit(params, properties.osapiMaxLimit());
        int offset = Pagination.offset(params);
        Boolean isPublic = Boolean.TRUE;
        if (request.isAdmin()) {
            isPublic = parseIsPublic(params.get("is_public"));
        }
        List<GroupType> all = types.list(isPublic);
        ObjectNode root = Json.object();
        ArrayNode list = root.putArray("group_types");
        all.stream().skip(offset).limit(limit).forEach(t -> list.add(view(request, t)));
        return Responses.ok(root);
    }

    /** Cinder's {@code _parse_is_public}: absent means public only, {@code None} means all. */
    private static Boolean parseIsPublic(String value) {
        if (value == null) {
            return Boolean.TRUE;
        }
        if (value.equalsIgnoreCase("none")) {
            return null;
        }
        try {
            return Params.bool("is_public", value);
        } catch (ApiException e) {
            throw ApiException.invalidInput("Invalid is_public filter [" + value + "]");
        }
    }

    @Since(GROUP_TYPE)
    @Authorize(noRule = "Cinder has no rule for showing a group type; private ones are admin-only in the handler")
    @GetMapping("/v3/group_types/{id}")
    public ResponseEntity<byte[]> show(HttpServletRequest http, @PathVariable String id) {
        ApiRequest request = ApiRequest.of(http);
        GroupType type;
        if ("default".equals(id)) {
            String name = environment.getProperty(DEFAULT_GROUP_TYPE);
            type = name == null || name.isBlank() ? null : types.findByName(name).orElse(null);
            if (type == null) {
                throw ApiException.notFound("Default group type can not be found.");
            }
        } else {
            type = find(id);
        }
        return Responses.ok(wrap(view(request, type)));
    }

    @Since(GROUP_TYPE)
    @Authorize("group:group_types:update")
    @PutMapping("/v3/group_types/{id}")
    public ResponseEntity<byte[]> update(HttpServletRequest http, @PathVariable String id,
            @RequestBody(required = false) byte[] body) {
        ApiRequest request = ApiRequest.of(http);
        JsonNode json = JsonBodies.require(http, body);
        UPDATE.validate(json);
        JsonNode t = json.get("group_type");
        String name = text(t, "name");
        String description = text(t, "description");
        Boolean isPublic = t.has("is_public") && !t.get("is_public").isNull()
                ? Params.bool("is_public", t.get("is_public").asString()) : null;
        if (name != null && !name.isEmpty() && name.strip().isEmpty()) {
            throw ApiException.badRequest("Group type name can not be empty.");
        }
        if (name == null && description == null && isPublic == null) {
            throw ApiException.badRequest("Specify group type name, description or a combination thereof.");
        }
        find(id);
        try {
            tx.run(() -> types.update(id, name == null || name.isEmpty() ? null : name, description, isPublic));
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("Group Type " + name + " already exists.");
        }
        return Responses.ok(wrap(view(request, find(id))));
    }

    @Since(GROUP_TYPE)
    @Authorize("group:group_types:delete")
    @DeleteMapping("/v3/group_types/{id}")
    public ResponseEntity<byte[]> delete(HttpServletRequest http, @PathVariable String id) {
        find(id);
        if (!tx.call(() -> types.deleteUnlessInUse(id))) {
            throw ApiException.badRequest("Target group type is still in use.");
        }
        return Responses.acceptedEmpty();
    }

    // ----- group specs ---------------------------------------------------------------------------

    @Since(GROUP_TYPE)
    @Authorize("group:group_types_specs:get_all")
    @GetMapping("/v3/group_types/{id}/group_specs")
    public ResponseEntity<byte[]> specsIndex(HttpServletRequest http, @PathVariable String id) {
        ObjectNode root = Json.object();
        ObjectNode specs = root.putObject("group_specs");
        find(id).specs().forEach(specs::put);
        return Responses.ok(root);
    }

    @Since(GROUP_TYPE)
    @Authorize("group:group_types_specs:create")
    @PostMapping("/v3/group_types/{id}/group_specs")
    public ResponseEntity<byte[]> specsCreate(HttpServletRequest http, @PathVariable String id,
            @RequestBody(required = false) byte[] body) {
        JsonNode json = JsonBodies.require(http, body);
        SPECS_CREATE.validate(json);
        find(id);
        Map<String, String> specs = new LinkedHashMap<>();
        json.get("group_specs").properties().forEach(e -> specs.put(e.getKey(), e.getValue().isNull() ? null
                : e.getValue().asString()));
        tx.run(() -> types.specs().merge(id, specs));
        return Responses.accepted(json);
    }

    @Since(GROUP_TYPE)
    @Authorize("group:group_types_specs:get")
    @GetMapping("/v3/group_types/{id}/group_specs/{key}")
    public ResponseEntity<byte[]> specsShow(HttpServletRequest http, @PathVariable String id, @PathVariable String key) {
        Map<String, String> specs = find(id).specs();
        if (!specs.containsKey(key)) {
            throw ApiException.notFound("Group Type " + id + " has no extra spec with key " + key + ".");
        }
        ObjectNode root = Json.object();
        root.put(key, specs.get(key));
        return Responses.ok(root);
    }

    @Since(GROUP_TYPE)
    @Authorize("group:group_types_specs:update")
    @PutMapping("/v3/group_types/{id}/group_specs/{key}")
    public ResponseEntity<byte[]> specsUpdate(HttpServletRequest http, @PathVariable String id, @PathVariable String key,
            @RequestBody(required = false) byte[] body) {
        JsonNode json = JsonBodies.require(http, body);
        SPECS_UPDATE.validate(json);
        find(id);
        if (!json.has(key)) {
            throw ApiException.badRequest("Request body and URI mismatch");
        }
        JsonNode value = json.get(key);
        Map<String, String> one = new LinkedHashMap<>();
        one.put(key, value.isNull() ? null : value.asString());
        tx.run(() -> types.specs().merge(id, one));
        return Responses.ok(json);
    }

    @Since(GROUP_TYPE)
    @Authorize("group:group_types_specs:delete")
    @DeleteMapping("/v3/group_types/{id}/group_specs/{key}")
    public ResponseEntity<byte[]> specsDelete(HttpServletRequest http, @PathVariable String id, @PathVariable String key) {
        find(id);
        if (!types.specs().delete(id, key)) {
            throw ApiException.notFound("Group Type " + id + " has no specs with key " + key + ".");
        }
        return Responses.acceptedEmpty();
    }

    // ----- views ---------------------------------------------------------------------------------

    private GroupType find(String id) {
        return types.find(id).orElseThrow(() -> ApiException.notFound("Group type " + id + " could not be found."));
    }

    /** Cinder's group type view: {@code id, name, description, is_public}, and {@code group_specs} for admins. */
    private static ObjectNode view(ApiRequest request, GroupType t) {
        ObjectNode node = Json.object();
        node.put("id", t.id());
        node.put("name", t.name());
        node.put("description", t.description());
        node.put("is_public", t.isPublic());
        if (request.allowed("group:access_group_types_specs")) {
            ObjectNode specs = node.putObject("group_specs");
            t.specs().forEach(specs::put);
        }
        return node;
    }

    private static ObjectNode wrap(ObjectNode type) {
        ObjectNode root = Json.object();
        root.set("group_type", type);
        return root;
    }

}
