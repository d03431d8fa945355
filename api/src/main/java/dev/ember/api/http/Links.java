package dev.ember.api.http;

import dev.ember.common.json.Json;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Cinder's links ({@code cinder/api/common.py ViewBuilder}): an item's self and bookmark, a page's next. */
public final class Links {

    private Links() {
    }

    /** {@code [{"rel": "self", ...v3/[project/]<collection>/<id>}, {"rel": "bookmark", ...[project/]<collection>/<id>}]}. */
    public static ArrayNode item(ApiRequest request, String collection, String id) {
        ArrayNode links = Json.mapper().createArrayNode();
        ObjectNode self = links.addObject();
        self.put("rel", "self");
        self.put("href", request.selfUrl(collection + "/" + id));
        ObjectNode bookmark = links.addObject();
        bookmark.put("rel", "bookmark");
        bookmark.put("href", request.bookmarkUrl(collection + "/" + id));
        return links;
    }

    /**
     * Adds {@code "<key>": [{"rel": "next", "href": ...?marker=<lastId>}]} when the page is full, as Cinder's
     * {@code _get_collection_links} does.
     *
     * @param path the list's path after {@code v3/[project/]}, e.g. {@code volumes/detail}
     * @param itemCount the items the listing holds (the page's size, or the {@code with_count} total)
     */
    public static void nextIfFull(ObjectNode list, String key, ApiRequest request, String path, int limit, int itemCount,
            String lastId) {
        if (lastId == null || limit > itemCount) {
            return;
        }
        ObjectNode next = Json.object();
        next.put("rel", "next");
        next.put("href", request.selfUrl(path) + "?" + Pagination.nextQuery(request.query(), lastId));
        list.putArray(key).add(next);
    }
}
