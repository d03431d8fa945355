package dev.ember.api.pool;

import dev.ember.api.http.ApiException;
import dev.ember.api.http.Responses;
import dev.ember.api.policy.Authorize;
import dev.ember.common.json.Json;
import dev.ember.common.pool.PoolCapabilities;
import dev.ember.common.pool.PoolRepository;
import dev.ember.common.pool.PoolRow;
import dev.ember.common.service.ServiceRepository;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v3/capabilities/{host}} (Cinder's {@code api/v2/views/capabilities.py}): a volume backend's identity
 * from its last capability report, and the four standard capability properties every Cinder driver declares.
 * Cinder asks the backend over RPC; the report the backend publishes every {@code report_interval} holds the same
 * stats, so a backend that is down still answers with what it last said, and one that never reported is a 404.
 */
@RestController
public class CapabilitiesController {

    private final ServiceRepository services;
    private final PoolRepository pools;

    public CapabilitiesController(ServiceRepository services, PoolRepository pools) {
        this.services = services;
        this.pools = pools;
    }

    @Authorize("volume_extension:capabilities")
    @GetMapping("/v3/capabilities/{host}")
    public ResponseEntity<byte[]> show(HttpServletRequest http, @PathVariable String host) {
        var found = services.list(host, ServiceRepository.VOLUME);
        if (found.isEmpty()) {
            throw ApiException.notFound("Can't find service: " + host);
        }
        String backend = found.get(0).host();
        PoolCapabilities report = pools.all().stream().filter(p -> p.backend().equals(backend)).findFirst()
                .map(PoolRow::capabilities).map(PoolCapabilities::parse)
                .orElseThrow(() -> ApiException.notFound("Can't find service: " + host));
        ObjectNode body = Json.object();
        body.put("namespace", "OS::Storage::Capabilities::" + backend);
        copy(body, report, "vendor_name");
        copy(body, report, "volume_backend_name");
        // The backend-wide document: pool_name belongs to each pool, not to the backend.
        body.putNull("pool_name");
        copy(body, report, "driver_version");
        copy(body, report, "storage_protocol");
        body.putNull("display_name");
        body.putNull("description");
        body.putNull("visibility");
        body.putArray("replication_targets");
        ObjectNode properties = body.putObject("properties");
        property(properties, "thin_provisioning", "Thin Provisioning", "Sets thin provisioning.");
        property(properties, "compression", "Compression", "Enables compression.");
        property(properties, "qos", "QoS", "Enables QoS.");
        property(properties, "replication_enabled", "Replication", "Enables replication.");
        return Responses.ok(body);
    }

    private static void copy(ObjectNode body, PoolCapabilities report, String key) {
        JsonNode value = report.get(key);
        if (value == null || value.isMissingNode()) {
            body.putNull(key);
        } else {
            body.set(key, value);
        }
    }

    private static void property(ObjectNode properties, String key, String title, String description) {
        ObjectNode p = properties.putObject(key);
        p.put("title", title);
        p.put("description", description);
        p.put("type", "boolean");
    }
}
