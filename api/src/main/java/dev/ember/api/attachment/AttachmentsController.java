package dev.ember.api.attachment;

import static dev.ember.api.http.JsonBodies.text;

import dev.ember.api.http.ApiException;
import dev.ember.api.http.ApiRequest;
import dev.ember.api.http.JsonBodies;
import dev.ember.api.http.Pagination;
import dev.ember.api.http.ResourceFilters;
import dev.ember.api.http.Responses;
import dev.ember.api.http.Since;
import dev.ember.api.policy.ActionRules;
import dev.ember.api.policy.Authorize;
import dev.ember.common.attachment.Attachment;
import dev.ember.common.attachment.AttachmentQuery;
import dev.ember.common.config.CinderProperties;
import dev.ember.common.db.Keyset;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

/** {@code /v3/attachments} (microversion 3.27; {@code os-complete} 3.44; {@code mode} 3.54). */
@RestController
public class AttachmentsController {

    /** Filters a non-admin may use ({@code resource_filters.json}); {@code instance_id} names {@code instance_uuid}. */
    private static final Set<String> USER_FILTERS = ResourceFilters.of("attachment");
    private static final int NEW_ATTACH = 27;
    private static final int NEW_ATTACH_COMPLETION = 44;

    private final AttachmentApi attachments;
    private final CinderProperties properties;

    public AttachmentsController(AttachmentApi attachments, CinderProperties properties) {
        this.attachments = attachments;
        this.properties = properties;
    }

    @Since(NEW_ATTACH)
    @Authorize("volume:attachment_create")
    @PostMapping("/v3/attachments")
    public ResponseEntity<byte[]> create(HttpServletRequest http, @RequestBody(required = false) byte[] body) {
        ApiRequest request = ApiRequest.of(http);
        JsonNode json = JsonBodies.require(http, body);
        AttachmentSchemas.create(request.version()).validate(json);
        JsonNode a = json.get("attachment");
        String mode = a.has("mode") ? a.get("mode").asString() : "null";
        AttachmentApi.Shown shown = attachments.create(request.context(), a.get("volume_uuid").asString(),
                text(a, "instance_uuid"), a.get("connector"), mode);
        return Responses.ok(AttachmentViews.wrap(AttachmentViews.detail(shown.attachment(), shown.connectionInfo())));
    }

    @Since(NEW_ATTACH)
    @Authorize(noRule = "Cinder has no rule for listing attachments; the list is the caller's project")
    @GetMapping("/v3/attachments")
    public ResponseEntity<byte[]> index(HttpServletRequest http) {
        return list(ApiRequest.of(http), false);
    }

    @Since(NEW_ATTACH)
    @Authorize(noRule = "Cinder has no rule for listing attachments; the list is the caller's project")
    @GetMapping("/v3/attachments/detail")
    public ResponseEntity<byte[]> detail(HttpServletRequest http) {
        return list(ApiRequest.of(http), true);
    }

    @Since(NEW_ATTACH)
    @Authorize(noRule = "Cinder has no rule for showing an attachment; the lookup is the caller's project")
    @GetMapping("/v3/attachments/{id}")
    public ResponseEntity<byte[]> show(HttpServletRequest http, @PathVariable String id) {
        ApiRequest request = ApiRequest.of(http);
        return Responses.ok(AttachmentViews.wrap(AttachmentViews.detail(attachments.get(request.context(), id))));
    }

    @Since(NEW_ATTACH)
    @Authorize("volume:attachment_update")
    @PutMapping("/v3/attachments/{id}")
    public ResponseEntity<byte[]> update(HttpServletRequest http, @PathVariable String id,
            @RequestBody(required = false) byte[] body) {
        ApiRequest request = ApiRequest.of(http);
        JsonNode json = JsonBodies.require(http, body);
        AttachmentSchemas.UPDATE.validate(json);
        AttachmentApi.Shown shown = attachments.update(request.context(), id, json.get("attachment").get("connector"));
        return Responses.ok(AttachmentViews.wrap(AttachmentViews.detail(shown.attachment(), shown.connectionInfo())));
    }

    @Since(NEW_ATTACH)
    @Authorize("volume:attachment_delete")
    @DeleteMapping("/v3/attachments/{id}")
    public ResponseEntity<byte[]> delete(HttpServletRequest http, @PathVariable String id) {
        ApiRequest request = ApiRequest.of(http);
        return Responses.ok(AttachmentViews.list(attachments.delete(request.context(), id), false));
    }

    @Since(NEW_ATTACH)
    @Authorize(byAction = true)
    @PostMapping("/v3/attachments/{id}/action")
    public ResponseEntity<byte[]> action(HttpServletRequest http, @PathVariable String id,
            @RequestBody(required = false) byte[] body) {
        ApiRequest request = ApiRequest.of(http);
        JsonNode json = JsonBodies.require(http, body);
        String action = JsonBodies.actionName(json);
        if (!action.equals("os-complete")) {
            throw ApiException.badRequest("There is no such action: " + action
                    + ". Verify the request body and Content-Type header and try again.");
        }
        request.requireVersion(NEW_ATTACH_COMPLETION);
        request.authorizeAction(ActionRules.ATTACHMENT, action);
        attachments.complete(request.context(), id);
        return Responses.emptyJson(204);
    }

    private ResponseEntity<byte[]> list(ApiRequest request, boolean detail) {
        Map<String, String> params = Pagination.parse(request.query());
        String marker = params.remove("marker");
        int limit = Pagination.limit(params, properties.osapiMaxLimit());
        int offset = Pagination.offset(params);
        List<Keyset.Key> sort = new ArrayList<>();
        for (Pagination.Sort s : Pagination.sort(params)) {
            if (!AttachmentQuery.COLUMNS.contains(s.key())) {
                throw ApiException.invalidInput("Invalid sort key");
            }
            sort.add(new Keyset.Key(s.key(), s.direction().equals("desc")));
        }
        String projectId = request.projectId();
        String allTenants = params.remove("all_tenants");
        if (allTenants != null && request.isAdmin()) {
            projectId = null;
        }
        Map<String, String> equals = new LinkedHashMap<>();
        List<String> invalid = new ArrayList<>();
        for (Map.Entry<String, String> filter : params.entrySet()) {
            String key = filter.getKey();
            if (!request.isAdmin() && !USER_FILTERS.contains(key)) {
                invalid.add(key);
                continue;
            }
            // Cinder matches "status" against a column attachments do not have; it means the attach status.
            String column = switch (key) {
                case "instance_id" -> "instance_uuid";
                case "status" -> "attach_status";
                default -> key;
            };
            if (AttachmentQuery.COLUMNS.contains(column)) {
                equals.put(column, filter.getValue());
            } else {
                return Responses.ok(AttachmentViews.list(List.of(), detail));
            }
        }
        if (!invalid.isEmpty() && request.version().atLeast(31)) {
            throw ApiException.badRequest("Invalid filters " + String.join(",", invalid) + " are found in query options.");
        }
        List<Attachment> page = attachments.list(new AttachmentQuery(projectId, equals, sort, marker, limit, offset));
        return Responses.ok(AttachmentViews.list(page, detail));
    }

}
