package dev.ember.api.group;

import static dev.ember.api.http.JsonBodies.text;

import dev.ember.api.http.ApiException;
import dev.ember.api.http.ApiRequest;
import dev.ember.api.http.JsonBodies;
import dev.ember.api.http.Links;
import dev.ember.api.http.Pagination;
import dev.ember.api.http.Params;
import dev.ember.api.http.Responses;
import dev.ember.api.http.Since;
import dev.ember.api.policy.ActionRules;
import dev.ember.api.policy.Authorize;
import dev.ember.api.validation.ParameterTypes;
import dev.ember.api.validation.Schema;
import dev.ember.common.config.CinderProperties;
import dev.ember.common.db.Timestamps;
import dev.ember.common.group.Group;
import dev.ember.common.group.GroupRepository;
import dev.ember.common.group.GroupStatus;
import dev.ember.common.json.Json;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.ResponseEntity;
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
 * {@code /v3/groups} (3.13; Cinder's {@code v3/groups.py}): create, list (summary and detail), show, update (name,
 * description, add and remove volumes), and the actions {@code delete} (3.13), {@code reset_status} (3.20, admin),
 * {@code create-from-src} (3.14, on {@code /v3/groups/action}). Replication actions (3.38) answer as Cinder does for
 * a group whose type is not a replication type. The view's fields follow the microversion: 3.14
 * {@code group_snapshot_id, source_group_id}, 3.25 {@code volumes} with {@code list_volume=true}, 3.38
 * {@code replication_status}, 3.58 {@code project_id} (admins).
 */
@RestController
public class GroupsController {

    private static final int GROUP_VOLUME = 13;
    private static final int GROUP_SNAPSHOTS = 14;
    private static final int GROUP_VOLUME_RESET_STATUS = 20;
    private static final int GROUP_VOLUME_LIST = 25;
    private static final int GROUP_REPLICATION = 38;
    private static final int GROUP_GROUPSNAPSHOT_PROJECT_ID = 58;

    private static final Schema CREATE = Schema.of().type("object")
            .property("group", Schema.of().type("object")
                    .property("description", ParameterTypes.description())
                    .property("group_type", Schema.of().type("string"))
                    .property("name", ParameterTypes.nameAllowZeroMinLength())
                    .property("volume_types", Schema.of().type("array").items(Schema.of().type("string").maxLength(255))
                            .uniqueItems())
                    .property("availability_zone", Schema.of().type("string", "null"))
                    .required("group_type", "volume_types").noAdditionalProperties())
            .required("group").noAdditionalProperties();

    private static final Schema CREATE_FROM_SOURCE = Schema.of().type("object")
            .property("create-from-src", Schema.of().type("object")
                    .property("description", ParameterTypes.description())
                    .property("name", ParameterTypes.nameAllowZeroMinLength())
                    .property("source_group_id", ParameterTypes.uuid())
                    .property("group_snapshot_id", ParameterTypes.uuid())
                    .noAdditionalProperties())
            .required("create-from-src").noAdditionalProperties();

    private static final Schema UPDATE = Schema.of().type("object")
            .property("group", Schema.of().type("object")
                    .property("description", ParameterTypes.description())
                    .property("name", ParameterTypes.nameAllowZeroMinLength())
                    .property("add_volumes", ParameterTypes.description())
                    .property("remove_volumes", ParameterTypes.description())
                    .requireAnyOf("name", "description", "add_volumes", "remove_volumes")
                    .noAdditionalProperties())
            .required("group").noAdditionalProperties();

    private static final Schema DELETE = Schema.of().type("object")
            .property("delete", Schema.of().type("object")
                    .property("delete-volumes", ParameterTypes.bool()).noAdditionalProperties())
            .required("delete").noAdditionalProperties();

    /** {@code {"reset_status": {"status": ...}}}, the same for groups and group snapshots. */
    static final Schema RESET_STATUS = Schema.of().type("object")
            .property("reset_status", Schema.of().type("object")
                    .property("status", Schema.of().type("string")).required("status").noAdditionalProperties())
            .required("reset_status").noAdditionalProperties();

    private final GroupApi groups;
    private final CinderProperties properties;

    public GroupsController(GroupApi groups, CinderProperties properties) {
        this.groups = groups;
        this.properties = properties;
    }

