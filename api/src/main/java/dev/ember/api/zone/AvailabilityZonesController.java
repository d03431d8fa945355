package dev.ember.api.zone;

import dev.ember.api.http.Responses;
import dev.ember.api.policy.Authorize;
import dev.ember.common.json.Json;
import dev.ember.common.service.ServiceRecord;
import dev.ember.common.service.ServiceRepository;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v3/os-availability-zone}: the zones of the volume services; a zone is available unless
 * every service in it is disabled (Cinder's {@code list_availability_zones}).
 */
@RestController
public class AvailabilityZonesController {

    private final ServiceRepository services;

    public AvailabilityZonesController(ServiceRepository services) {
        this.services = services;
    }

    @Authorize(noRule = "Cinder has no rule for availability zones")
    @GetMapping("/v3/os-availability-zone")
    public ResponseEntity<byte[]> list() {
        Map<String, Boolean> allDisabled = new LinkedHashMap<>();
        for (ServiceRecord s : services.list(null, ServiceRepository.VOLUME)) {
            allDisabled.merge(s.availabilityZone(), s.disabled(), Boolean::logicalAnd);
        }
        ObjectNode body = Json.object();
        ArrayNode zones = body.putArray("availabilityZoneInfo");
        allDisabled.forEach((zone, disabled) -> {
            ObjectNode node = zones.addObject();
            node.put("zoneName", zone);
            node.putObject("zoneState").put("available", !disabled);
        });
        return Responses.ok(body);
    }
}
