package dev.ember.api.validation;

import dev.ember.api.http.ApiException;
import dev.ember.common.type.VolumeTypeRepository;

/**
 * Cinder's reusable schema parts ({@code cinder/api/validation/parameter_types.py}) and format checks
 * ({@code validators.py}). Each method returns a fresh schema.
 */
public final class ParameterTypes {

    /** Cinder's {@code constants.DB_MAX_INT}. */
    public static final long DB_MAX_INT = 0x7FFFFFFF;

    /** Keys of metadata and extra specs. */
    public static final String KEY_PATTERN = "^[a-zA-Z0-9-_:. /]{1,255}$";

    private ParameterTypes() {
    }

    /** {@code volume_size}: an integer, or a string of digits, from 1 to DB_MAX_INT. */
    public static Schema volumeSize() {
        return Schema.of().type("integer", "string").pattern("^[0-9]+$").minimum(1).maximum(DB_MAX_INT);
    }

    /** {@code volume_size_allows_null}: what volume create takes (a clone or a volume from a snapshot inherits its size). */
    public static Schema volumeSizeAllowsNull() {
        return Schema.of().type("integer", "string", "null").pattern("^[0-9]+$").minimum(1).maximum(DB_MAX_INT);
    }

    /** {@code name_non_mandatory_remove_white_spaces}: string or null, at most 255 characters once stripped. */
    public static Schema optionalName(String field) {
        return Schema.of().type("string", "null").format("name_non_mandatory_remove_white_spaces",
                value -> checkLength(field, value));
    }

    /** {@code description_non_mandatory_remove_white_spaces}. */
    public static Schema optionalDescription(String field) {
        return optionalName(field);
    }

    /** {@code name_allow_zero_min_length}. */
    public static Schema nameAllowZeroMinLength() {
        return Schema.of().type("string", "null").minLength(0).maxLength(255);
    }

    /** {@code name}: a string of 1 to 255 characters that is not only spaces. */
    public static Schema name() {
        return Schema.of().type("string").minLength(1).maxLength(255).format("name", value -> {
            if (value.strip().isEmpty()) {
                throw ApiException.badRequest("The 'name' can not be empty.");
            }
            return true;
        });
    }

    /**
     * A string of Cinder's {@code name_skip_leading_trailing_spaces} format: not empty, and at most 255
     * characters once stripped (the caller strips it).
     */
    public static Schema nameSkipLeadingTrailingSpaces() {
        return Schema.of().type("string").format("name_skip_leading_trailing_spaces", ParameterTypes::nameFormat);
    }

    private static boolean nameFormat(String value) {
        String stripped = value.strip();
        if (value.isEmpty()) {
            throw ApiException.badRequest("An invalid 'name' value was provided. The 'name' can not be None.");
        }
        if (stripped.isEmpty()) {
            throw ApiException.badRequest("An invalid 'name' value was provided. The 'name' can not be empty.");
        }
        if (stripped.codePointCount(0, stripped.length()) > 255) {
            throw ApiException.badRequest("An invalid 'name' value was provided. The 'name' can not be greater than 255 "
                    + "characters.");
        }
        return true;
    }

    /** {@code description}: string or null, at most 255 printable characters. */
    public static Schema description() {
        return Schema.of().type("string", "null").minLength(0).maxLength(255)
                .pattern("^[^\\p{Cc}\\p{Co}\\p{Cs}\\p{Cn}]*$");
    }

    /** {@code availability_zone}. */
    public static Schema availabilityZone() {
        return Schema.of().type("string", "null").minLength(1).maxLength(255);
    }

    /** {@code optional_uuid}: null or a UUID string. */
    public static Schema optionalUuid() {
        return Schema.of().oneOf(Schema.of().type("null"), uuid());
    }

    public static Schema uuid() {
        return Schema.of().type("string").format("uuid", VolumeTypeRepository::looksLikeUuid);
    }

    /** {@code extra_specs}: string keys of the key pattern, string values of at most 255 characters. */
    public static Schema extraSpecs() {
        return Schema.of().type("object")
                .patternProperty(KEY_PATTERN, Schema.of().type("string").maxLength(255))
                .noAdditionalProperties();
    }

    /** {@code metadata_allows_null}. */
    public static Schema metadataAllowsNull() {
        return Schema.of().type("object", "null")
                .patternProperty(KEY_PATTERN, Schema.of().type("string").maxLength(255))
                .noAdditionalProperties();
    }

    /** {@code boolean}: JSON booleans and Cinder's accepted spellings. */
    public static Schema bool() {
        return Schema.of().type("boolean", "string").enumOf(true, "True", "TRUE", "true", "1", "ON", "On", "on",
                "YES", "Yes", "yes", "y", "t", false, "False", "FALSE", "false", "0", "OFF", "Off", "off",
                "NO", "No", "no", "n", "f");
    }

    /** {@code optional_boolean}. */
    public static Schema optionalBoolean() {
        return Schema.of().oneOf(Schema.of().type("null"), bool());
    }

    /**
     * oslo's {@code check_string_length} after stripping, as Cinder's name and description formats run
     * it: a failure is "Invalid input received: name has 300 characters, more than 255."
     */
    static boolean checkLength(String field, String value) {
        if (value == null || value.isEmpty()) {
            return true;
        }
        String stripped = value.strip();
        int length = stripped.codePointCount(0, stripped.length());
        if (length > 255) {
            throw ApiException.invalidInput(field + " has " + length + " characters, more than 255.");
        }
        return true;
    }
}
