package dev.ember.api.filter;

import dev.ember.api.http.ApiRequest;
import dev.ember.api.http.Pagination;
import dev.ember.api.http.ResourceFilters;
import dev.ember.api.http.Responses;
import dev.ember.api.http.Since;
import dev.ember.api.policy.Authorize;
import dev.ember.common.json.Json;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code GET /v3/resource_filters[?resource=]} (3.33): the list filters each resource accepts from non-admins. */
@RestController
public class ResourceFiltersController {

    @Since(33)
    @Authorize(noRule = "Cinder has no rule for resource filters")
    @GetMapping("/v3/resource_filters")
    public ResponseEntity<byte[]> index(HttpServletRequest http) {
        ApiRequest request = ApiRequest.of(http);
        String resource = Pagination.parse(request.query()).get("resource");
        ObjectNode root = Json.object();
        ArrayNode list = root.putArray("resource_filters");
        for (Map.Entry<String, List<String>> e : ResourceFilters.all().entrySet()) {
            if (resource == null || resource.equals(e.getKey())) {
                ObjectNode item = list.addObject();
                item.put("resource", e.getKey());
                e.getValue().forEach(item.putArray("filters")::add);
            }
        }
        return Responses.ok(root);
    }
}
