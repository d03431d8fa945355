package dev.ember.api.service;

import dev.ember.api.http.ApiRequest;
import dev.ember.api.http.Policy;
import dev.ember.api.http.Responses;
import dev.ember.api.http.Pagination;
import dev.ember.common.config.CinderProperties;
import dev.ember.common.db.Timestamps;
import dev.ember.common.json.Json;
import dev.ember.common.pool.PoolCapabilities;
import dev.ember.common.pool.PoolRepository;
import dev.ember.common.pool.PoolRow;
import dev.ember.common.service.ServiceRecord;
import dev.ember.common.service.ServiceRepository;
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

/** {@code GET /v3/os-services} ({@code cinder/api/contrib/services.py} as of Zed). */
@RestController
public class ServicesController {

    private final ServiceRepository services;
    private final PoolRepository pools;
    private final CinderProperties properties;

    public ServicesController(ServiceRepository services, PoolRepository pools, CinderProperties properties) {
        this.services = services;
        this.pools = pools;
        this.properties = properties;
    }

    @GetMapping("/v3/os-services")
    public ResponseEntity<byte[]> list(HttpServletRequest http) {
        ApiRequest request = ApiRequest.of(http);
        Policy.requireAdmin(request, Policy.SERVICES_INDEX);
        Map<String, String> params = Pagination.parse(request.query());
        Instant now = Timestamps.now();
        Duration downTime = Duration.ofSeconds(properties.serviceDownTime());
        Map<String, String> backendStates = backendStates();
        ObjectNode body = Json.object();
        ArrayNode list = body.putArray("services");
        for (ServiceRecord s : services.list(params.get("host"), params.get("binary"))) {
            boolean up = s.isUp(now, downTime);
            ObjectNode node = list.addObject();
            node.put("binary", s.binary());
            node.put("host", s.host());
            node.put("zone", s.availabilityZone());
            node.put("status", s.disabled() ? "disabled" : "enabled");
            node.put("state", up ? "up" : "down");
            Instant updated = s.updatedAt();
            if (s.modifiedAt() != null && (updated == null || s.modifiedAt().isAfter(updated))) {
                updated = s.modifiedAt();
            }
            node.put("updated_at", Timestamps.format(updated));
            boolean volume = ServiceRepository.VOLUME.equals(s.binary());
            if (volume && request.version().atLeast(49)) {
                node.put("backend_state", up ? backendStates.getOrDefault(s.host(), "up") : "down");
            }
            if (request.version().atLeast(7)) {
                node.put("cluster", s.clusterName());
            }
            node.put("disabled_reason", s.disabledReason());
            if (volume) {
                node.put("replication_status", s.replicationStatus());
                node.put("active_backend_id", s.activeBackendId());
                node.put("frozen", s.frozen());
            }
        }
        return Responses.ok(body);
    }

    /** Each backend's reported {@code backend_state}, from its pools' last reports. */
    private Map<String, String> backendStates() {
        Map<String, String> states = new HashMap<>();
        for (PoolRow pool : pools.all()) {
            String state = PoolCapabilities.parse(pool.capabilities()).backendState();
            states.merge(pool.backend(), state, (a, b) -> a.equals("up") ? b : a);
        }
        return states;
    }
}
