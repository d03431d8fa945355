package dev.ember.api.snapshot;

import static dev.ember.api.validation.ParameterTypes.bool;
import static dev.ember.api.validation.ParameterTypes.description;
import static dev.ember.api.validation.ParameterTypes.metadataAllowsNull;
import static dev.ember.api.validation.ParameterTypes.nameAllowZeroMinLength;
import static dev.ember.api.validation.ParameterTypes.uuid;

import dev.ember.api.validation.Schema;
import java.util.LinkedHashMap;
import java.util.Map;

/** The snapshot request bodies, after Cinder's {@code cinder/api/schemas/snapshots.py}. */
final class SnapshotSchemas {

    static final Schema CREATE = create();
    static final Schema UPDATE = update();

    private SnapshotSchemas() {
    }

    private static Schema create() {
        Map<String, Schema> props = new LinkedHashMap<>();
        props.put("name", nameAllowZeroMinLength());
        props.put("display_name", nameAllowZeroMinLength());
        props.put("description", description());
        props.put("volume_id", Schema.of().oneOf(uuid(), Schema.of().type("null")));
        props.put("force", bool());
        props.put("metadata", metadataAllowsNull());
        return Schema.of().type("object")
                .property("snapshot", Schema.of().type("object").properties(props).required("volume_id")
                        .noAdditionalProperties())
                .required("snapshot").noAdditionalProperties();
    }

    private static Schema update() {
        Map<String, Schema> props = new LinkedHashMap<>();
        props.put("name", nameAllowZeroMinLength());
        props.put("description", description());
        props.put("display_name", nameAllowZeroMinLength());
        props.put("display_description", description());
        return Schema.of().type("object")
                .property("snapshot", Schema.of().type("object").properties(props).noAdditionalProperties()
                        .requireAnyOf("name", "description", "display_name", "display_description"))
                .required("snapshot").noAdditionalProperties();
    }
}
