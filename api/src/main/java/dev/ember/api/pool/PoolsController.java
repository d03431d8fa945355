package dev.ember.api.pool;

import dev.ember.api.http.ApiRequest;
import dev.ember.api.http.Pagination;
import dev.ember.api.http.Params;
import dev.ember.api.http.Responses;
import dev.ember.api.policy.Authorize;
import dev.ember.common.config.CinderProperties;
import dev.ember.common.db.Timestamps;
import dev.ember.common.json.Json;
import dev.ember.common.pool.PoolCapabilities;
import dev.ember.common.pool.PoolRepository;
import dev.ember.common.pool.PoolRow;
import dev.ember.common.service.ServiceRecord;
import dev.ember.common.service.ServiceRepository;
import dev.ember.common.type.VolumeTypeRepository;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v3/scheduler-stats/get_pools[?detail=true]}: the pools of the active backends, as the
 * scheduler sees them (Cinder's host manager keeps only backends that are up, enabled and not frozen),
 * with {@code allocated_capacity_gb} the live sum of the capacity claims.
 */
@RestController
public class PoolsController {

    private final PoolRepository pools;
    private final ServiceRepository services;
    private final VolumeTypeRepository types;
    private final CinderProperties properties;

    public PoolsController(PoolRepository pools, ServiceRepository services, VolumeTypeRepository types,
            CinderProperties properties) {
        this.pools = pools;
        this.services = services;
        this.types = types;
        this.properties = properties;
    }

    @Authorize("scheduler_extension:scheduler_stats:get_pools")
    @GetMapping("/v3/scheduler-stats/get_pools")
    public ResponseEntity<byte[]> list(HttpServletRequest http) {
        ApiRequest request = ApiRequest.of(http);
        Map<String, String> params = Pagination.parse(request.query());
        boolean detail = Params.bool("detail", params.get("detail"));
        String nameFilter = request.version().atLeast(35) ? params.get("name") : null;
        String backendNameFilter = null;
        if (request.version().atLeast(35) && params.get("volume_type") != null) {
            backendNameFilter = types.findByNameOrId(params.get("volume_type"))
                    .map(t -> t.extraSpecs().get("volume_backend_name")).orElse("\u0000no such type");
        }
        Map<String, ServiceRecord> byHost = new HashMap<>();
        services.list(null, ServiceRepository.VOLUME).forEach(s -> byHost.put(s.host(), s));
        Instant now = Timestamps.now();
        Duration downTime = Duration.ofSeconds(properties.serviceDownTime());
        ObjectNode body = Json.object();
        ArrayNode list = body.putArray("pools");
        for (PoolRow pool : pools.all()) {
            ServiceRecord service = byHost.get(pool.backend());
            if (service == null || !service.isUp(now, downTime) || service.disabled() || service.frozen()) {
                continue;
            }
            if (nameFilter != null && !pool.name().equals(nameFilter)) {
                continue;
            }
            PoolCapabilities capabilities = PoolCapabilities.parse(pool.capabilities());
            if (backendNameFilter != null && (capabilities.get("volume_backend_name") == null
                    || !backendNameFilter.equals(capabilities.get("volume_backend_name").asString()))) {
                continue;
            }
            ObjectNode node = list.addObject();
            node.put("name", pool.name());
            if (detail) {
                ObjectNode caps = capabilities.document().deepCopy();
                caps.put("allocated_capacity_gb", pool.allocatedCapacityGb());
                node.set("capabilities", caps);
            }
        }
        return Responses.ok(body);
    }
}
