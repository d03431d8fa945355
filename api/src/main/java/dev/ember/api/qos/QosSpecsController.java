package dev.ember.api.qos;

import dev.ember.api.http.ApiException;
import dev.ember.api.http.ApiRequest;
import dev.ember.api.http.JsonBodies;
import dev.ember.api.http.Links;
import dev.ember.api.http.Pagination;
import dev.ember.api.http.Params;
import dev.ember.api.http.Responses;
import dev.ember.api.policy.Authorize;
import dev.ember.api.validation.Schema;
import dev.ember.common.config.CinderProperties;
import dev.ember.common.db.Timestamps;
import dev.ember.common.json.Json;
import dev.ember.common.qos.QosRepository;
import dev.ember.common.qos.QosSpecs;
import dev.ember.common.type.VolumeTypeCache;
import dev.ember.common.type.VolumeTypeRepository;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

/**
 * {@code /v3/qos-specs} (Cinder's {@code contrib/qos_specs_manage.py}, admin only): create, list, show, set and
 * delete keys, delete, and the association with volume types ({@code associate}/{@code disassociate} are GETs, as
 * in Cinder).
 */
@RestController
public class QosSpecsController {

    private static final Schema CREATE = Schema.of().type("object")
            .property("qos_specs", Schema.of().type("object")
                    .property("name", dev.ember.api.validation.ParameterTypes.nameSkipLeadingTrailingSpaces())
                    .required("name"))
            .required("qos_specs").noAdditionalProperties();

    private static final Schema SET = Schema.of().type("object")
            .property("qos_specs", Schema.of().type("object")
                    .patternProperty("^[a-zA-Z0-9-_:. /]{1,255}$", Schema.of().type("string", "null").maxLength(255))
                    .noAdditionalProperties())
            .required("qos_specs").noAdditionalProperties();

    private static final Schema UNSET = Schema.of().type("object")
            .property("keys", Schema.of().type("array").items(Schema.of().type("string").minLength(1).maxLength(255))
                    .uniqueItems())
            .required("keys").noAdditionalProperties();

    private final QosRepository qos;
    private final VolumeTypeRepository types;
    private final VolumeTypeCache typeCache;
    private final CinderProperties properties;

    public QosSpecsController(QosRepository qos, VolumeTypeRepository types, VolumeTypeCache typeCache,
            CinderProperties properties) {
        this.qos = qos;
        this.types = types;
        this.typeCache = typeCache;
        this.properties = properties;
    }

    @Authorize("volume_extension:qos_specs_manage:get_all")
    @GetMapping("/v3/qos-specs")
    public ResponseEntity<byte[]> list(HttpServletRequest http) {
        ApiRequest request = ApiRequest.of(http);
        Map<String, String> params = Pagination.parse(request.query());
        String marker = params.remove("marker");
        int limit = Pagination.limit(params, properties.osapiMaxLimit());
        int offset = Pagination.offset(params);
        List<Pagination.Sort> sorts = Pagination.sort(params);
        String sortKey = sorts.isEmpty() ? "created_at" : sorts.get(0).key();
        boolean descending = sorts.isEmpty() || sorts.get(0).direction().equals("desc");
        if (!QosRepository.COLUMNS.contains(sortKey)) {
            throw ApiException.invalidInput("Invalid sort key");
        }
        Map<String, String> filters = new LinkedHashMap<>();
        for (String key : Set.of("id", "name", "consumer")) {
            if (params.containsKey(key)) {
                filters.put(key, params.get(key));
            }
        }
        List<QosSpecs> page;
        try {
            page = qos.list(filters, sortKey, descending, marker, limit, offset);
        } catch (QosRepository.MarkerNotFoundException e) {
            throw ApiException.notFound(e.getMessage());
        }
        ObjectNode root = Json.object();
        var items = root.putArray("qos_specs");
        page.forEach(q -> items.add(view(q)));
        Links.nextIfFull(root, "qos_specs_links", request, "qos-specs", limit, page.size(),
                page.isEmpty() ? null : page.get(page.size() - 1).id());
        return Responses.ok(root);
    }

