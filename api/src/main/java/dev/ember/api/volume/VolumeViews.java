package dev.ember.api.volume;

import dev.ember.api.http.ApiRequest;
import dev.ember.api.http.Links;
import dev.ember.common.attachment.Attachment;
import dev.ember.common.db.Timestamps;
import dev.ember.common.json.Json;
import dev.ember.common.volume.Volume;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Volumes as Cinder renders them: every field that depends on the microversion or on the caller being
 * an admin is chosen here and nowhere else ({@code cinder/api/v2/views/volumes.py},
 * {@code cinder/api/v3/views/volumes.py} and the {@code os-vol-*} extensions).
 */
public final class VolumeViews {

    private static final Map<String, String> SHOWN_STATUS =
            Map.of("managing", "creating", "error_managing", "error", "error_managing_deleting", "deleting");

    private VolumeViews() {
    }

    /** {@code {"id", "name", "links"}}. */
    public static ObjectNode summary(ApiRequest request, Volume v) {
        ObjectNode node = Json.object();
        node.put("id", v.id());
        node.put("name", v.displayName());
        node.set("links", links(request, v.id()));
        return node;
    }

    /**
     * The detail view. {@code withExtensions} adds the admin {@code os-vol-*} attributes, which Cinder's
     * extensions put on show and detail-list answers only (not on create or update).
     */
    public static ObjectNode detail(ApiRequest request, Volume v, boolean withExtensions) {
        return detail(request, v, withExtensions, List.of());
    }

    /**
     * @param attachments the volume's attachments that are {@code attached} (Cinder lists only those), with
     *     {@code host_name} shown to admins only
     */
    public static ObjectNode detail(ApiRequest request, Volume v, boolean withExtensions, List<Attachment> attachments) {
        var version = request.version();
        boolean admin = request.isAdmin();
        ObjectNode node = Json.object();
        node.put("id", v.id());
        node.put("status", SHOWN_STATUS.getOrDefault(v.status(), v.status()));
        node.put("size", v.size());
        node.put("availability_zone", v.availabilityZone());
        node.put("created_at", Timestamps.format(v.createdAt()));
        node.put("updated_at", Timestamps.format(v.updatedAt()));
        node.put("name", v.displayName());
        node.put("description", v.displayDescription());
        node.put("volume_type", v.volumeTypeName() != null ? v.volumeTypeName() : v.volumeTypeId());
        node.put("snapshot_id", v.snapshotId());
        node.put("source_volid", v.sourceVolid());
        ObjectNode metadata = node.putObject("metadata");
        v.visibleMetadata().forEach(metadata::put);
        node.set("links", links(request, v.id()));
        node.put("user_id", v.userId());
        node.put("bootable", v.bootable() ? "true" : "false");
        node.put("encrypted", v.encryptionKeyId() != null);
        node.put("replication_status", v.replicationStatus());
        node.put("consistencygroup_id", v.consistencygroupId());
        node.put("multiattach", v.multiattach());
        ArrayNode attached = node.putArray("attachments");
        for (Attachment a : attachments) {
            ObjectNode item = attached.addObject();
            item.put("id", v.id());
            item.put("attachment_id", a.id());
            item.put("volume_id", v.id());
            item.put("server_id", a.instanceUuid());
            item.put("host_name", admin ? a.attachedHost() : null);
            item.put("device", a.mountpoint());
            item.put("attached_at", Timestamps.format(a.attachTime()));
        }
        if (admin) {
            node.put("migration_status", v.migrationStatus());
        }
        if (version.atLeast(13)) {
            node.put("group_id", v.groupId());
        }
        if (admin && version.atLeast(21)) {
            node.put("provider_id", v.providerId());
        }
        if (version.atLeast(48)) {
            Boolean shared = v.sharedTargets();
            if (shared == null && !version.atLeast(69)) {
                shared = true;
            }
            if (shared == null) {
                node.putNull("shared_targets");
            } else {
                node.put("shared_targets", shared);
            }
            node.put("service_uuid", v.serviceUuid());
        }
        if (admin && version.atLeast(61)) {
            node.put("cluster_name", v.clusterName());
        }
        if (version.atLeast(63)) {
            node.put("volume_type_id", v.volumeTypeId());
        }
        if (version.atLeast(64) && v.encryptionKeyId() != null) {
            node.put("encryption_key_id", v.encryptionKeyId());
        }
        if (version.atLeast(65)) {
            node.put("consumes_quota", v.useQuota());
        }
        if (withExtensions) {
            // Cinder's extension controllers check these with the caller's own project as the target.
            if (request.allowed("volume_extension:volume_tenant_attribute")) {
                node.put("os-vol-tenant-attr:tenant_id", v.projectId());
            }
            if (request.allowed("volume_extension:volume_mig_status_attribute")) {
                node.put("os-vol-mig-status-attr:migstat", v.migrationStatus());
                node.putNull("os-vol-mig-status-attr:name_id");
            }
            if (request.allowed("volume_extension:volume_host_attribute")) {
                node.put("os-vol-host-attr:host", v.host());
            }
        }
        return node;
    }

    public static ObjectNode wrap(ObjectNode volume) {
        ObjectNode node = Json.object();
        node.set("volume", volume);
        return node;
    }

    /**
     * {@code {"volumes": [...], "volumes_links": [next]?, "count": N?}}: the next link only when the page
     * is full, as Cinder's {@code _get_collection_links}.
     */
    public static ObjectNode list(ApiRequest request, List<Volume> volumes, boolean detail, int limit, Integer count,
            String query, Map<String, List<Attachment>> attachments) {
        ObjectNode node = Json.object();
        ArrayNode items = node.putArray("volumes");
        for (Volume v : volumes) {
            items.add(detail ? detail(request, v, true, attachments.getOrDefault(v.id(), List.of())) : summary(request, v));
        }
        int itemCount = count != null && count > 0 ? count : volumes.size();
        Links.nextIfFull(node, "volumes_links", request.withQuery(query), detail ? "volumes/detail" : "volumes", limit,
                itemCount, volumes.isEmpty() ? null : volumes.get(volumes.size() - 1).id());
        if (count != null) {
            node.put("count", count);
        }
        return node;
    }

    static ArrayNode links(ApiRequest request, String id) {
        return Links.item(request, "volumes", id);
    }
}
