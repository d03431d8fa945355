package dev.ember.api.volume;

import static dev.ember.api.http.JsonBodies.text;

import dev.ember.api.http.ApiException;
import dev.ember.api.http.ApiRequest;
import dev.ember.api.http.IdempotencyKey;
import dev.ember.api.http.JsonBodies;
import dev.ember.api.http.ListFilters;
import dev.ember.api.http.ListRequest;
import dev.ember.api.http.Pagination;
import dev.ember.api.http.Params;
import dev.ember.api.http.ResourceFilters;
import dev.ember.api.http.Responses;
import dev.ember.api.http.Since;
import dev.ember.api.policy.Authorize;
import dev.ember.common.attachment.Attachment;
import dev.ember.common.config.CinderProperties;
import dev.ember.common.volume.Volume;
import dev.ember.common.volume.VolumeRepository;
import jakarta.servlet.http.HttpServletRequest;
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

/** {@code /v3/volumes}: create, list (summary and detail), show, update, delete. */
@RestController
public class VolumesController {

    private final VolumeApi volumes;
    private final CinderProperties properties;

    public VolumesController(VolumeApi volumes, CinderProperties properties) {
        this.volumes = volumes;
        this.properties = properties;
    }

    @Authorize("volume:create")
    @PostMapping("/v3/volumes")
    public ResponseEntity<byte[]> create(HttpServletRequest http, @RequestBody(required = false) byte[] body) {
        ApiRequest request = ApiRequest.of(http);
        JsonNode json = JsonBodies.require(http, body);
        VolumeSchemas.create(request.version()).validate(json);
        JsonNode v = json.get("volume");
        if (v.has("multiattach") && !v.get("multiattach").isNull()
                && Params.bool("multiattach", v.get("multiattach").asString())) {
            throw ApiException.badRequest("multiattach parameter has been removed. The default behavior is to use "
                    + "multiattach enabled volume types. Contact your administrator to create a multiattach enabled "
                    + "volume type and use it to create multiattach volumes.");
        }
        String name = Params.strip(text(v, "name") != null ? text(v, "name") : text(v, "display_name"));
        String description = Params.strip(text(v, "description") != null ? text(v, "description")
                : text(v, "display_description"));
        String imageRef = text(v, "imageRef") != null ? text(v, "imageRef") : text(v, "image_id");
        VolumeApi.CreateRequest create = new VolumeApi.CreateRequest(name, description, text(v, "volume_type"),
                metadata(v.get("metadata")), size(v.get("size")), text(v, "availability_zone"), text(v, "snapshot_id"),
                text(v, "source_volid"), text(v, "consistencygroup_id"), text(v, "group_id"), text(v, "backup_id"),
                imageRef, IdempotencyKey.of(http, body));
        Volume volume = volumes.create(request.context(), create);
        return Responses.accepted(VolumeViews.wrap(VolumeViews.detail(request, volume, false)));
    }

    @Authorize("volume:get_all")
    @GetMapping("/v3/volumes")
    public ResponseEntity<byte[]> list(HttpServletRequest http) {
        return list(ApiRequest.of(http), false);
    }

    @Authorize("volume:get_all")
    @GetMapping("/v3/volumes/detail")
    public ResponseEntity<byte[]> detail(HttpServletRequest http) {
        return list(ApiRequest.of(http), true);
    }

    /** {@code GET /v3/volumes/summary} (3.12; metadata from 3.36): the caller's volumes, or all for an admin asking. */
    @Since(12)
    @Authorize("volume:get_all")
    @GetMapping("/v3/volumes/summary")
    public ResponseEntity<byte[]> summary(HttpServletRequest http) {
        ApiRequest request = ApiRequest.of(http);
        ListRequest list = ListRequest.read(withoutUnversioned(request), properties.osapiMaxLimit(), VOLUMES);
        VolumeRepository.Summary summary = list.query() == null ? new VolumeRepository.Summary(0, 0, Map.of())
                : volumes.summary(list.query());
        tools.jackson.databind.node.ObjectNode root = dev.ember.common.json.Json.object();
        tools.jackson.databind.node.ObjectNode inner = root.putObject("volume-summary");
        inner.put("total_count", summary.count());
        inner.put("total_size", summary.totalSize());
        if (request.version().atLeast(36)) {
            tools.jackson.databind.node.ObjectNode metadata = inner.putObject("metadata");
            summary.metadata().forEach((key, values) -> values.forEach(metadata.putArray(key)::add));
        }
        return Responses.ok(root);
    }