    @Authorize("volume_extension:qos_specs_manage:create")
    @PostMapping("/v3/qos-specs")
    public ResponseEntity<byte[]> create(HttpServletRequest http, @RequestBody(required = false) byte[] body) {
        ApiRequest request = ApiRequest.of(http);
        JsonNode json = JsonBodies.require(http, body);
        CREATE.validate(json);
        Map<String, String> specs = specs(json.get("qos_specs"), true);
        String name = specs.remove("name").strip();
        String consumer = specs.remove("consumer");
        QosSpecs created = new QosSpecs(UUID.randomUUID().toString(), name, consumer(consumer), specs, Timestamps.now(),
                null);
        try {
            qos.insert(created);
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("QoS Specs " + name + " already exists.");
        }
        return Responses.ok(detail(request, created));
    }

    @Authorize("volume_extension:qos_specs_manage:get")
    @GetMapping("/v3/qos-specs/{id}")
    public ResponseEntity<byte[]> show(HttpServletRequest http, @PathVariable String id) {
        ApiRequest request = ApiRequest.of(http);
        return Responses.ok(detail(request, find(id)));
    }

    /** Sets keys (and {@code consumer}); answers with the body it was given, as Cinder. */
    @Authorize("volume_extension:qos_specs_manage:update")
    @PutMapping("/v3/qos-specs/{id}")
    public ResponseEntity<byte[]> update(HttpServletRequest http, @PathVariable String id,
            @RequestBody(required = false) byte[] body) {
        JsonNode json = JsonBodies.require(http, body);
        SET.validate(json);
        find(id);
        Map<String, String> specs = specs(json.get("qos_specs"), false);
        String consumer = specs.containsKey("consumer") ? consumer(specs.remove("consumer")) : null;
        qos.update(id, consumer, specs, Timestamps.now());
        typeCache.invalidate();
        return Responses.ok(json);
    }

    @Authorize("volume_extension:qos_specs_manage:delete")
    @DeleteMapping("/v3/qos-specs/{id}")
    public ResponseEntity<byte[]> delete(HttpServletRequest http, @PathVariable String id) {
        ApiRequest request = ApiRequest.of(http);
        boolean force = Params.bool("force", Pagination.parse(request.query()).get("force"));
        find(id);
        if (!qos.delete(id, force)) {
            throw ApiException.badRequest("Qos specs still in use.");
        }
        typeCache.invalidate();
        return Responses.acceptedEmpty();
    }

    /** Deletes keys in the order given, stopping at the first missing one (which is then a 404), as Cinder. */
    @Authorize("volume_extension:qos_specs_manage:delete")
    @PutMapping("/v3/qos-specs/{id}/delete_keys")
    public ResponseEntity<byte[]> deleteKeys(HttpServletRequest http, @PathVariable String id,
            @RequestBody(required = false) byte[] body) {
        JsonNode json = JsonBodies.require(http, body);
        UNSET.validate(json);
        find(id);
        for (JsonNode key : json.get("keys")) {
            if (!qos.deleteKey(id, key.asString())) {
                throw ApiException.notFound("QoS spec " + id + " has no spec with key " + key.asString() + ".");
            }
        }
        typeCache.invalidate();
        return Responses.acceptedEmpty();
    }

    @Authorize("volume_extension:qos_specs_manage:get_all")
    @GetMapping("/v3/qos-specs/{id}/associations")
    public ResponseEntity<byte[]> associations(HttpServletRequest http, @PathVariable String id) {
        find(id);
        ObjectNode root = Json.object();
        var items = root.putArray("qos_associations");
        qos.associations(id).forEach((typeId, name) -> {
            ObjectNode item = items.addObject();
            item.put("association_type", "volume_type");
            item.put("name", name);
            item.put("id", typeId);
        });
        return Responses.ok(root);
    }

