package dev.ember.common.json;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.core.util.MinimalPrettyPrinter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The project's one JSON mapper. It writes exactly as Cinder's Python {@code json.dumps} does
 * ({@code ", "} and {@code ": "} separators, every non-ASCII character as a lower-case {@code \\uXXXX}
 * escape), so clients that compare bytes see Cinder's bytes, and it reads with limits that keep
 * hostile bodies (deep nesting, huge numbers, huge strings) from costing more than a 400.
 */
public final class Json {

    /** Deeper request bodies are refused as malformed. Cinder's largest legitimate body nests 4 levels. */
    public static final int MAX_NESTING_DEPTH = 64;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING_DEPTH)
                            .maxNumberLength(64)
                            .maxStringLength(1 << 20)
                            .build())
                    .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
                    .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
                    .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .build())
            .enable(SerializationFeature.INDENT_OUTPUT)
            .defaultPrettyPrinter(new PythonSeparators())
            .build();

    private Json() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** Parses a document; throws {@link JacksonException} for anything that is not one JSON value. */
    public static JsonNode parse(byte[] body) {
        return MAPPER.readTree(body);
    }

    public static JsonNode parse(String body) {
        return MAPPER.readTree(body);
    }

    public static String write(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    public static byte[] writeBytes(Object value) {
        return MAPPER.writeValueAsBytes(value);
    }

    public static JsonNode toTree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** Python's {@code json.dumps} separators: {@code ", "} between entries, {@code ": "} after names. */
    static final class PythonSeparators extends MinimalPrettyPrinter {
        @Override
        public void writeObjectNameValueSeparator(JsonGenerator g) {
            g.writeRaw(": ");
        }

        @Override
        public void writeObjectEntrySeparator(JsonGenerator g) {
            g.writeRaw(", ");
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) {
            g.writeRaw(", ");
        }
    }
}
