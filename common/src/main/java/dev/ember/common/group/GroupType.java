package dev.ember.common.group;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/** A group type ({@code group_types} and its {@code group_type_specs}). */
public record GroupType(String id, String name, String description, boolean isPublic, Map<String, String> specs,
        Instant createdAt) {

    /** Cinder's migration-made type for consistency groups; groups of it are not served by the groups API. */
    public static final String DEFAULT_CGSNAPSHOT_TYPE = "default_cgsnapshot_type";

    public GroupType {
        Objects.requireNonNull(id, "id is null");
        Objects.requireNonNull(name, "name is null");
        specs = specs == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(specs));
    }
}