    @Since(GROUP_VOLUME)
    @Authorize("group:create")
    @PostMapping("/v3/groups")
    public ResponseEntity<byte[]> create(HttpServletRequest http, @RequestBody(required = false) byte[] body) {
        ApiRequest request = ApiRequest.of(http);
        JsonNode json = JsonBodies.require(http, body);
        CREATE.validate(json);
        JsonNode g = json.get("group");
        if (g.get("volume_types").isEmpty()) {
            throw ApiException.badRequest("Invalid input for field/attribute volume_types. Value: []. [] is too short");
        }
        var type = groups.groupType(g.get("group_type").asString());
        groups.checkNotCgsnapshotType(type.id());
        List<String> volumeTypes = new ArrayList<>();
        g.get("volume_types").forEach(t -> volumeTypes.add(t.asString()));
        Group group = groups.create(request.context(), stripped(g, "name"), stripped(g, "description"), type,
                volumeTypes, text(g, "availability_zone"));
        return Responses.accepted(wrap(summary(group)));
    }

    @Since(GROUP_VOLUME)
    @Authorize("group:get_all")
    @GetMapping("/v3/groups")
    public ResponseEntity<byte[]> index(HttpServletRequest http) {
        return list(ApiRequest.of(http), false);
    }

    @Since(GROUP_VOLUME)
    @Authorize("group:get_all")
    @GetMapping("/v3/groups/detail")
    public ResponseEntity<byte[]> detail(HttpServletRequest http) {
        return list(ApiRequest.of(http), true);
    }

    /**
     * Cinder's {@code _get_groups}: the caller's project's groups (everyone's for an admin with
     * {@code all_tenants}), newest first, filtered by group columns; groups of the migrated consistency-group type
     * are left out.
     */
    private ResponseEntity<byte[]> list(ApiRequest request, boolean detail) {
        Map<String, String> params = Pagination.parse(request.query());
        int limit = Pagination.limit(params, properties.osapiMaxLimit());
        int offset = Pagination.offset(params);
        params.remove("marker");
        params.remove("sort");
        params.remove("sort_key");
        params.remove("sort_dir");
        boolean listVolumes = params.containsKey("list_volume") && Params.bool("list_volume", params.remove("list_volume"));
        boolean allTenants = params.remove("all_tenants") != null && request.isAdmin();
        Map<String, Object> filters = new LinkedHashMap<>();
        boolean matchesNothing = false;
        for (Map.Entry<String, String> p : params.entrySet()) {
            if (!GroupRepository.COLUMNS.contains(p.getKey())) {
                matchesNothing = true;
            }
            filters.put(p.getKey(), p.getValue());
        }
        List<Group> page = matchesNothing ? List.of()
                : groups.list(allTenants ? null : request.projectId(), filters, limit, offset);
        ObjectNode root = Json.object();
        ArrayNode items = root.putArray("groups");
        for (Group g : page) {
            if (groups.isCgsnapshotType(g.groupTypeId())) {
                continue;
            }
            items.add(detail ? detailView(request, g, listVolumes) : summary(g));
        }
        Links.nextIfFull(root, "group_links", request, detail ? "groups/detail" : "groups", limit, page.size(),
                page.isEmpty() ? null : page.get(page.size() - 1).id());
        return Responses.ok(root);
    }

    @Since(GROUP_VOLUME)
    @Authorize("group:get")
    @GetMapping("/v3/groups/{id}")
    public ResponseEntity<byte[]> show(HttpServletRequest http, @PathVariable String id) {
        ApiRequest request = ApiRequest.of(http);
        Group group = groups.get(request.context(), id);
        groups.checkNotCgsnapshotType(group.groupTypeId());
        Map<String, String> params = Pagination.parse(request.query());
        boolean listVolumes = params.containsKey("list_volume") && Params.bool("list_volume", params.get("list_volume"));
        return Responses.ok(wrap(detailView(request, group, listVolumes)));
    }

    @Since(GROUP_VOLUME)
    @Authorize("group:update")
    @PutMapping("/v3/groups/{id}")
    public ResponseEntity<byte[]> update(HttpServletRequest http, @PathVariable String id,
            @RequestBody(required = false) byte[] body) {
        ApiRequest request = ApiRequest.of(http);
        JsonNode json = JsonBodies.require(http, body);
        UPDATE.validate(json);
        JsonNode g = json.get("group");
        groups.update(request.context(), id, stripped(g, "name"), stripped(g, "description"), text(g, "add_volumes"),
                text(g, "remove_volumes"));
        return Responses.acceptedEmpty();
    }

