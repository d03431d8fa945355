package dev.ember.api.type;

import dev.ember.api.http.ApiRequest;
import dev.ember.common.json.Json;
import dev.ember.common.type.VolumeType;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Volume types as Cinder renders them: the v3 view for show and list ({@code cinder/api/v3/views/types.py}
 * plus the {@code os-volume-type-access:is_public} extension), and the older view that create and update
 * answer with ({@code cinder/api/views/types.py}).
 */
final class TypeViews {

    /** Extra specs a non-admin may see ({@code cinder/policies/type_extra_specs.py}). */
    private static final Set<String> USER_VISIBLE = Set.of("RESKEY:availability_zones", "multiattach", "replication_enabled");

    private TypeViews() {
    }

    static ObjectNode show(ApiRequest request, VolumeType type, boolean accessAttribute) {
        ObjectNode node = Json.object();
        node.put("id", type.id());
        node.put("name", type.name());
        node.put("is_public", type.isPublic());
        node.put("description", type.description());
        if (request.allowed("volume_extension:access_types_extra_specs")) {
            boolean sensitive = request.allowed("volume_extension:types_extra_specs:read_sensitive");
            ObjectNode specs = node.putObject("extra_specs");
            type.extraSpecs().forEach((k, v) -> {
                if (sensitive || USER_VISIBLE.contains(k)) {
                    specs.put(k, v);
                }
            });
        }
        if (request.allowed("volume_extension:access_types_qos_specs_id")) {
            node.put("qos_specs_id", type.qosSpecsId());
        }
        if (accessAttribute) {
            node.put("os-volume-type-access:is_public", type.isPublic());
        }
        return node;
    }

    /** The create/update answer: {@code id, name, is_public, extra_specs, description}. */
    static ObjectNode manage(VolumeType type, boolean accessAttribute) {
        ObjectNode node = Json.object();
        node.put("id", type.id());
        node.put("name", type.name());
        node.put("is_public", type.isPublic());
        ObjectNode specs = node.putObject("extra_specs");
        type.extraSpecs().forEach(specs::put);
        node.put("description", type.description());
        if (accessAttribute) {
            node.put("os-volume-type-access:is_public", type.isPublic());
        }
        return node;
    }

    static ObjectNode wrap(ObjectNode type) {
        ObjectNode node = Json.object();
        node.set("volume_type", type);
        return node;
    }

    static ObjectNode list(ApiRequest request, List<VolumeType> types) {
        ObjectNode node = Json.object();
        ArrayNode items = node.putArray("volume_types");
        types.forEach(t -> items.add(show(request, t, true)));
        return node;
    }
}
