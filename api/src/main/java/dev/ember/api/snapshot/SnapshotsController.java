package dev.ember.api.snapshot;

import static dev.ember.api.http.JsonBodies.text;

import dev.ember.api.http.ApiException;
import dev.ember.api.http.ApiRequest;
import dev.ember.api.http.JsonBodies;
import dev.ember.api.http.ListFilters;
import dev.ember.api.http.ListRequest;
import dev.ember.api.http.MetadataBodies;
import dev.ember.api.http.Params;
import dev.ember.api.http.ResourceFilters;
import dev.ember.api.http.Responses;
import dev.ember.api.policy.ActionRules;
import dev.ember.api.policy.Authorize;
import dev.ember.common.config.CinderProperties;
import dev.ember.common.snapshot.Snapshot;
import dev.ember.common.snapshot.SnapshotRepository;
import dev.ember.common.snapshot.SnapshotStatus;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
 * {@code /v3/snapshots}: create, list (summary and detail), show, update, delete, metadata, and the actions
 * {@code os-reset_status}, {@code os-force_delete}, {@code os-update_snapshot_status}.
 */
@RestController
public class SnapshotsController {

    /** Cinder's {@code SNAPSHOT_IN_USE}: from 3.66 snapshots of in-use volumes need no force. */
    private static final int SNAPSHOT_IN_USE = 66;
    private static final Set<String> ALL_STATUSES = Set.of(SnapshotStatus.ERROR, SnapshotStatus.AVAILABLE,
            SnapshotStatus.CREATING, SnapshotStatus.DELETING, SnapshotStatus.DELETED, SnapshotStatus.UPDATING,
            SnapshotStatus.ERROR_DELETING, SnapshotStatus.UNMANAGING, SnapshotStatus.BACKING_UP, SnapshotStatus.RESTORING);

    /** What snapshot lists accept ({@code resource_filters.json} "snapshot"). */
    private static final ListFilters.Resource SNAPSHOTS = new ListFilters.Resource(
            ResourceFilters.of("snapshot"),
            SnapshotRepository.COLUMNS,
            Set.of("use_quota", "deleted"),
            Map.of("name", "display_name", "name~", "display_name~", "description~", "display_description~",
                    "consumes_quota", "use_quota"));

    private final SnapshotApi snapshots;
    private final CinderProperties properties;

    public SnapshotsController(SnapshotApi snapshots, CinderProperties properties) {
        this.snapshots = snapshots;
        this.properties = properties;
    }

    @Authorize("volume:create_snapshot")
    @PostMapping("/v3/snapshots")
    public ResponseEntity<byte[]> create(HttpServletRequest http, @RequestBody(required = false) byte[] body) {
        ApiRequest request = ApiRequest.of(http);
        JsonNode json = JsonBodies.require(http, body);
        SnapshotSchemas.CREATE.validate(json);
        JsonNode s = json.get("snapshot");
        JsonNode forceNode = s.get("force");
        Boolean force = forceNode == null || forceNode.isNull() ? null : Params.bool("force", forceNode.asString());
        String volumeId = text(s, "volume_id");
        snapshots.volumeVisible(request.context(), volumeId);
        boolean allowInUse;
        if (request.version().atLeast(SNAPSHOT_IN_USE)) {
            if (force != null && !force) {
                throw ApiException.badRequest("Since microversion 3.66 the 'force' flag is invalid for this request.  "
                        + "For backward compatability, however, when the 'force' flag is passed with a value evaluating "
                        + "to True, it is silently ignored.");
            }
            allowInUse = true;
        } else {
            allowInUse = Boolean.TRUE.equals(force);
        }
        String name = strip(s.has("name") ? text(s, "name") : text(s, "display_name"));
        Snapshot snapshot = snapshots.create(request.context(), volumeId, name, strip(text(s, "description")),
                metadata(s.get("metadata")), allowInUse);
        return Responses.accepted(SnapshotViews.wrap(SnapshotViews.detail(request, snapshot, false)));
    }

    @Authorize("volume:get_all_snapshots")
    @GetMapping("/v3/snapshots")
    public ResponseEntity<byte[]> index(HttpServletRequest http) {
        return list(ApiRequest.of(http), false);
    }

