package dev.ember.common.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;

class JsonTest {

    @Test
    void writesLikePythonsJsonDumps() {
        var node = Json.object();
        node.put("name", "日本 😀");
        node.putArray("list").add(1).add("x");
        node.putObject("empty");
        node.putArray("none");
        node.put("f", 7.6);
        assertThat(Json.write(node)).isEqualTo(
                "{\"name\": \"\\u65e5\\u672c \\ud83d\\ude00\", \"list\": [1, \"x\"], \"empty\": {}, \"none\": [], \"f\": 7.6}");
    }

    @Test
    void refusesDeepNesting() {
        String deep = "[".repeat(Json.MAX_NESTING_DEPTH + 10) + "]".repeat(Json.MAX_NESTING_DEPTH + 10);
        assertThatThrownBy(() -> Json.parse(deep)).isInstanceOf(JacksonException.class);
    }

    @Test
    void refusesNaN() {
        assertThatThrownBy(() -> Json.parse("{\"size\": NaN}")).isInstanceOf(JacksonException.class);
    }
}
