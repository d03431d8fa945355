package dev.ember.api.host;

import dev.ember.api.http.ApiException;
import dev.ember.api.http.ApiRequest;
import dev.ember.api.http.JsonBodies;
import dev.ember.api.http.Pagination;
import dev.ember.api.http.Responses;
import dev.ember.api.policy.Authorize;
import dev.ember.common.config.CinderProperties;
import dev.ember.common.db.Timestamps;
import dev.ember.common.json.Json;
import dev.ember.common.service.ServiceRecord;
import dev.ember.common.service.ServiceRepository;
import dev.ember.common.volume.VolumeRepository;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
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
 * {@code /v3/os-hosts} (Cinder's {@code api/contrib/hosts.py}), admin only: every service as a host, one volume
 * backend's usage per project (counts as strings, the {@code (total)} row first), and enabling or disabling a
 * host's services for scheduling.
 */
@RestController
public class HostsController {

    private final ServiceRepository services;
    private final VolumeRepository volumes;
    private final CinderProperties properties;

    public HostsController(ServiceRepository services, VolumeRepository volumes, CinderProperties properties) {
        this.services = services;
        this.volumes = volumes;
        this.properties = properties;
    }

    /** Cinder's host list: {@code ?service=} filters by topic, {@code ?zone=} by availability zone. */
    @Authorize("volume_extension:hosts")
    @GetMapping("/v3/os-hosts")
    public ResponseEntity<byte[]> list(HttpServletRequest http) {
        ApiRequest request = ApiRequest.of(http);
        Map<String, String> params = Pagination.parse(request.query());
        String service = params.get("service");
        String zone = params.get("zone");
        Instant now = Timestamps.now();
        Duration downTime = Duration.ofSeconds(properties.serviceDownTime());
        ObjectNode body = Json.object();
        ArrayNode hosts = body.putArray("hosts");
        for (ServiceRecord s : services.list(null, null)) {
            if ((service != null && !service.equals(s.topic())) || (zone != null && !zone.equals(s.availabilityZone()))) {
                continue;
            }
            // hosts.py judges liveness by the heartbeat alone (not the last admin change, as os-services does).
            Instant last = s.updatedAt() != null ? s.updatedAt() : s.createdAt();
            boolean alive = Duration.between(last, now).abs().compareTo(downTime) <= 0;
            ObjectNode node = hosts.addObject();
            node.put("host_name", s.host());
            node.put("service", s.topic());
            node.put("zone", s.availabilityZone());
            node.put("service-status", alive ? "available" : "unavailable");
            node.put("service-state", s.disabled() ? "disabled" : "enabled");
            node.put("last-update", Timestamps.format(s.updatedAt()));
        }
        return Responses.ok(body);
    }

    @Authorize("volume_extension:hosts")
    @GetMapping("/v3/os-hosts/{host}")
    public ResponseEntity<byte[]> show(HttpServletRequest http, @PathVariable String host) {
        if (services.find(host, ServiceRepository.VOLUME).isEmpty()) {
            throw ApiException.notFound("Host not found");
        }
        List<VolumeRepository.BackendUsage> usage = volumes.usageOnBackend(host);
        ObjectNode body = Json.object();
        ArrayNode rows = body.putArray("host");
        ObjectNode total = resource(rows.addObject(), host, "(total)");
        long volumeCount = 0;
        long volumeGb = 0;
        long snapshotCount = 0;
        long snapshotGb = 0;
        for (VolumeRepository.BackendUsage u : usage) {
            ObjectNode row = resource(rows.addObject(), host, u.projectId());
            counts(row, u.volumeCount(), u.volumeGb(), u.snapshotCount(), u.snapshotGb());
            volumeCount += u.volumeCount();
            volumeGb += u.volumeGb();
            snapshotCount += u.snapshotCount();
            snapshotGb += u.snapshotGb();
        }
        counts(total, volumeCount, volumeGb, snapshotCount, snapshotGb);
        return Responses.ok(body);
    }

    /**
     * {@code PUT /os-hosts/{host}} with {@code {"status": "enable"|"disable"}}: sets the admin state of the host's
     * services (the host itself and its {@code host@backend}s) and answers {@code {"host", "status"}}.
     */
    @Authorize("volume_extension:hosts")
    @PutMapping("/v3/os-hosts/{host}")
    public ResponseEntity<byte[]> update(HttpServletRequest http, @PathVariable String host,
            @RequestBody(required = false) byte[] raw) {
        JsonNode body = JsonBodies.require(http, raw);
        if (!body.isObject()) {
            throw ApiException.malformed();
        }
        Boolean enable = null;
        for (Map.Entry<String, JsonNode> entry : body.properties()) {
            String key = entry.getKey().toLowerCase(Locale.ROOT).strip();
            if (!key.equals("status")) {
                throw ApiException.badRequest("Invalid update setting: '" + entry.getKey() + "'");
            }
            String value = entry.getValue().isString() ? entry.getValue().asString().toLowerCase(Locale.ROOT).strip() : "";
            if (!value.equals("enable") && !value.equals("disable")) {
                throw ApiException.badRequest("Invalid status: '" + (entry.getValue().isString()
                        ? entry.getValue().asString() : entry.getValue().toString()) + "'");
            }
            enable = value.equals("enable");
        }
        ObjectNode result = Json.object();
        if (enable != null) {
            List<ServiceRecord> found = services.list(host, null);
            if (found.isEmpty()) {
                throw ApiException.notFound("Host not found");
            }
            Instant now = Timestamps.now();
            for (ServiceRecord s : found) {
                services.setDisabled(s.host(), s.binary(), !enable, enable, null, now);
            }
            result.put("host", host);
            result.put("status", enable ? "enabled" : "disabled");
        }
        return Responses.ok(result);
    }

    private static ObjectNode resource(ObjectNode row, String host, String project) {
        ObjectNode resource = row.putObject("resource");
        resource.put("host", host);
        resource.put("project", project);
        return resource;
    }

    private static void counts(ObjectNode resource, long volumeCount, long volumeGb, long snapshotCount, long snapshotGb) {
        resource.put("volume_count", Long.toString(volumeCount));
        resource.put("total_volume_gb", Long.toString(volumeGb));
        resource.put("snapshot_count", Long.toString(snapshotCount));
        resource.put("total_snapshot_gb", Long.toString(snapshotGb));
    }
}