    @Authorize("volume:get_all_snapshots")
    @GetMapping("/v3/snapshots/detail")
    public ResponseEntity<byte[]> detail(HttpServletRequest http) {
        return list(ApiRequest.of(http), true);
    }

    private ResponseEntity<byte[]> list(ApiRequest request, boolean detail) {
        ListRequest list = ListRequest.read(request, properties.osapiMaxLimit(), SNAPSHOTS);
        List<Snapshot> page = list.query() == null ? List.of() : snapshots.list(list.query());
        Integer count = !list.withCount() ? null : list.query() == null ? 0 : snapshots.count(list.query());
        return Responses.ok(SnapshotViews.list(request, page, detail, list.limit(), count));
    }

    @Authorize("volume:get_snapshot")
    @GetMapping("/v3/snapshots/{id}")
    public ResponseEntity<byte[]> show(HttpServletRequest http, @PathVariable String id) {
        ApiRequest request = ApiRequest.of(http);
        return Responses.ok(SnapshotViews.wrap(SnapshotViews.detail(request, snapshots.get(request.context(), id), true)));
    }

    @Authorize("volume:update_snapshot")
    @PutMapping("/v3/snapshots/{id}")
    public ResponseEntity<byte[]> update(HttpServletRequest http, @PathVariable String id,
            @RequestBody(required = false) byte[] body) {
        ApiRequest request = ApiRequest.of(http);
        JsonNode json = JsonBodies.require(http, body);
        SnapshotSchemas.UPDATE.validate(json);
        JsonNode s = json.get("snapshot");
        Map<String, String> changes = new LinkedHashMap<>();
        if (s.has("name") || s.has("display_name")) {
            changes.put("display_name", strip(s.has("name") ? text(s, "name") : text(s, "display_name")));
        }
        if (s.has("description") || s.has("display_description")) {
            changes.put("display_description",
                    strip(s.has("description") ? text(s, "description") : text(s, "display_description")));
        }
        Snapshot snapshot = snapshots.update(request.context(), id, changes);
        return Responses.ok(SnapshotViews.wrap(SnapshotViews.detail(request, snapshot, false)));
    }

    @Authorize("volume:delete_snapshot")
    @DeleteMapping("/v3/snapshots/{id}")
    public ResponseEntity<byte[]> delete(HttpServletRequest http, @PathVariable String id) {
        snapshots.delete(ApiRequest.of(http).context(), id, false);
        return Responses.acceptedEmpty();
    }

    @Authorize(byAction = true)
    @PostMapping("/v3/snapshots/{id}/action")
    public ResponseEntity<byte[]> action(HttpServletRequest http, @PathVariable String id,
            @RequestBody(required = false) byte[] body) {
        ApiRequest request = ApiRequest.of(http);
        JsonNode json = JsonBodies.require(http, body);
        String action = JsonBodies.actionName(json);
        JsonNode value = json.get(action);
        request.authorizeAction(ActionRules.SNAPSHOT, action);
        switch (action) {
            case "os-reset_status" -> {
                JsonNode status = value == null ? null : value.get("status");
                if (status == null || !status.isString() || value.size() != 1) {
                    throw ApiException.badRequest("Invalid input for field/attribute os-reset_status. Value: "
                            + value + ". 'status' is a required property");
                }
                String wanted = status.asString().toLowerCase(Locale.ROOT);
                if (!ALL_STATUSES.contains(wanted)) {
                    throw ApiException.badRequest("Snapshot status: " + status.asString() + " is invalid, valid statuses "
                            + "are: ('error', 'available', 'creating', 'deleting', 'deleted', 'updating', 'error_deleting', "
                            + "'unmanaging', 'backing-up', 'restoring').");
                }
                snapshots.get(request.context(), id);
                snapshots.resetStatus(request.context(), id, wanted);
                return Responses.emptyJson(202);
            }
            case "os-force_delete" -> {
                snapshots.get(request.context(), id);
                snapshots.delete(request.context(), id, true);
                return Responses.emptyJson(202);
            }
            case "os-update_snapshot_status" -> {
                JsonNode status = value == null ? null : value.get("status");
                if (status == null || !status.isString()) {
                    throw ApiException.badRequest("Invalid input for field/attribute os-update_snapshot_status. Value: "
                            + value + ". 'status' is a required property");
                }
                String progress = value.has("progress") ? value.get("progress").asString() : null;
                if (progress != null && !progress.matches("(100|[1-9]?[0-9])%")) {
                    throw ApiException.invalidInput("progress must be an integer percentage between 0 and 100");
                }
                snapshots.updateStatus(request.context(), id, status.asString(), progress);
                return Responses.acceptedEmpty();
            }
            default -> throw ApiException.badRequest("There is no such action: " + action
                    + ". Verify the request body and Content-Type header and try again.");
        }
    }