    @Since(GROUP_SNAPSHOTS)
    @Authorize("group:create")
    @PostMapping("/v3/groups/action")
    public ResponseEntity<byte[]> createFromSource(HttpServletRequest http, @RequestBody(required = false) byte[] body) {
        ApiRequest request = ApiRequest.of(http);
        JsonNode json = JsonBodies.require(http, body);
        CREATE_FROM_SOURCE.validate(json);
        JsonNode g = json.get("create-from-src");
        boolean snapshot = g.has("group_snapshot_id");
        boolean source = g.has("source_group_id");
        if (snapshot == source) {
            throw ApiException.badRequest("Invalid input for field/attribute create-from-src. Value: " + g
                    + ". " + g + " is valid under each of {'required': ['source_group_id']}, "
                    + "{'required': ['group_snapshot_id']}");
        }
        Group group = groups.createFromSource(request.context(), stripped(g, "name"), stripped(g, "description"),
                text(g, "group_snapshot_id"), text(g, "source_group_id"));
        return Responses.accepted(wrap(summary(group)));
    }

    @Since(GROUP_VOLUME)
    @Authorize(byAction = true)
    @PostMapping("/v3/groups/{id}/action")
    public ResponseEntity<byte[]> action(HttpServletRequest http, @PathVariable String id,
            @RequestBody(required = false) byte[] body) {
        ApiRequest request = ApiRequest.of(http);
        JsonNode json = JsonBodies.require(http, body);
        String action = JsonBodies.actionName(json);
        request.authorizeAction(ActionRules.GROUP, action);
        switch (action) {
            case "delete" -> {
                DELETE.validate(json);
                JsonNode flag = json.get("delete").get("delete-volumes");
                groups.delete(request.context(), id, flag != null && Params.bool("delete-volumes", flag.asString()));
                return Responses.acceptedEmpty();
            }
            case "reset_status" -> {
                request.requireVersion(GROUP_VOLUME_RESET_STATUS);
                RESET_STATUS.validate(json);
                String given = json.get("reset_status").get("status").asString();
                String status = given.toLowerCase(Locale.ROOT);
                if (given.strip().isEmpty()) {
                    throw ApiException.badRequest("Invalid Group Status: The 'status' can not be empty.");
                }
                // Cinder's group_status format checks against the group *snapshot* statuses (so 'in-use' is
                // refused) while naming the group statuses in its message; kept as Cinder has it.
                if (!GroupStatus.GROUP_SNAPSHOT.contains(status)) {
                    throw ApiException.badRequest("Invalid Group Status: Group status: " + given + " is invalid, "
                            + "valid status are: " + dev.ember.api.validation.PythonRepr.tuple(GroupStatus.GROUP) + ".");
                }
                groups.get(request.context(), id);
                groups.resetStatus(request.context(), id, status);
                return Responses.acceptedEmpty();
            }
            case "enable_replication", "disable_replication", "failover_replication", "list_replication_targets" -> {
                request.requireVersion(GROUP_REPLICATION);
                groups.get(request.context(), id);
                throw ApiException.badRequest("Invalid group type: Group " + id + " is not a replication group type.");
            }
            default -> throw ApiException.badRequest("There is no such action: " + action
                    + ". Verify the request body and Content-Type header and try again.");
        }
    }

    // ----- views ---------------------------------------------------------------------------------

    private static ObjectNode summary(Group g) {
        ObjectNode node = Json.object();
        node.put("id", g.id());
        node.put("name", g.name());
        return node;
    }

    private ObjectNode detailView(ApiRequest request, Group g, boolean listVolumes) {
        ObjectNode node = Json.object();
        node.put("id", g.id());
        node.put("status", g.status());
        node.put("availability_zone", g.availabilityZone());
        node.put("created_at", Timestamps.format(g.createdAt()));
        node.put("name", g.name());
        node.put("description", g.description());
        node.put("group_type", g.groupTypeId());
        ArrayNode types = node.putArray("volume_types");
        g.volumeTypeIds().forEach(types::add);
        if (request.version().atLeast(GROUP_SNAPSHOTS)) {
            node.put("group_snapshot_id", g.groupSnapshotId());
            node.put("source_group_id", g.sourceGroupId());
        }
        if (request.version().atLeast(GROUP_VOLUME_LIST) && listVolumes) {
            ArrayNode volumes = node.putArray("volumes");
            groups.volumeIds(g.id()).forEach(volumes::add);
        }
        if (request.version().atLeast(GROUP_REPLICATION)) {
            node.put("replication_status", g.replicationStatus());
        }
        if (request.version().atLeast(GROUP_GROUPSNAPSHOT_PROJECT_ID) && request.allowed("group:group_project_attribute")) {
            node.put("project_id", g.projectId());
        }
        return node;
    }

    private static ObjectNode wrap(ObjectNode group) {
        ObjectNode root = Json.object();
        root.set("group", group);
        return root;
    }

    private static String stripped(JsonNode node, String field) {
        String value = text(node, field);
        return value == null || value.isEmpty() ? value : value.strip();
    }
}