    @Authorize("volume_extension:qos_specs_manage:update")
    @GetMapping("/v3/qos-specs/{id}/associate")
    public ResponseEntity<byte[]> associate(HttpServletRequest http, @PathVariable String id) {
        ApiRequest request = ApiRequest.of(http);
        String typeId = typeParam(request);
        find(id);
        var type = types.findById(typeId)
                .orElseThrow(() -> ApiException.notFound("Volume type " + typeId + " could not be found."));
        if (type.qosSpecsId() != null && !type.qosSpecsId().equals(id)) {
            throw ApiException.badRequest("Invalid volume type: Type " + typeId + " is already associated with another "
                    + "qos specs: " + type.qosSpecsId());
        }
        qos.associate(id, typeId);
        typeCache.invalidate();
        return Responses.acceptedEmpty();
    }

    @Authorize("volume_extension:qos_specs_manage:update")
    @GetMapping("/v3/qos-specs/{id}/disassociate")
    public ResponseEntity<byte[]> disassociate(HttpServletRequest http, @PathVariable String id) {
        ApiRequest request = ApiRequest.of(http);
        String typeId = typeParam(request);
        find(id);
        types.findById(typeId).orElseThrow(() -> ApiException.notFound("Volume type " + typeId + " could not be found."));
        qos.disassociate(id, typeId);
        typeCache.invalidate();
        return Responses.acceptedEmpty();
    }

    @Authorize("volume_extension:qos_specs_manage:update")
    @GetMapping("/v3/qos-specs/{id}/disassociate_all")
    public ResponseEntity<byte[]> disassociateAll(HttpServletRequest http, @PathVariable String id) {
        find(id);
        qos.disassociateAll(id);
        typeCache.invalidate();
        return Responses.acceptedEmpty();
    }

    private QosSpecs find(String id) {
        return qos.find(id).orElseThrow(() -> ApiException.notFound("No such QoS spec " + id + "."));
    }

    private static String typeParam(ApiRequest request) {
        String typeId = Pagination.parse(request.query()).get("vol_type_id");
        if (typeId == null || typeId.isEmpty()) {
            throw ApiException.badRequest("Volume Type id must not be None.");
        }
        return typeId;
    }

    /** Cinder's QoS consumer field: {@code back-end} by default, else one of {@link QosSpecs#CONSUMERS}. */
    private static String consumer(String value) {
        if (value == null || value.isEmpty()) {
            return QosSpecs.BACK_END;
        }
        if (!QosSpecs.CONSUMERS.contains(value)) {
            throw ApiException.badRequest("Invalid qos specs: Valid consumer of QoS specs are: "
                    + QosSpecs.CONSUMERS.stream().map(c -> "'" + c + "'").toList());
        }
        return value;
    }

    /**
     * The keys of a body, checked as Cinder's {@code validate_dictionary_string_length}: keys of 1 to 255 and
     * values of at most 255 characters, all strings.
     */
    private static Map<String, String> specs(JsonNode node, boolean allowName) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String key = e.getKey();
            JsonNode value = e.getValue();
            if (value.isNull()) {
                continue;
            }
            if (!value.isString()) {
                throw ApiException.invalidInput("Value for key \"" + key + "\" is not a string or unicode");
            }
            String text = value.asString();
            if (!(allowName && key.equals("name")) && text.codePointCount(0, text.length()) > 255) {
                throw ApiException.invalidInput("Value for key \"" + key + "\" has " + text.codePointCount(0, text.length())
                        + " characters, more than 255.");
            }
            if (key.codePointCount(0, key.length()) > 255) {
                throw ApiException.invalidInput("Key \"" + key + "\" has " + key.codePointCount(0, key.length())
                        + " characters, more than 255.");
            }
            out.put(key, text);
        }
        return out;
    }

    private static ObjectNode view(QosSpecs q) {
        ObjectNode node = Json.object();
        node.put("id", q.id());
        node.put("name", q.name());
        node.put("consumer", q.consumer());
        ObjectNode specs = node.putObject("specs");
        q.specs().forEach(specs::put);
        return node;
    }

    private static ObjectNode detail(ApiRequest request, QosSpecs q) {
        ObjectNode root = Json.object();
        root.set("qos_specs", view(q));
        root.set("links", Links.item(request, "qos-specs", q.id()));
        return root;
    }
}
