package dev.ember.api.snapshot;

import dev.ember.api.http.ApiRequest;
import dev.ember.api.http.Links;
import dev.ember.common.db.Timestamps;
import dev.ember.common.json.Json;
import dev.ember.common.snapshot.Snapshot;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Snapshots as Cinder renders them ({@code cinder/api/views/snapshots.py}, {@code v3/views/snapshots.py} and
 * the {@code os-extended-snapshot-attributes} extension): the summary's nine keys everywhere; in the detail
 * view {@code group_snapshot_id} from 3.14, {@code user_id} from 3.41, {@code consumes_quota} from 3.65; and
 * on show and detail lists only, the project and progress attributes.
 */
final class SnapshotViews {

    private SnapshotViews() {
    }

    static ObjectNode summary(Snapshot s) {
        ObjectNode node = Json.object();
        node.put("id", s.id());
        node.put("created_at", Timestamps.format(s.createdAt()));
        node.put("updated_at", Timestamps.format(s.updatedAt()));
        node.put("name", s.displayName());
        node.put("description", s.displayDescription());
        node.put("volume_id", s.volumeId());
        node.put("status", s.status());
        node.put("size", s.volumeSize());
        ObjectNode metadata = node.putObject("metadata");
        s.metadata().forEach(metadata::put);
        return node;
    }

    /** @param withExtensions whether to add the extension attributes (show and detail lists) */
    static ObjectNode detail(ApiRequest request, Snapshot s, boolean withExtensions) {
        ObjectNode node = summary(s);
        if (request.version().atLeast(14)) {
            node.put("group_snapshot_id", s.groupSnapshotId());
        }
        if (request.version().atLeast(41)) {
            node.put("user_id", s.userId());
        }
        if (request.version().atLeast(65)) {
            node.put("consumes_quota", s.useQuota());
        }
        if (withExtensions && request.allowed("volume_extension:extended_snapshot_attributes")) {
            node.put("os-extended-snapshot-attributes:project_id", s.projectId());
            node.put("os-extended-snapshot-attributes:progress", s.progress());
        }
        return node;
    }

    static ObjectNode wrap(ObjectNode snapshot) {
        ObjectNode node = Json.object();
        node.set("snapshot", snapshot);
        return node;
    }

    /** {@code {"snapshots": [...], "snapshots_links": [next]?, "count": N?}}. */
    static ObjectNode list(ApiRequest request, List<Snapshot> snapshots, boolean detail, int limit, Integer count) {
        ObjectNode node = Json.object();
        ArrayNode items = node.putArray("snapshots");
        snapshots.forEach(s -> items.add(detail ? detail(request, s, true) : summary(s)));
        int itemCount = count != null && count > 0 ? count : snapshots.size();
        Links.nextIfFull(node, "snapshots_links", request, detail ? "snapshots/detail" : "snapshots", limit, itemCount,
                snapshots.isEmpty() ? null : snapshots.get(snapshots.size() - 1).id());
        if (count != null) {
            node.put("count", count);
        }
        return node;
    }
}
