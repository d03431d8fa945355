package dev.ember.volume.manager;

import dev.ember.common.json.Json;
import dev.ember.volume.spi.BackendStats;
import dev.ember.volume.spi.PoolStats;
import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Driver stats in Cinder's capability keys: the per-pool document written to {@code pools} and shown by
 * {@code get_pools?detail=true}, and the whole-backend report fanned out to the schedulers.
 */
final class CapabilityDocuments {

    private CapabilityDocuments() {
    }

    /** One pool's document: the pool's keys plus the backend's identity, as Cinder's host manager merges them. */
    static ObjectNode pool(String volumeBackendName, BackendStats stats, PoolStats pool, String timestamp) {
        ObjectNode doc = Json.object();
        doc.put("pool_name", pool.name());
        put(doc, "total_capacity_gb", pool.totalCapacityGb().toCinder());
        put(doc, "free_capacity_gb", pool.freeCapacityGb().toCinder());
        if (pool.provisionedCapacityGb() != null) {
            doc.put("provisioned_capacity_gb", pool.provisionedCapacityGb());
        }
        doc.put("reserved_percentage", pool.reservedPercentage());
        doc.put("max_over_subscription_ratio", pool.maxOverSubscriptionRatio());
        doc.put("thin_provisioning_support", pool.thinProvisioningSupport());
        doc.put("thick_provisioning_support", pool.thickProvisioningSupport());
        doc.put("multiattach", pool.multiattach());
        doc.put("QoS_support", false);
        doc.putNull("filter_function");
        doc.putNull("goodness_function");
        for (Map.Entry<String, Object> extra : pool.extra().entrySet()) {
            put(doc, extra.getKey(), extra.getValue());
        }
        doc.put("volume_backend_name", volumeBackendName);
        doc.put("storage_protocol", stats.storageProtocol());
        doc.put("vendor_name", stats.vendorName());
        doc.put("driver_version", stats.driverVersion());
        doc.put("shared_targets", stats.sharedTargets());
        doc.put("backend_state", "up");
        doc.put("timestamp", timestamp);
        return doc;
    }

    /** The whole backend, pools as a list: Cinder's {@code update_service_capabilities} payload. */
    static ObjectNode backend(String volumeBackendName, BackendStats stats, Map<String, ObjectNode> pools) {
        ObjectNode doc = Json.object();
        doc.put("volume_backend_name", volumeBackendName);
        doc.put("vendor_name", stats.vendorName());
        doc.put("driver_version", stats.driverVersion());
        doc.put("storage_protocol", stats.storageProtocol());
        doc.put("shared_targets", stats.sharedTargets());
        ArrayNode list = doc.putArray("pools");
        pools.values().forEach(list::add);
        return doc;
    }

    private static void put(ObjectNode doc, String key, Object value) {
        if (value == null) {
            doc.putNull(key);
        } else if (value instanceof Double d) {
            doc.put(key, d);
        } else if (value instanceof Number n) {
            doc.put(key, n.longValue());
        } else if (value instanceof Boolean b) {
            doc.put(key, b);
        } else {
            doc.put(key, value.toString());
        }
    }
}
