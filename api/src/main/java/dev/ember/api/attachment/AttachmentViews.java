package dev.ember.api.attachment;

import dev.ember.common.attachment.Attachment;
import dev.ember.common.db.Timestamps;
import dev.ember.common.json.Json;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Attachments as Cinder renders them ({@code cinder/api/v3/views/attachments.py}): unset times are empty
 * strings, {@code attach_mode} may be the string {@code "null"}, {@code connection_info} is the flattened
 * dictionary ({@code {}} while only reserved, null for legacy attachments). Lists have no links.
 */
final class AttachmentViews {

    private AttachmentViews() {
    }

    static ObjectNode summary(Attachment a) {
        ObjectNode node = Json.object();
        node.put("id", a.id());
        node.put("status", a.attachStatus());
        node.put("instance", a.instanceUuid());
        node.put("volume_id", a.volumeId());
        return node;
    }

    /** @param connectionInfo the connection info to show (the row's, or a fresher one), as JSON text or null */
    static ObjectNode detail(Attachment a, String connectionInfo) {
        ObjectNode node = summary(a);
        node.put("attached_at", a.attachTime() == null ? "" : Timestamps.format(a.attachTime()));
        node.put("detached_at", a.detachTime() == null ? "" : Timestamps.format(a.detachTime()));
        node.put("attach_mode", a.attachMode());
        if (connectionInfo == null || connectionInfo.isBlank()) {
            node.putNull("connection_info");
        } else {
            node.set("connection_info", Json.parse(connectionInfo));
        }
        return node;
    }

    static ObjectNode detail(Attachment a) {
        return detail(a, a.connectionInfo());
    }

    static ObjectNode wrap(ObjectNode attachment) {
        ObjectNode node = Json.object();
        node.set("attachment", attachment);
        return node;
    }

    static ObjectNode list(List<Attachment> attachments, boolean detail) {
        ObjectNode node = Json.object();
        ArrayNode items = node.putArray("attachments");
        attachments.forEach(a -> items.add(detail ? detail(a) : summary(a)));
        return node;
    }

    static String text(JsonNode json) {
        return Json.write(json);
    }
}
