package dev.ember.api.attachment;

import static dev.ember.api.validation.ParameterTypes.uuid;

import dev.ember.api.http.ApiVersion;
import dev.ember.api.validation.Schema;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The attachment request bodies, after Cinder's {@code cinder/api/schemas/attachments.py}.
 */
final class AttachmentSchemas {

    private static final Schema CREATE = create(false);
    private static final Schema CREATE_3_54 = create(true);
    static final Schema UPDATE = Schema.of().type("object")
            .property("attachment", Schema.of().type("object")
                    .property("connector", Schema.of().type("object").minProperties(1))
                    .required("connector").noAdditionalProperties())
            .required("attachment").noAdditionalProperties();

    private AttachmentSchemas() {
    }

    static Schema create(ApiVersion version) {
        return version.atLeast(54) ? CREATE_3_54 : CREATE;
    }

    private static Schema create(boolean mode) {
        Map<String, Schema> props = new LinkedHashMap<>();
        props.put("instance_uuid", uuid());
        props.put("connector", Schema.of().type("object", "null"));
        props.put("volume_uuid", uuid());
        if (mode) {
            props.put("mode", Schema.of().type("string").enumOf("rw", "ro"));
        }
        return Schema.of().type("object")
                .property("attachment", Schema.of().type("object").properties(props).required("volume_uuid")
                        .noAdditionalProperties())
                .required("attachment").noAdditionalProperties();
    }

}
