package dev.ember.common.db;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** The WHERE clause of a {@link ListQuery}, for any table with a {@code project_id} and a metadata table. */
public final class Conditions {

    private Conditions() {
    }

    /**
     * Appends {@code AND ...} for the query's project, conditions and metadata.
     *
     * @param alias the listed table's alias
     * @param metadataTable the metadata table ({@code volume_metadata}), or null when the resource has none
     * @param metadataKey its column naming the row ({@code volume_id})
     */
    public static void append(String alias, ListQuery query, String metadataTable, String metadataKey,
            StringBuilder sql, List<Object> args) {
        if (query.projectId() != null) {
            sql.append(" AND ").append(alias).append(".project_id = ?");
            args.add(query.projectId());
        }
        for (ListQuery.Condition c : query.conditions()) {
            String column = alias + "." + c.column();
            switch (c.op()) {
                case EQ -> {
                    if (c.value() == null) {
                        sql.append(" AND ").append(column).append(" IS NULL");
                    } else {
                        sql.append(" AND ").append(column).append(" = ?");
                        args.add(bindable(c.value()));
                    }
                }
                case NEQ -> {
                    if (c.value() == null) {
                        sql.append(" AND ").append(column).append(" IS NOT NULL");
                    } else {
                        sql.append(" AND (").append(column).append(" <> ? OR ").append(column).append(" IS NULL)");
                        args.add(bindable(c.value()));
                    }
                }
                case IN -> {
                    Collection<?> values = (Collection<?>) c.value();
                    if (values.isEmpty()) {
                        sql.append(" AND 1 = 0");
                    } else {
                        sql.append(" AND ").append(column).append(" IN (").append(placeholders(values.size())).append(')');
                        args.addAll(values);
                    }
                }
                case LIKE -> {
                    sql.append(" AND ").append(column).append(" LIKE ? ESCAPE '!'");
                    args.add("%" + likeEscape(String.valueOf(c.value())) + "%");
                }
                case GT, GTE, LT, LTE -> {
                    String op = switch (c.op()) {
                        case GT -> " > ?";
                        case GTE -> " >= ?";
                        case LT -> " < ?";
                        default -> " <= ?";
                    };
                    sql.append(" AND ").append(column).append(op);
                    args.add(bindable(c.value()));
                }
            }
        }
        if (metadataTable != null) {
            for (Map.Entry<String, String> entry : query.metadata().entrySet()) {
                sql.append(" AND EXISTS (SELECT 1 FROM ").append(metadataTable).append(" m WHERE m.").append(metadataKey)
                        .append(" = ").append(alias).append(".id AND m.`key` = ? AND m.`value` = ?)");
                args.add(entry.getKey());
                args.add(entry.getValue());
            }
        } else if (!query.metadata().isEmpty()) {
            sql.append(" AND 1 = 0");
        }
    }

    public static String placeholders(int n) {
        return String.join(",", java.util.Collections.nCopies(n, "?"));
    }

    /** Escapes LIKE wildcards with {@code !}, the escape character every query here declares. */
    public static String likeEscape(String value) {
        return value.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    private static Object bindable(Object value) {
        return value instanceof Instant instant ? Timestamps.toDb(instant) : value;
    }
}
