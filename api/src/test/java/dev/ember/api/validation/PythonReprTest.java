package dev.ember.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.common.json.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PythonReprTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
        "abc"                 | 'abc'
        "it's"                | "it's"
        "a\\nb"               | 'a\\nb'
        "x\\u0000y"           | 'x\\x00y'
        "日本"                 | '日本'
        1                     | 1
        1.5                   | 1.5
        1e100                 | 1e+100
        0.00001               | 1e-05
        2.0                   | 2.0
        true                  | True
        null                  | None
        [1, "a"]              | [1, 'a']
        {"a": {"b": [true]}}  | {'a': {'b': [True]}}
        """)
    void reprsLikePython(String json, String expected) {
        assertThat(PythonRepr.repr(Json.parse(json))).isEqualTo(expected);
    }
}