    // ----- metadata ------------------------------------------------------------------------------

    @Authorize("volume:get_snapshot_metadata")
    @GetMapping("/v3/snapshots/{id}/metadata")
    public ResponseEntity<byte[]> metadataIndex(HttpServletRequest http, @PathVariable String id) {
        return Responses.ok(MetadataBodies.body("metadata", snapshots.metadata(ApiRequest.of(http).context(), id)));
    }

    @Authorize("volume:update_snapshot_metadata")
    @PostMapping("/v3/snapshots/{id}/metadata")
    public ResponseEntity<byte[]> metadataCreate(HttpServletRequest http, @PathVariable String id,
            @RequestBody(required = false) byte[] body) {
        Map<String, String> metadata = MetadataBodies.checked(JsonBodies.read(http, body), "metadata");
        return Responses.ok(MetadataBodies.body("metadata",
                snapshots.updateMetadata(ApiRequest.of(http).context(), id, metadata, false)));
    }

    @Authorize("volume:update_snapshot_metadata")
    @PutMapping("/v3/snapshots/{id}/metadata")
    public ResponseEntity<byte[]> metadataReplace(HttpServletRequest http, @PathVariable String id,
            @RequestBody(required = false) byte[] body) {
        Map<String, String> metadata = MetadataBodies.checked(JsonBodies.read(http, body), "metadata");
        return Responses.ok(MetadataBodies.body("metadata",
                snapshots.updateMetadata(ApiRequest.of(http).context(), id, metadata, true)));
    }

    @Authorize("volume:get_snapshot_metadata")
    @GetMapping("/v3/snapshots/{id}/metadata/{key}")
    public ResponseEntity<byte[]> metadataShow(HttpServletRequest http, @PathVariable String id, @PathVariable String key) {
        Map<String, String> metadata = snapshots.metadata(ApiRequest.of(http).context(), id);
        if (!metadata.containsKey(key)) {
            throw SnapshotApi.metadataNotFound(id, key);
        }
        return Responses.ok(MetadataBodies.body("meta", Map.of(key, metadata.get(key))));
    }

    @Authorize("volume:update_snapshot_metadata")
    @PutMapping("/v3/snapshots/{id}/metadata/{key}")
    public ResponseEntity<byte[]> metadataUpdateKey(HttpServletRequest http, @PathVariable String id,
            @PathVariable String key, @RequestBody(required = false) byte[] body) {
        Map<String, String> item = MetadataBodies.checkedItem(JsonBodies.read(http, body), key);
        snapshots.updateMetadata(ApiRequest.of(http).context(), id, item, false);
        return Responses.ok(MetadataBodies.body("meta", item));
    }

    @Authorize("volume:delete_snapshot_metadata")
    @DeleteMapping("/v3/snapshots/{id}/metadata/{key}")
    public ResponseEntity<byte[]> metadataDelete(HttpServletRequest http, @PathVariable String id, @PathVariable String key) {
        snapshots.deleteMetadata(ApiRequest.of(http).context(), id, key);
        return Responses.okEmptyHtml();
    }

    private static Map<String, String> metadata(JsonNode value) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (value != null && value.isObject()) {
            value.properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asString()));
        }
        return metadata;
    }

    private static String strip(String value) {
        return Params.strip(value);
    }

}
