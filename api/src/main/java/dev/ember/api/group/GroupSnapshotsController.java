package dev.ember.api.group;

import static dev.ember.api.http.JsonBodies.text;

import dev.ember.api.http.ApiException;
import dev.ember.api.http.ApiRequest;
import dev.ember.api.http.JsonBodies;
import dev.ember.api.http.Links;
import dev.ember.api.http.Pagination;
import dev.ember.api.http.Responses;
import dev.ember.api.http.Since;
import dev.ember.api.policy.ActionRules;
import dev.ember.api.policy.Authorize;
import dev.ember.api.validation.ParameterTypes;
import dev.ember.api.validation.Schema;
import dev.ember.common.config.CinderProperties;
import dev.ember.common.db.Timestamps;
import dev.ember.common.group.GroupRepository;
import dev.ember.common.group.GroupSnapshot;
import dev.ember.common.group.GroupStatus;
import dev.ember.common.json.Json;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /v3/group_snapshots} (3.14; Cinder's {@code v3/group_snapshots.py}): create, list, show, delete and
 * {@code reset_status} (3.19, admin). Lists page and filter from 3.29; {@code project_id} shows from 3.58 to admins.
 */
@RestController
public class GroupSnapshotsController {

    private static final int GROUP_SNAPSHOTS = 14;
    private static final int GROUP_SNAPSHOT_RESET_STATUS = 19;
    private static final int GROUP_SNAPSHOT_PAGINATION = 29;
    private static final int GROUP_GROUPSNAPSHOT_PROJECT_ID = 58;

    private static final Schema CREATE = Schema.of().type("object")
            .property("group_snapshot", Schema.of().type("object")
                    .property("group_id", ParameterTypes.uuid())
                    .property("name", ParameterTypes.nameAllowZeroMinLength())
                    .property("description", ParameterTypes.description())
                    .required("group_id").noAdditionalProperties())
            .required("group_snapshot").noAdditionalProperties();

    private final GroupApi groups;
    private final CinderProperties properties;

    public GroupSnapshotsController(GroupApi groups, CinderProperties properties) {
        this.groups = groups;
        this.properties = properties;
    }

    @Since(GROUP_SNAPSHOTS)
    @Authorize("group:create_group_snapshot")
    @PostMapping("/v3/group_snapshots")
    public ResponseEntity<byte[]> create(HttpServletRequest http, @RequestBody(required = false) byte[] body) {
        ApiRequest request = ApiRequest.of(http);
        JsonNode json = JsonBodies.require(http, body);
        CREATE.validate(json);
        JsonNode s = json.get("group_snapshot");
        GroupSnapshot created = groups.createSnapshot(request.context(), s.get("group_id").asString(), text(s, "name"),
                text(s, "description"));
        return Responses.accepted(wrap(summary(created, true)));
    }

    @Since(GROUP_SNAPSHOTS)
    @Authorize("group:get_all_group_snapshots")
    @GetMapping("/v3/group_snapshots")
    public ResponseEntity<byte[]> index(HttpServletRequest http) {
        return list(ApiRequest.of(http), false);
    }

    @Since(GROUP_SNAPSHOTS)
    @Authorize("group:get_all_group_snapshots")
    @GetMapping("/v3/group_snapshots/detail")
    public ResponseEntity<byte[]> detail(HttpServletRequest http) {
        return list(ApiRequest.of(http), true);
    }

    private ResponseEntity<byte[]> list(ApiRequest request, boolean detail) {
        int limit = properties.osapiMaxLimit();
        int offset = 0;
        Map<String, Object> filters = new LinkedHashMap<>();
        boolean allTenants = false;
        boolean matchesNothing = false;
        if (request.version().atLeast(GROUP_SNAPSHOT_PAGINATION)) {
            Map<String, String> params = Pagination.parse(request.query());
            limit = Pagination.limit(params, properties.osapiMaxLimit());
            offset = Pagination.offset(params);
            params.remove("marker");
            params.remove("sort");
            params.remove("sort_key");
            params.remove("sort_dir");
            allTenants = params.remove("all_tenants") != null && request.isAdmin();
            for (Map.Entry<String, String> p : params.entrySet()) {
                matchesNothing |= !GroupRepository.SNAPSHOT_COLUMNS.contains(p.getKey());
                filters.put(p.getKey(), p.getValue());
            }
        }
        List<GroupSnapshot> page = matchesNothing ? List.of()
                : groups.listSnapshots(allTenants ? null : request.projectId(), filters, limit, offset);
        ObjectNode root = Json.object();
        ArrayNode items = root.putArray("group_snapshots");
        for (GroupSnapshot s : page) {
            if (!groups.isCgsnapshotType(s.groupTypeId())) {
                items.add(detail ? detailView(request, s) : summary(s, false));
            }
        }
        Links.nextIfFull(root, "group_snapshot_links", request, detail ? "group_snapshots/detail" : "group_snapshots",
                limit, page.size(), page.isEmpty() ? null : page.get(page.size() - 1).id());
        return Responses.ok(root);
    }

    @Since(GROUP_SNAPSHOTS)
    @Authorize("group:get_group_snapshot")
    @GetMapping("/v3/group_snapshots/{id}")
    public ResponseEntity<byte[]> show(HttpServletRequest http, @PathVariable String id) {
        ApiRequest request = ApiRequest.of(http);
        GroupSnapshot s = groups.getSnapshot(request.context(), id);
        checkNotCgsnapshotType(s);
        return Responses.ok(wrap(detailView(request, s)));
    }

    @Since(GROUP_SNAPSHOTS)
    @Authorize("group:delete_group_snapshot")
    @DeleteMapping("/v3/group_snapshots/{id}")
    public ResponseEntity<byte[]> delete(HttpServletRequest http, @PathVariable String id) {
        ApiRequest request = ApiRequest.of(http);
        checkNotCgsnapshotType(groups.getSnapshot(request.context(), id));
        groups.deleteSnapshot(request.context(), id);
        return Responses.acceptedEmpty();
    }

    @Since(GROUP_SNAPSHOT_RESET_STATUS)
    @Authorize(byAction = true)
    @PostMapping("/v3/group_snapshots/{id}/action")
    public ResponseEntity<byte[]> action(HttpServletRequest http, @PathVariable String id,
            @RequestBody(required = false) byte[] body) {
        ApiRequest request = ApiRequest.of(http);
        JsonNode json = JsonBodies.require(http, body);
        if (!json.isObject() || json.size() != 1 || !json.has("reset_status")) {
            String action = json.isObject() && json.size() == 1 ? json.propertyNames().iterator().next() : null;
            throw ApiException.badRequest(action == null ? "Malformed request body" : "There is no such action: "
                    + action + ". Verify the request body and Content-Type header and try again.");
        }
        request.authorize(ActionRules.GROUP_SNAPSHOT.get("reset_status"));
        GroupsController.RESET_STATUS.validate(json);
        String given = json.get("reset_status").get("status").asString();
        String status = given.toLowerCase(Locale.ROOT);
        if (given.strip().isEmpty()) {
            throw ApiException.badRequest("Invalid GroupSnapshot Status: The 'status' can not be empty.");
        }
        if (!GroupStatus.GROUP_SNAPSHOT.contains(status)) {
            throw ApiException.badRequest("Invalid GroupSnapshot Status: Group snapshot status: " + given
                    + " is invalid, valid statuses are: " + dev.ember.api.validation.PythonRepr.tuple(GroupStatus.GROUP_SNAPSHOT) + ".");
        }
        groups.getSnapshot(request.context(), id);
        groups.resetSnapshotStatus(request.context(), id, status);
        return Responses.acceptedEmpty();
    }

    private void checkNotCgsnapshotType(GroupSnapshot s) {
        if (groups.isCgsnapshotType(s.groupTypeId())) {
            throw ApiException.badRequest("Group_type " + s.groupTypeId() + " is reserved for migrating CGs to groups. "
                    + "Migrated group snapshots can only be operated by CG snapshot APIs.");
        }
    }

    /** Cinder's summary: {@code id, name, group_type_id} (lists leave the type out). */
    private static ObjectNode summary(GroupSnapshot s, boolean withType) {
        ObjectNode node = Json.object();
        node.put("id", s.id());
        node.put("name", s.name());
        if (withType) {
            node.put("group_type_id", s.groupTypeId());
        }
        return node;
    }

    private static ObjectNode detailView(ApiRequest request, GroupSnapshot s) {
        ObjectNode node = Json.object();
        node.put("id", s.id());
        node.put("group_id", s.groupId());
        node.put("group_type_id", s.groupTypeId());
        node.put("status", s.status());
        node.put("created_at", Timestamps.format(s.createdAt()));
        node.put("name", s.name());
        node.put("description", s.description());
        if (request.version().atLeast(GROUP_GROUPSNAPSHOT_PROJECT_ID)
                && request.allowed("group:group_snapshot_project_attribute")) {
            node.put("project_id", s.projectId());
        }
        return node;
    }

    private static ObjectNode wrap(ObjectNode snapshot) {
        ObjectNode root = Json.object();
        root.set("group_snapshot", snapshot);
        return root;
    }

}
