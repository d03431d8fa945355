package dev.ember.api.volume;

import static dev.ember.api.validation.ParameterTypes.availabilityZone;
import static dev.ember.api.validation.ParameterTypes.extraSpecs;
import static dev.ember.api.validation.ParameterTypes.metadataAllowsNull;
import static dev.ember.api.validation.ParameterTypes.nameAllowZeroMinLength;
import static dev.ember.api.validation.ParameterTypes.optionalBoolean;
import static dev.ember.api.validation.ParameterTypes.optionalDescription;
import static dev.ember.api.validation.ParameterTypes.optionalName;
import static dev.ember.api.validation.ParameterTypes.optionalUuid;
import static dev.ember.api.validation.ParameterTypes.volumeSizeAllowsNull;

import dev.ember.api.http.ApiVersion;
import dev.ember.api.validation.Schema;
import java.util.LinkedHashMap;
import java.util.Map;

/** The volume request bodies, after Cinder's {@code cinder/api/schemas/volumes.py}, per microversion. */
final class VolumeSchemas {

    private static final Schema CREATE_3_0 = create(false, false, false);
    private static final Schema CREATE_3_13 = create(true, false, false);
    private static final Schema CREATE_3_47 = create(true, true, false);
    private static final Schema CREATE_3_53 = create(true, true, true);
    private static final Schema UPDATE = update(false);
    private static final Schema UPDATE_3_53 = update(true);

    private VolumeSchemas() {
    }

    static Schema create(ApiVersion version) {
        if (version.atLeast(53)) {
            return CREATE_3_53;
        }
        if (version.atLeast(47)) {
            return CREATE_3_47;
        }
        return version.atLeast(13) ? CREATE_3_13 : CREATE_3_0;
    }

    static Schema update(ApiVersion version) {
        return version.atLeast(53) ? UPDATE_3_53 : UPDATE;
    }

    private static Schema create(boolean groupId, boolean backupId, boolean strict) {
        Map<String, Schema> props = new LinkedHashMap<>();
        props.put("name", optionalName("name"));
        props.put("description", optionalDescription("description"));
        props.put("display_name", optionalName("name"));
        props.put("display_description", optionalDescription("description"));
        props.put("volume_type", nameAllowZeroMinLength());
        props.put("metadata", metadataAllowsNull());
        props.put("snapshot_id", optionalUuid());
        props.put("source_volid", optionalUuid());
        props.put("consistencygroup_id", optionalUuid());
        props.put("size", volumeSizeAllowsNull());
        props.put("availability_zone", availabilityZone());
        props.put("multiattach", optionalBoolean());
        props.put("image_id", Schema.of().type("string", "null").minLength(0).maxLength(255));
        props.put("imageRef", Schema.of().type("string", "null").minLength(0).maxLength(255));
        if (groupId) {
            props.put("group_id", Schema.of().type("string", "null").minLength(0).maxLength(255));
        }
        if (backupId) {
            props.put("backup_id", optionalUuid());
        }
        Schema volume = Schema.of().type("object").properties(props);
        if (strict) {
            volume.noAdditionalProperties();
        }
        Map<String, Schema> top = new LinkedHashMap<>();
        top.put("volume", volume);
        top.put("OS-SCH-HNT:scheduler_hints", Schema.of().type("object", "null"));
        return Schema.of().type("object").properties(top).required("volume").noAdditionalProperties();
    }

    private static Schema update(boolean requireOne) {
        Map<String, Schema> props = new LinkedHashMap<>();
        props.put("name", optionalName("name"));
        props.put("description", optionalDescription("description"));
        props.put("display_name", optionalName("name"));
        props.put("display_description", optionalDescription("description"));
        props.put("metadata", extraSpecs());
        Schema volume = Schema.of().type("object").properties(props).noAdditionalProperties();
        if (requireOne) {
            volume.requireAnyOf("name", "description", "display_name", "display_description", "metadata");
        }
        return Schema.of().type("object").property("volume", volume).required("volume").noAdditionalProperties();
    }
}
