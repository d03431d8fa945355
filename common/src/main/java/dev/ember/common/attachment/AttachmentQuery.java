package dev.ember.common.attachment;

import dev.ember.common.db.Keyset;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A page of the attachment list.
 *
 * @param projectId only attachments of this project's volumes; null for all projects
 * @param equals column = value filters (columns of {@link #COLUMNS})
 * @param sort sort keys; {@code created_at} and {@code id} are appended as Cinder does
 * @param marker the id of the last attachment of the previous page, or null
 */
public record AttachmentQuery(String projectId, Map<String, String> equals, List<Keyset.Key> sort, String marker,
        int limit, int offset) {

    /** The columns of {@code volume_attachment} a list may filter or sort on. */
    public static final Set<String> COLUMNS = Set.of("id", "volume_id", "instance_uuid", "attached_host",
            "mountpoint", "attach_time", "detach_time", "attach_status", "attach_mode", "created_at", "updated_at",
            "deleted_at", "deleted");

    public AttachmentQuery {
        equals = Map.copyOf(equals);
        sort = List.copyOf(sort);
        for (String column : equals.keySet()) {
            check(column);
        }
        sort.forEach(k -> check(k.column()));
    }

    private static void check(String column) {
        if (!COLUMNS.contains(column)) {
            throw new IllegalArgumentException("not an attachment column: " + column);
        }
    }
}
