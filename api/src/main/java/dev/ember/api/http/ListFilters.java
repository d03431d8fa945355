package dev.ember.api.http;

import dev.ember.common.db.ListQuery;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns a list's query parameters into {@link ListQuery} conditions the way Cinder does: non-admins may
 * only use the filters of {@code resource_filters.json} (others are silently dropped); an admin's filter on
 * a column that does not exist matches nothing; values are read as Python literals; {@code name} means
 * {@code display_name}; {@code key~} is a substring match; {@code created_at} and {@code updated_at} take
 * {@code gt|gte|eq|neq|lt|lte:} operators from 3.60.
 */
public final class ListFilters {

    /**
     * What one resource's lists accept.
     *
     * @param userFilters the filters non-admins may use ({@code etc/cinder/resource_filters.json})
     * @param columns the table's columns
     * @param booleanColumns columns whose values are read as booleans
     * @param renamed parameter names that mean another column ({@code name} is {@code display_name})
     */
    public record Resource(Set<String> userFilters, Set<String> columns, Set<String> booleanColumns,
            Map<String, String> renamed) {
    }

    private ListFilters() {
    }

    /** The result of reading filters: conditions, metadata, and whether they can match anything. */
    public record Filters(List<ListQuery.Condition> conditions, Map<String, String> metadata, boolean matchesNothing) {
    }

    /** Reads (and removes) the filters among {@code params}; paging and sorting must have been taken out first. */
    public static Filters read(ApiRequest request, Map<String, String> params, Resource resource) {
        if (!request.isAdmin()) {
            params.keySet().removeIf(key -> !resource.userFilters().contains(key));
        }
        List<ListQuery.Condition> conditions = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, String> param : params.entrySet()) {
            for (int i = 0; i < param.getKey().length(); i++) {
                if (param.getKey().charAt(i) > 127) {
                    throw ApiException.badRequest("Filter keys can only contain ASCII characters.");
                }
            }
            String key = resource.renamed().getOrDefault(param.getKey(), param.getKey());
            String raw = param.getValue();
            if (key.equals("metadata")) {
                Object value = PythonLiteral.eval(raw);
                if (!(value instanceof Map<?, ?> map)) {
                    return nothing();
                }
                map.forEach((k, v) -> metadata.put(String.valueOf(k), String.valueOf(v)));
                continue;
            }
            if (key.endsWith("~")) {
                String column = key.substring(0, key.length() - 1);
                if (!resource.columns().contains(column)) {
                    return nothing();
                }
                conditions.add(new ListQuery.Condition(column, ListQuery.Op.LIKE, raw));
                continue;
            }
            if (!resource.columns().contains(key)) {
                return nothing();
            }
            if ((key.equals("created_at") || key.equals("updated_at")) && request.version().atLeast(60)) {
                conditions.addAll(timeConditions(key, raw));
                continue;
            }
            if (resource.booleanColumns().contains(key)) {
                conditions.add(new ListQuery.Condition(key, ListQuery.Op.EQ, bool(key, raw, request)));
                continue;
            }
            Object value = key.equals("display_name") ? raw : PythonLiteral.eval(raw);
            if (value == null) {
                value = raw;
            }
            if (value == PythonLiteral.NONE) {
                conditions.add(new ListQuery.Condition(key, ListQuery.Op.EQ, null));
            } else if (value instanceof Collection<?> values) {
                conditions.add(new ListQuery.Condition(key, ListQuery.Op.IN, List.copyOf(values)));
            } else if (value instanceof Map<?, ?>) {
                return nothing();
            } else {
                conditions.add(new ListQuery.Condition(key, ListQuery.Op.EQ, value));
            }
        }
        return new Filters(conditions, metadata, false);
    }

    private static Filters nothing() {
        return new Filters(List.of(), Map.of(), true);
    }

    /** Cinder's {@code _check_boolean_filter_value}: strict (3.2+) refuses what is not a boolean. */
    private static Boolean bool(String key, String raw, ApiRequest request) {
        switch (raw.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1", "t", "on", "y", "yes":
                return true;
            case "false", "0", "f", "off", "n", "no":
                return false;
            default:
                if (request.version().atLeast(2)) {
                    throw ApiException.invalidInput("'" + key + "' parameter must be a boolean, got '" + raw + "'");
                }
                return false;
        }
    }

    /** {@code created_at=gt:2026-01-01T00:00:00,lt:...} (3.60). */
    private static List<ListQuery.Condition> timeConditions(String column, String raw) {
        List<ListQuery.Condition> out = new ArrayList<>();
        for (String part : raw.split(",")) {
            int colon = part.indexOf(':');
            String op = colon < 0 ? "eq" : part.substring(0, colon);
            String time = colon < 0 ? part : part.substring(colon + 1);
            Instant instant = parseTime(time);
            ListQuery.Op operator = switch (op) {
                case "gt" -> ListQuery.Op.GT;
                case "gte" -> ListQuery.Op.GTE;
                case "lt" -> ListQuery.Op.LT;
                case "lte" -> ListQuery.Op.LTE;
                case "eq" -> ListQuery.Op.EQ;
                case "neq" -> ListQuery.Op.NEQ;
                default -> throw ApiException.invalidInput("Invalid time comparison operator: " + op);
            };
            out.add(new ListQuery.Condition(column, operator, instant));
        }
        return out;
    }

    private static Instant parseTime(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw ApiException.invalidInput("Invalid datetime in filter: " + text);
            }
        }
    }
}
