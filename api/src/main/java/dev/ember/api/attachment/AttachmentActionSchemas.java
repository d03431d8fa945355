package dev.ember.api.attachment;

import static dev.ember.api.validation.ParameterTypes.uuid;

import dev.ember.api.validation.Schema;
import java.util.LinkedHashMap;
import java.util.Map;

/** The bodies of the legacy attach actions, after Cinder's {@code cinder/api/schemas/volume_actions.py}. */
public final class AttachmentActionSchemas {

    public static final Schema ATTACH = attach();
    public static final Schema DETACH = Schema.of().type("object")
            .property("os-detach", Schema.of().type("object", "null")
                    .property("attachment_id", Schema.of().oneOf(Schema.of().type("null"), uuid()))
                    .noAdditionalProperties())
            .required("os-detach").noAdditionalProperties();
    public static final Schema INITIALIZE_CONNECTION = Schema.of().type("object")
            .property("os-initialize_connection", Schema.of().type("object")
                    .property("connector", Schema.of().type("object", "string"))
                    .required("connector").noAdditionalProperties())
            .required("os-initialize_connection").noAdditionalProperties();
    public static final Schema TERMINATE_CONNECTION = Schema.of().type("object")
            .property("os-terminate_connection", Schema.of().type("object")
                    .property("connector", Schema.of().type("string", "object", "null"))
                    .required("connector").noAdditionalProperties())
            .required("os-terminate_connection").noAdditionalProperties();

    private AttachmentActionSchemas() {
    }

    private static Schema attach() {
        Map<String, Schema> props = new LinkedHashMap<>();
        props.put("instance_uuid", uuid());
        props.put("mountpoint", Schema.of().type("string").minLength(1).maxLength(255));
        props.put("host_name", Schema.of().type("string").maxLength(255));
        props.put("mode", Schema.of().type("string").enumOf("rw", "ro"));
        return Schema.of().type("object")
                .property("os-attach", Schema.of().type("object").properties(props).required("mountpoint")
                        .requireAnyOf("instance_uuid", "host_name").noAdditionalProperties())
                .required("os-attach").noAdditionalProperties();
    }
}