    @Authorize("volume:get")
    @GetMapping("/v3/volumes/{id}")
    public ResponseEntity<byte[]> show(HttpServletRequest http, @PathVariable String id) {
        ApiRequest request = ApiRequest.of(http);
        Volume volume = volumes.get(request.context(), id);
        return Responses.ok(VolumeViews.wrap(VolumeViews.detail(request, volume, true,
                volumes.attachedOf(List.of(id)).getOrDefault(id, List.of()))));
    }

    @Authorize("volume:update")
    @PutMapping("/v3/volumes/{id}")
    public ResponseEntity<byte[]> update(HttpServletRequest http, @PathVariable String id,
            @RequestBody(required = false) byte[] body) {
        ApiRequest request = ApiRequest.of(http);
        JsonNode json = JsonBodies.require(http, body);
        VolumeSchemas.update(request.version()).validate(json);
        JsonNode v = json.get("volume");
        Map<String, String> changes = new LinkedHashMap<>();
        if (v.has("name") || v.has("display_name")) {
            changes.put("display_name", Params.strip(v.has("name") ? text(v, "name") : text(v, "display_name")));
        }
        if (v.has("description") || v.has("display_description")) {
            changes.put("display_description",
                    Params.strip(v.has("description") ? text(v, "description") : text(v, "display_description")));
        }
        Map<String, String> metadata = v.has("metadata") ? metadata(v.get("metadata")) : null;
        Volume volume = volumes.update(request.context(), id, changes, metadata);
        return Responses.ok(VolumeViews.wrap(VolumeViews.detail(request, volume, false,
                volumes.attachedOf(List.of(id)).getOrDefault(id, List.of()))));
    }

    @Authorize("volume:delete")
    @DeleteMapping("/v3/volumes/{id}")
    public ResponseEntity<byte[]> delete(HttpServletRequest http, @PathVariable String id) {
        ApiRequest request = ApiRequest.of(http);
        Map<String, String> params = Pagination.parse(request.query());
        boolean cascade = Params.bool("cascade", params.get("cascade"));
        // 3.23: an admin may force the delete of a volume in any status.
        boolean force = request.version().atLeast(23) && Params.bool("force", params.get("force"));
        if (force) {
            request.authorize("volume:force_delete");
        }
        volumes.delete(request.context(), id, cascade, force);
        return Responses.acceptedEmpty();
    }

    /** What volume lists accept ({@code resource_filters.json} "volume"; group_id from 3.10, consumes_quota 3.65). */
    private static final ListFilters.Resource VOLUMES = new ListFilters.Resource(
            ResourceFilters.of("volume"),
            VolumeRepository.COLUMNS,
            Set.of("bootable", "multiattach", "deleted", "use_quota", "shared_targets"),
            Map.of("name", "display_name", "name~", "display_name~", "description~", "display_description~",
                    "consumes_quota", "use_quota"));

    private ResponseEntity<byte[]> list(ApiRequest request, boolean detail) {
        ListRequest list = ListRequest.read(withoutUnversioned(request), properties.osapiMaxLimit(), VOLUMES);
        List<Volume> page = list.query() == null ? List.of() : volumes.list(list.query());
        Integer count = !list.withCount() ? null : list.query() == null ? 0 : volumes.count(list.query());
        int limit = list.limit();
        Map<String, List<Attachment>> attachments = detail
                ? volumes.attachedOf(page.stream().map(Volume::id).toList()) : Map.of();
        return Responses.ok(VolumeViews.list(request, page, detail, limit, count, request.query(), attachments));
    }

    /** The request without filters its microversion does not know yet (group_id before 3.10, consumes_quota before 3.65). */
    private static ApiRequest withoutUnversioned(ApiRequest request) {
        if (request.query() == null || request.version().atLeast(65)) {
            return request;
        }
        Map<String, String> params = Pagination.parse(request.query());
        boolean changed = params.remove("consumes_quota") != null;
        if (!request.version().atLeast(10)) {
            changed |= params.remove("group_id") != null;
        }
        return changed ? request.withQuery(Pagination.encode(params)) : request;
    }

    private static Integer size(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        return value.isIntegralNumber() ? value.intValue() : Integer.valueOf(value.asString().strip());
    }

    private static Map<String, String> metadata(JsonNode value) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (value != null && value.isObject()) {
            value.properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asString()));
        }
        return metadata;
    }
}
