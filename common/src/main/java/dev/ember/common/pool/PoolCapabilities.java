package dev.ember.common.pool;

import dev.ember.common.json.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A pool's capability document in Cinder's keys (what {@code get_pools?detail=true} shows), with typed
 * access to the numbers the scheduler computes with. Capacities may be the words {@code infinite} or
 * {@code unknown}, which read as {@link Double#POSITIVE_INFINITY} and {@link Double#NaN}.
 */
public record PoolCapabilities(ObjectNode document) {

    public static PoolCapabilities parse(String json) {
        if (json == null || json.isBlank()) {
            return new PoolCapabilities(Json.object());
        }
        JsonNode node = Json.parse(json);
        return new PoolCapabilities(node instanceof ObjectNode o ? o : Json.object());
    }

    public double totalCapacityGb() {
        return capacity("total_capacity_gb");
    }

    public double freeCapacityGb() {
        return capacity("free_capacity_gb");
    }

    /** The reported provisioned capacity, or NaN when the backend left it to the allocation. */
    public double provisionedCapacityGb() {
        return capacity("provisioned_capacity_gb");
    }

    public int reservedPercentage() {
        JsonNode v = document.get("reserved_percentage");
        return v == null || !v.isNumber() ? 0 : v.asInt();
    }

    public double maxOverSubscriptionRatio() {
        JsonNode v = document.get("max_over_subscription_ratio");
        if (v == null || v.isNull()) {
            return 1.0;
        }
        try {
            return v.isNumber() ? v.asDouble() : Double.parseDouble(v.asString());
        } catch (NumberFormatException e) {
            return 1.0;
        }
    }

    public boolean thinProvisioningSupport() {
        return bool("thin_provisioning_support");
    }

    public boolean thickProvisioningSupport() {
        return bool("thick_provisioning_support");
    }

    public String backendState() {
        JsonNode v = document.get("backend_state");
        return v == null || v.isNull() ? "up" : v.asString();
    }

    public JsonNode get(String key) {
        return document.get(key);
    }

    private boolean bool(String key) {
        JsonNode v = document.get(key);
        if (v == null || v.isNull()) {
            return false;
        }
        return v.isBoolean() ? v.asBoolean() : "true".equalsIgnoreCase(v.asString());
    }

    private double capacity(String key) {
        JsonNode v = document.get(key);
        if (v == null || v.isNull()) {
            return Double.NaN;
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        String word = v.asString();
        if ("infinite".equalsIgnoreCase(word)) {
            return Double.POSITIVE_INFINITY;
        }
        try {
            return Double.parseDouble(word);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
