package dev.ember.api.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.api.http.ApiException;
import dev.ember.api.http.ApiVersion;
import dev.ember.common.json.Json;
import java.lang.reflect.Method;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Validation messages, character for character as Cinder (Zed) words them; the first three are
 * copied from ../shared/cinder-golden, the rest from python-jsonschema's wording.
 */
class VolumeSchemaMessagesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
        3.0  | {"volume": {"size": "abc"}}          | Invalid input for field/attribute size. Value: abc. 'abc' does not match '^[0-9]+$'
        3.70 | {"volume": {"size": 0}}              | Invalid input for field/attribute size. Value: 0. 0 is less than the minimum of 1
        3.70 | {"volume": {"size": 1, "foo": 1}}    | Invalid input for field/attribute volume. Value: {'size': 1, 'foo': 1}. Additional properties are not allowed ('foo' was unexpected)
        3.0  | {"volume": {"size": -1}}             | Invalid input for field/attribute size. Value: -1. -1 is less than the minimum of 1
        3.0  | {"volume": {"size": 9223372036854775808}} | Invalid input for field/attribute size. Value: 9223372036854775808. 9223372036854775808 is greater than the maximum of 2147483647
        3.0  | {"volume": {"size": 1.5}}            | Invalid input for field/attribute size. Value: 1.5. 1.5 is not of type 'integer', 'string', 'null'
        3.0  | {"volume": {"size": true}}           | Invalid input for field/attribute size. Value: True. True is not of type 'integer', 'string', 'null'
        3.0  | {"volume": {"size": "10"}}           |
        3.0  | {"volume": {"size": 1, "name": 5}}   | Invalid input for field/attribute name. Value: 5. 5 is not of type 'string', 'null'
        3.0  | {"volume": {"size": 1, "metadata": []}} | Invalid input for field/attribute metadata. Value: []. [] is not of type 'object', 'null'
        3.0  | {"volume": {"size": 1, "metadata": {"k": 1}}} | Invalid input for field/attribute k. Value: 1. 1 is not of type 'string'
        3.0  | {"volume": {"size": 1, "metadata": {"bad key!": "v"}}} | Invalid input for field/attribute metadata. Value: {'bad key!': 'v'}. Additional properties are not allowed ('bad key!' was unexpected)
        3.0  | {"volume": {"size": 1, "snapshot_id": "nope"}} | Invalid input for field/attribute snapshot_id. Value: nope. 'nope' is not valid under any of the given schemas
        3.0  | {"volume": {"size": 1, "foo": 1}}    |
        3.0  | {"size": 1}                          | 'volume' is a required property
        3.0  | []                                   | [] is not of type 'object'
        3.0  | {"volume": "x"}                      | Invalid input for field/attribute volume. Value: x. 'x' is not of type 'object'
        """)
    void createMessages(String version, String body, String expected) throws Exception {
        Schema schema = createSchema(ApiVersion.parse(version));
        if (expected == null) {
            schema.validate(Json.parse(body));
            return;
        }
        assertThatThrownBy(() -> schema.validate(Json.parse(body)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo(expected);
                });
    }

    @org.junit.jupiter.api.Test
    void longNamesAreInvalidInputWithOslosWording() throws Exception {
        String name = "n".repeat(300);
        assertThatThrownBy(() -> createSchema(ApiVersion.MIN).validate(Json.parse("{\"volume\": {\"size\": 1, \"name\": \"" + name + "\"}}")))
                .hasMessage("Invalid input received: name has 300 characters, more than 255.");
    }

    @org.junit.jupiter.api.Test
    void updateAt353NeedsOneKnownKey() throws Exception {
        Schema update = updateSchema(ApiVersion.parse("3.53"));
        assertThatThrownBy(() -> update.validate(Json.parse("{\"volume\": {\"size\": 5}}")))
                .hasMessage("Invalid input for field/attribute volume. Value: {'size': 5}. Additional properties are not allowed ('size' was unexpected)");
        assertThatThrownBy(() -> update.validate(Json.parse("{\"volume\": {}}")))
                .hasMessage("Invalid input for field/attribute volume. Value: {}. {} is not valid under any of the given schemas");
    }

    private static Schema createSchema(ApiVersion version) throws Exception {
        Method m = Class.forName("dev.ember.api.volume.VolumeSchemas").getDeclaredMethod("create", ApiVersion.class);
        m.setAccessible(true);
        return (Schema) m.invoke(null, version);
    }

    private static Schema updateSchema(ApiVersion version) throws Exception {
        Method m = Class.forName("dev.ember.api.volume.VolumeSchemas").getDeclaredMethod("update", ApiVersion.class);
        m.setAccessible(true);
        return (Schema) m.invoke(null, version);
    }
}
