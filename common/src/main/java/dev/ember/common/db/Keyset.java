package dev.ember.common.db;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Keyset pagination as Cinder's lists page ({@code marker} = the last row seen): order by the requested
 * keys then {@code created_at} and {@code id}, and take the rows strictly after the marker's values.
 * Column names reach SQL only after the caller checked them against its table's columns.
 */
public final class Keyset {

    /** One sort key. */
    public record Key(String column, boolean descending) {
    }

    private Keyset() {
    }

    /** {@code requested} with {@code created_at} and {@code id} appended (in the first key's direction) when missing. */
    public static List<Key> withTieBreakers(List<Key> requested) {
        List<Key> sort = new ArrayList<>(requested);
        boolean descending = requested.isEmpty() || requested.get(0).descending();
        for (String column : List.of("created_at", "id")) {
            if (sort.stream().noneMatch(k -> k.column().equals(column))) {
                sort.add(new Key(column, descending));
            }
        }
        return sort;
    }

    /** {@code ORDER BY a.k1 DESC, a.k2 ASC...}. */
    public static String orderBy(String alias, List<Key> sort) {
        StringJoiner order = new StringJoiner(", ", " ORDER BY ", "");
        for (Key key : sort) {
            order.add(alias + "." + key.column() + (key.descending() ? " DESC" : " ASC"));
        }
        return order.toString();
    }

    /**
     * Appends the condition "strictly after the marker in sort order": for keys k1..kn,
     * {@code (k1 > m1) OR (k1 = m1 AND k2 > m2) OR ...} with {@code <} for descending keys. NULLs sort first
     * in MySQL, so a NULL marker value compares as below everything.
     *
     * @param marker the marker row's value of every sort key, by column
     */
    public static void appendAfter(String alias, List<Key> sort, Map<String, Object> marker, StringBuilder sql,
            List<Object> args) {
        StringJoiner any = new StringJoiner(" OR ", " AND (", ")");
        for (int i = 0; i < sort.size(); i++) {
            StringJoiner all = new StringJoiner(" AND ", "(", ")");
            for (int j = 0; j < i; j++) {
                String column = alias + "." + sort.get(j).column();
                Object value = marker.get(sort.get(j).column());
                if (value == null) {
                    all.add(column + " IS NULL");
                } else {
                    all.add(column + " = ?");
                    args.add(value);
                }
            }
            Key key = sort.get(i);
            String column = alias + "." + key.column();
            Object value = marker.get(key.column());
            if (value == null) {
                all.add(key.descending() ? "1 = 0" : column + " IS NOT NULL");
            } else if (key.descending()) {
                all.add("(" + column + " < ? OR " + column + " IS NULL)");
                args.add(value);
            } else {
                all.add(column + " > ?");
                args.add(value);
            }
            any.add(all.toString());
        }
        sql.append(any);
    }

    /**
     * The sort-key values of a list's marker row (for {@link #appendAfter}), read from {@code table}; empty when
     * the marker names no row the query may see (live, per {@code liveCondition}, and in the query's project).
     *
     * @param liveCondition SQL that holds for rows a list shows, e.g. {@code deleted = FALSE}; null for none
     */
    public static java.util.Optional<Map<String, Object>> markerValues(org.springframework.jdbc.core.JdbcTemplate jdbc,
            String table, String liveCondition, ListQuery query, List<Key> sort) {
        StringJoiner columns = new StringJoiner(", ");
        sort.forEach(k -> columns.add(k.column()));
        StringBuilder sql = new StringBuilder("SELECT ").append(columns).append(" FROM ").append(table).append(" WHERE id = ?");
        List<Object> args = new java.util.ArrayList<>();
        args.add(query.marker());
        if (liveCondition != null) {
            sql.append(" AND ").append(liveCondition);
        }
        if (query.projectId() != null) {
            sql.append(" AND project_id = ?");
            args.add(query.projectId());
        }
        List<Map<String, Object>> rows = jdbc.queryForList(sql.toString(), args.toArray());
        if (rows.isEmpty()) {
            return java.util.Optional.empty();
        }
        Map<String, Object> values = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        rows.get(0).forEach((column, value) -> values.put(column, Timestamps.bindable(value)));
        return java.util.Optional.of(values);
    }
}
