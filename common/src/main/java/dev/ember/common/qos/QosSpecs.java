package dev.ember.common.qos;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A QoS spec: a name, who applies it ({@code consumer}: {@code back-end}, {@code front-end} or {@code both}), and its
 * keys ({@code read_iops_sec}...). Front-end specs reach the hypervisor in {@code connection_info.data.qos_specs}.
 */
public record QosSpecs(String id, String name, String consumer, Map<String, String> specs, Instant createdAt,
        Instant updatedAt) {

    public static final String BACK_END = "back-end";
    public static final String FRONT_END = "front-end";
    public static final String BOTH = "both";
    /** Cinder's {@code QoSConsumerValues}, in its order. */
    public static final List<String> CONSUMERS = List.of(BACK_END, FRONT_END, BOTH);

    public QosSpecs {
        Objects.requireNonNull(id, "id is null");
        specs = specs == null ? Map.of() : specs;
    }

    /** Whether the hypervisor applies it ({@code front-end} or {@code both}). */
    public boolean frontEnd() {
        return FRONT_END.equals(consumer) || BOTH.equals(consumer);
    }
}
