package dev.ember.api.http;

import dev.ember.common.db.Keyset;
import dev.ember.common.db.ListQuery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A list request read the way Cinder's list controllers read it: {@code marker}, {@code limit} (capped by
 * {@code osapi_max_limit}), {@code offset}, {@code sort} (or {@code sort_key}/{@code sort_dir}),
 * {@code with_count} (3.45), {@code all_tenants} (admins), then the resource's filters.
 *
 * @param query the page to read; null when the filters can match nothing
 * @param limit the page size, for the {@code next} link
 * @param withCount whether the answer carries {@code count}
 */
public record ListRequest(ListQuery query, int limit, boolean withCount) {

    public static ListRequest read(ApiRequest request, int maxLimit, ListFilters.Resource resource) {
        Map<String, String> params = Pagination.parse(request.query());
        String marker = params.remove("marker");
        int limit = Pagination.limit(params, maxLimit);
        int offset = Pagination.offset(params);
        List<Pagination.Sort> sorts = Pagination.sort(params);
        boolean withCount = false;
        if (request.version().atLeast(45) && params.containsKey("with_count")) {
            withCount = Params.bool("with_count", params.remove("with_count"));
        }
        String projectId = request.projectId();
        if (params.containsKey("all_tenants")) {
            String allTenants = params.remove("all_tenants");
            if (request.isAdmin() && Params.bool("all_tenants", allTenants)) {
                projectId = null;
            }
        }
        List<Keyset.Key> sort = new ArrayList<>();
        for (Pagination.Sort s : sorts) {
            String column = resource.renamed().getOrDefault(s.key(), s.key());
            if (!resource.columns().contains(column)) {
                throw ApiException.invalidInput("Invalid sort key");
            }
            sort.add(new Keyset.Key(column, s.direction().equals("desc")));
        }
        ListFilters.Filters filters = ListFilters.read(request, new LinkedHashMap<>(params), resource);
        ListQuery query = filters.matchesNothing() ? null
                : new ListQuery(projectId, filters.conditions(), filters.metadata(), sort, marker, limit, offset);
        return new ListRequest(query, limit, withCount);
    }
}
