package dev.ember.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** A scheduler filter: whether a pool may take a volume. Named after Cinder's filter classes. */
public interface BackendFilter {

    String name();

    boolean passes(BackendState state, RequestSpec spec);

    /** Cinder's {@code AvailabilityZoneFilter}: the pool's zone is the one asked for, if any. */
    BackendFilter AVAILABILITY_ZONE = new BackendFilter() {
        @Override
        public String name() {
            return "AvailabilityZoneFilter";
        }

        @Override
        public boolean passes(BackendState state, RequestSpec spec) {
            return spec.availabilityZone() == null || spec.availabilityZone().equals(state.availabilityZone());
        }
    };

    /** Cinder's {@code CapacityFilter}: room for the volume, thin or thick, reserve and over-subscription counted. */
    BackendFilter CAPACITY = new BackendFilter() {
        @Override
        public String name() {
            return "CapacityFilter";
        }

        @Override
        public boolean passes(BackendState state, RequestSpec spec) {
            var caps = state.capabilities();
            double free = caps.freeCapacityGb();
            double total = caps.totalCapacityGb();
            if (Double.isInfinite(free) || caps.get("free_capacity_gb") != null
                    && "unknown".equals(caps.get("free_capacity_gb").asString())) {
                return true;
            }
            if (Double.isNaN(free)) {
                return false;
            }
            if (Double.isInfinite(total) || Double.isNaN(total)) {
                return caps.reservedPercentage() == 0;
            }
            if (total <= 0) {
                return false;
            }
            boolean thin = spec.thin() && caps.thinProvisioningSupport();
            if (thin) {
                double ratio = caps.maxOverSubscriptionRatio();
                if (ratio < 1) {
                    return false;
                }
                double reserved = Math.floor(total * caps.reservedPercentage() / 100.0);
                double available = total - reserved;
                double provisionedRatio = (CapacityMath.provisionedGb(state) + spec.sizeGb()) / available;
                if (provisionedRatio > ratio) {
                    return false;
                }
            }
            return CapacityMath.virtualFreeGb(state, spec.thin()) >= spec.sizeGb();
        }
    };

    /**
     * Cinder's {@code CapabilitiesFilter}: every unscoped or {@code capabilities:}-scoped extra spec is met
     * by the capability at its path; other scopes ({@code vendor:x}) are ignored.
     */
    BackendFilter CAPABILITIES = new BackendFilter() {
        @Override
        public String name() {
            return "CapabilitiesFilter";
        }

        @Override
        public boolean passes(BackendState state, RequestSpec spec) {
            for (Map.Entry<String, String> extra : spec.extraSpecs().entrySet()) {
                List<String> scope = new ArrayList<>(List.of(extra.getKey().split(":", -1)));
                if (scope.size() > 1 && !scope.get(0).equals("capabilities")) {
                    continue;
                }
                if (scope.get(0).equals("capabilities")) {
                    scope.remove(0);
                }
                JsonNode capability = state.capabilities().document();
                for (String step : scope) {
                    capability = capability == null || !capability.isObject() ? null : capability.get(step);
                    if (capability == null) {
                        return false;
                    }
                }
                List<Object> values = new ArrayList<>();
                if (capability.isArray()) {
                    capability.forEach(v -> values.add(plain(v)));
                } else {
                    values.add(plain(capability));
                }
                if (values.stream().noneMatch(v -> ExtraSpecsOps.match(v, extra.getValue()))) {
                    return false;
                }
            }
            return true;
        }

        private Object plain(JsonNode node) {
            if (node.isNull()) {
                return null;
            }
            if (node.isBoolean()) {
                return node.asBoolean();
            }
            if (node.isNumber()) {
                return node.numberValue();
            }
            return node.isString() ? node.asString() : node.toString();
        }
    };

    static BackendFilter byName(String name) {
        return switch (name.trim()) {
            case "AvailabilityZoneFilter" -> AVAILABILITY_ZONE;
            case "CapacityFilter" -> CAPACITY;
            case "CapabilitiesFilter" -> CAPABILITIES;
            default -> throw new IllegalArgumentException("unknown scheduler filter: " + name
                    + " (known: AvailabilityZoneFilter, CapacityFilter, CapabilitiesFilter)");
        };
    }
}
