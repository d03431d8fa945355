package dev.ember.common.volume;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A page of the volume list: who may see what, which filters, in which order.
 *
 * @param projectId only volumes of this project; null for all projects (admins with {@code all_tenants})
 * @param conditions column conditions, all of which must hold
 * @param metadata key/value pairs every returned volume must carry
 * @param sort sort keys in order; {@code created_at} and {@code id} are appended as Cinder does
 * @param marker the id of the last volume of the previous page, or null
 * @param limit the page size
 * @param offset volumes to skip after the marker
 */
public record VolumeQuery(
        String projectId,
        List<Condition> conditions,
        Map<String, String> metadata,
        List<SortKey> sort,
        String marker,
        int limit,
        int offset) {

    /** The columns of {@code volumes} a list may filter or sort on (Cinder accepts any model column). */
    public static final Set<String> COLUMNS = Set.of(
            "id", "user_id", "project_id", "host", "cluster_name", "size", "availability_zone", "status",
            "attach_status", "migration_status", "previous_status", "scheduled_at", "launched_at",
            "terminated_at", "display_name", "display_description", "provider_location", "provider_auth",
            "provider_geometry", "provider_id", "volume_type_id", "snapshot_id", "source_volid",
            "encryption_key_id", "consistencygroup_id", "group_id", "bootable", "multiattach",
            "replication_status", "service_uuid", "shared_targets", "use_quota", "created_at", "updated_at",
            "deleted_at", "deleted");

    public VolumeQuery {
        conditions = List.copyOf(conditions);
        metadata = Map.copyOf(metadata);
        sort = List.copyOf(sort);
    }

    public enum Op { EQ, NEQ, IN, LIKE, GT, GTE, LT, LTE }

    /** {@code column op value}; for {@link Op#IN} the value is a collection. */
    public record Condition(String column, Op op, Object value) {
        public Condition {
            if (!COLUMNS.contains(column)) {
                throw new IllegalArgumentException("not a volume column: " + column);
            }
            Objects.requireNonNull(op, "op is null");
        }
    }

    public record SortKey(String column, boolean descending) {
        public SortKey {
            if (!COLUMNS.contains(column)) {
                throw new IllegalArgumentException("not a volume column: " + column);
            }
        }
    }
}
