package dev.ember.api.service;

import dev.ember.api.http.ApiException;
import dev.ember.api.http.ApiRequest;
import dev.ember.api.http.JsonBodies;
import dev.ember.api.http.Pagination;
import dev.ember.api.http.Responses;
import dev.ember.api.policy.ActionRules;
import dev.ember.api.policy.Authorize;
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
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /v3/os-services} ({@code cinder/api/contrib/services.py} as of Zed): the list, and the operator's
 * enable / disable / disable-log-reason / freeze / thaw. failover, failover_host and set-log/get-log are not served
 * (no replication; log levels are set through the processes' own configuration).
 */
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

    @Authorize("volume_extension:services:index")
    @GetMapping("/v3/os-services")
    public ResponseEntity<byte[]> list(HttpServletRequest http) {
        ApiRequest request = ApiRequest.of(http);
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

    /**
     * {@code PUT /os-services/{action}}. enable/disable answer {@code [disabled_reason,] disabled, host, service,
     * binary, status} in Cinder's key order; {@code service} echoes the deprecated key as sent (binary wins).
     * freeze/thaw answer an empty 200 and act on every volume service of the host.
     */
    @Authorize(byAction = true)
    @PutMapping("/v3/os-services/{action}")
    public ResponseEntity<byte[]> update(HttpServletRequest http, @PathVariable String action,
            @RequestBody(required = false) byte[] raw) {
        ApiRequest request = ApiRequest.of(http);
        JsonNode body = JsonBodies.read(http, raw);
        switch (action) {
            case "enable", "disable", "disable-log-reason" -> {
                request.authorize(ActionRules.SERVICE.get(action));
                return Responses.ok(setEnabled(action, body == null ? Json.object() : body));
            }
            case "freeze", "thaw" -> {
                request.authorize(ActionRules.SERVICE.get(action));
                setFrozen(action.equals("freeze"), hostOf(body == null ? Json.object() : body));
                return Responses.okEmptyHtml();
            }
            default -> {
                request.authorize(ActionRules.SERVICE.get("enable"));
                throw ApiException.invalidInput("Unknown action");
            }
        }
    }

    private ObjectNode setEnabled(String action, JsonNode body) {
        boolean disable = !action.equals("enable");
        String host = hostOf(body);
        ObjectNode result = Json.object();
        // Cinder: enabling clears the reason, disable-log-reason sets it, a plain disable leaves it.
        boolean setReason = !disable;
        String reason = null;
        if (!disable) {
            result.putNull("disabled_reason");
        }
        result.put("disabled", disable);
        if (action.equals("disable-log-reason")) {
            JsonNode given = body.get("disabled_reason");
            String text = given != null && given.isString() ? given.asString() : null;
            if (text == null || text.isBlank() || text.codePointCount(0, text.length()) > 255) {
                throw ApiException.badRequest("Disabled reason contains invalid characters or is too long");
            }
            result.put("disabled_reason", text);
            setReason = true;
            reason = text;
        }
        String service = text(body, "service");
        String binary = text(body, "binary");
        String binaryKey = binary.isEmpty() ? service : binary;
        if (binaryKey.isEmpty()) {
            throw ApiException.malformed();
        }
        if (!services.setDisabled(host, binaryKey, disable, setReason, reason, Timestamps.now())) {
            throw ApiException.notFound("Service " + binaryKey + " could not be found on host " + host + ".");
        }
        result.put("host", host);
        result.put("service", service);
        result.put("binary", binary);
        result.put("status", disable ? "disabled" : "enabled");
        return result;
    }

    /**
     * Cinder's {@code freeze_host}/{@code thaw_host} as the volume manager completes them: the backend's services
     * become frozen and disabled (reason {@code frozen}), or thawed and enabled. Refused, naming the services, when
     * none of them was in the opposite state.
     */
    private void setFrozen(boolean freeze, String host) {
        List<ServiceRecord> found = services.list(host, ServiceRepository.VOLUME);
        if (found.isEmpty()) {
            throw ApiException.invalidInput("No service found with host=" + host);
        }
        if (services.setFrozen(host, freeze, Timestamps.now()) == 0) {
            String hosts = found.stream().map(s -> "'" + s.host() + "'").reduce((a, b) -> a + ", " + b).orElse("");
            throw ApiException.invalidInput("No service could be changed: frozen in [" + hosts + "] must be "
                    + (freeze ? "False" : "True") + " to failover.");
        }
    }

    /** Cinder's {@code get_cluster_host} without clusters: the body's {@code host}, required. */
    private static String hostOf(JsonNode body) {
        String host = text(body, "host");
        if (host.isEmpty()) {
            throw ApiException.invalidInput("Host field is missing.");
        }
        return host;
    }

    private static String text(JsonNode body, String key) {
        JsonNode value = body.isObject() ? body.get(key) : null;
        return value == null || value.isNull() ? "" : value.isString() ? value.asString() : value.toString();
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
