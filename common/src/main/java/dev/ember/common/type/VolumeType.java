package dev.ember.common.type;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A volume type with its extra specs. */
public record VolumeType(
        String id, String name, String description, boolean isPublic, String qosSpecsId,
        Map<String, String> extraSpecs, Instant createdAt, Instant updatedAt) {

    public VolumeType {
        extraSpecs = extraSpecs == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extraSpecs));
    }

    /** Whether volumes of this type may attach to several hosts at once: Cinder's {@code multiattach = "<is> True"}. */
    public boolean multiattach() {
        return "<is> True".equals(extraSpecs.get("multiattach"));
    }

    /** Whether hosts may cache the volume: Cinder's {@code cacheable = "<is> True"}. */
    public boolean cacheable() {
        return "<is> True".equals(extraSpecs.get("cacheable"));
    }

    public VolumeType withExtraSpecs(Map<String, String> specs) {
        return new VolumeType(id, name, description, isPublic, qosSpecsId, specs, createdAt, updatedAt);
    }
}
