package dev.ember.api.http;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Cinder's list parameters: {@code limit}, {@code marker}, {@code offset}, sorting ({@code cinder/api/common.py}). */
public final class Pagination {

    private Pagination() {
    }

    /** The query parameters in order; the last value of a repeated key wins, as webob's {@code params} read them. */
    public static Map<String, String> parse(String query) {
        Map<String, String> params = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return params;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.put(key, value);
        }
        return params;
    }

    /** {@code limit}: absent means the maximum; negative or non-integer is a 400; larger than the maximum is capped. */
    public static int limit(Map<String, String> params, int maxLimit) {
        String value = params.remove("limit");
        if (value == null) {
            return maxLimit;
        }
        long limit;
        try {
            limit = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("limit param must be an integer");
        }
        if (limit < 0) {
            throw ApiException.badRequest("limit param must be positive");
        }
        return (int) Math.min(limit, maxLimit);
    }

    /** {@code offset}: an integer from 0 to DB_MAX_INT. */
    public static int offset(Map<String, String> params) {
        String value = params.remove("offset");
        if (value == null) {
            return 0;
        }
        long offset;
        try {
            offset = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw ApiException.invalidInput("offset must be an integer.");
        }
        if (offset < 0) {
            throw ApiException.invalidInput("offset must be >= 0.");
        }
        if (offset > 0x7FFFFFFF) {
            throw ApiException.invalidInput("offset must be <= 2147483647.");
        }
        return (int) offset;
    }

    /** A sort key and direction as the request gave them. */
    public record Sort(String key, String direction) {
    }

    /**
     * {@code sort=k1[:dir],k2[:dir]} or the legacy {@code sort_key}/{@code sort_dir}; both together is a 400.
     * Directions default to {@code desc}.
     */
    public static List<Sort> sort(Map<String, String> params) {
        if (params.containsKey("sort") && (params.containsKey("sort_key") || params.containsKey("sort_dir"))) {
            throw ApiException.badRequest("The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be "
                    + "used with the 'sort' parameter.");
        }
        List<Sort> sorts = new ArrayList<>();
        if (params.containsKey("sort")) {
            for (String item : params.remove("sort").strip().split(",")) {
                int colon = item.indexOf(':');
                String key = (colon < 0 ? item : item.substring(0, colon)).strip();
                String dir = colon < 0 ? "" : item.substring(colon + 1).strip();
                sorts.add(new Sort(key, dir.isEmpty() ? "desc" : dir));
            }
        } else {
            String key = params.remove("sort_key");
            String dir = params.remove("sort_dir");
            if (key != null || dir != null) {
                sorts.add(new Sort(key == null ? "created_at" : key.strip(), dir == null ? "desc" : dir.strip()));
            }
        }
        for (Sort sort : sorts) {
            if (!sort.direction().equals("asc") && !sort.direction().equals("desc")) {
                throw ApiException.invalidInput("Unknown sort direction, must be 'desc' or 'asc'.");
            }
        }
        return sorts;
    }

    /** The request's query with {@code marker} set to {@code markerId}, for the {@code next} link. */
    public static String nextQuery(String query, String markerId) {
        Map<String, String> params = parse(query);
        params.put("marker", markerId);
        return encode(params);
    }

    /** Parameters as a query string, quoted as Python's {@code urlencode}. */
    public static String encode(Map<String, String> params) {
        StringBuilder out = new StringBuilder();
        params.forEach((k, v) -> {
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(encode(k)).append('=').append(encode(v));
        });
        return out.toString();
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    /** Python's {@code urllib.parse.urlencode} quoting ({@code quote_plus}). */
    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("%7E", "~");
    }
}
