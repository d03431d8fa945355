package dev.ember.common.db;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A page of a Cinder list (volumes, snapshots...): who may see what, which filters, in which order.
 * Column names are checked by {@link #requireColumns} against the listed table's columns before any reaches
 * SQL.
 *
 * @param projectId only rows of this project; null for all projects (admins with {@code all_tenants})
 * @param conditions column conditions, all of which must hold
 * @param metadata key/value pairs every returned row's metadata must carry
 * @param sort sort keys in order; {@code created_at} and {@code id} are appended as Cinder does
 * @param marker the id of the last row of the previous page, or null
 * @param limit the page size
 * @param offset rows to skip after the marker
 */
public record ListQuery(
        String projectId,
        List<Condition> conditions,
        Map<String, String> metadata,
        List<Keyset.Key> sort,
        String marker,
        int limit,
        int offset) {

    public ListQuery {
        conditions = List.copyOf(conditions);
        metadata = Map.copyOf(metadata);
        sort = List.copyOf(sort);
    }

    public enum Op { EQ, NEQ, IN, LIKE, GT, GTE, LT, LTE }

    /** {@code column op value}; for {@link Op#IN} the value is a collection. */
    public record Condition(String column, Op op, Object value) {
        public Condition {
            Objects.requireNonNull(column, "column is null");
            Objects.requireNonNull(op, "op is null");
        }
    }

    /** Fails unless every filtered and sorted column is one of {@code columns}. */
    public ListQuery requireColumns(Set<String> columns) {
        for (Condition c : conditions) {
            if (!columns.contains(c.column())) {
                throw new IllegalArgumentException("not a column: " + c.column());
            }
        }
        for (Keyset.Key k : sort) {
            if (!columns.contains(k.column())) {
                throw new IllegalArgumentException("not a column: " + k.column());
            }
        }
        return this;
    }
}
