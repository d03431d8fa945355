package dev.ember.api.volume;

import dev.ember.api.http.ApiException;
import dev.ember.api.http.ApiRequest;
import dev.ember.common.volume.VolumeQuery;
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
 * Turns a volume list's query parameters into a {@link VolumeQuery} the way Cinder does: non-admins
 * may only use the filters of {@code resource_filters.json} (others are silently dropped); an admin's
 * filter on a column that does not exist matches nothing; values are read as Python literals;
 * {@code name} means {@code display_name}; {@code key~} is a substring match; {@code created_at} and
 * {@code updated_at} take {@code gt|gte|eq|neq|lt|lte:} operators from 3.60.
 */
final class VolumeFilters {

    /** {@code etc/cinder/resource_filters.json}, "volume". */
    static final Set<String> USER_FILTERS = Set.of("name", "status", "metadata", "bootable", "migration_status",
            "availability_zone", "group_id", "size", "created_at", "updated_at", "consumes_quota");

    private static final Set<String> BOOLEAN_COLUMNS = Set.of("bootable", "multiattach", "deleted", "use_quota",
            "shared_targets");
    private static final Map<String, String> RENAMED = Map.of("name", "display_name", "name~", "display_name~",
            "description~", "display_description~", "consumes_quota", "use_quota");

    private VolumeFilters() {
    }

    /** The result of reading filters: conditions, metadata, and whether they can match anything. */
    record Filters(List<VolumeQuery.Condition> conditions, Map<String, String> metadata, boolean matchesNothing) {
    }

    static Filters read(ApiRequest request, Map<String, String> params) {
        if (!request.isAdmin()) {
            params.keySet().removeIf(key -> !USER_FILTERS.contains(key));
        }
        if (!request.version().atLeast(10)) {
            params.remove("group_id");
        }
        if (!request.version().atLeast(65)) {
            params.remove("consumes_quota");
        }
        List<VolumeQuery.Condition> conditions = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, String> param : params.entrySet()) {
            for (int i = 0; i < param.getKey().length(); i++) {
                if (param.getKey().charAt(i) > 127) {
                    throw ApiException.badRequest("Filter keys can only contain ASCII characters.");
                }
            }
            String key = RENAMED.getOrDefault(param.getKey(), param.getKey());
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
                if (!VolumeQuery.COLUMNS.contains(column)) {
                    return nothing();
                }
                conditions.add(new VolumeQuery.Condition(column, VolumeQuery.Op.LIKE, raw));
                continue;
            }
            if (!VolumeQuery.COLUMNS.contains(key)) {
                return nothing();
            }
            if ((key.equals("created_at") || key.equals("updated_at")) && request.version().atLeast(60)) {
                conditions.addAll(timeConditions(key, raw));
                continue;
            }
            if (BOOLEAN_COLUMNS.contains(key)) {
                conditions.add(new VolumeQuery.Condition(key, VolumeQuery.Op.EQ, bool(key, raw, request)));
                continue;
            }
            Object value = key.equals("display_name") ? raw : PythonLiteral.eval(raw);
            if (value == null) {
                value = raw;
            }
            if (value == PythonLiteral.NONE) {
                conditions.add(new VolumeQuery.Condition(key, VolumeQuery.Op.EQ, null));
            } else if (value instanceof Collection<?> values) {
                conditions.add(new VolumeQuery.Condition(key, VolumeQuery.Op.IN, List.copyOf(values)));
            } else if (value instanceof Map<?, ?>) {
                return nothing();
            } else {
                conditions.add(new VolumeQuery.Condition(key, VolumeQuery.Op.EQ, value));
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
    private static List<VolumeQuery.Condition> timeConditions(String column, String raw) {
        List<VolumeQuery.Condition> out = new ArrayList<>();
        for (String part : raw.split(",")) {
            int colon = part.indexOf(':');
            String op = colon < 0 ? "eq" : part.substring(0, colon);
            String time = colon < 0 ? part : part.substring(colon + 1);
            Instant instant = parseTime(time);
            VolumeQuery.Op operator = switch (op) {
                case "gt" -> VolumeQuery.Op.GT;
                case "gte" -> VolumeQuery.Op.GTE;
                case "lt" -> VolumeQuery.Op.LT;
                case "lte" -> VolumeQuery.Op.LTE;
                case "eq" -> VolumeQuery.Op.EQ;
                case "neq" -> VolumeQuery.Op.NEQ;
                default -> throw ApiException.invalidInput("Invalid time comparison operator: " + op);
            };
            out.add(new VolumeQuery.Condition(column, operator, instant));
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
