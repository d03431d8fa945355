package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The golden comparison can fail: a body of another microversion or another id does not pass. */
class GoldenSelfTest {

    private static JsonNode body(String name) {
        return Golden.sample(name).get("response").get("body");
    }

    @Test
    void aSampleMatchesItselfWithItsPlaceholdersBound() {
        JsonNode show = body("volume-show@3.0").deepCopy();
        ((tools.jackson.databind.node.ObjectNode) show.get("volume")).put("id", "11111111-2222-3333-4444-555555555555");
        ((tools.jackson.databind.node.ObjectNode) show.get("volume").get("links").get(0)).put("href",
                "http://10.0.0.1:8776/v3/p1/volumes/11111111-2222-3333-4444-555555555555");
        ((tools.jackson.databind.node.ObjectNode) show.get("volume").get("links").get(1)).put("href",
                "http://10.0.0.1:8776/p1/volumes/11111111-2222-3333-4444-555555555555");
        ((tools.jackson.databind.node.ObjectNode) show.get("volume")).put("os-vol-tenant-attr:tenant_id", "p1");
        ((tools.jackson.databind.node.ObjectNode) show.get("volume")).put("created_at", "2026-11-24T08:00:00.123456");
        ((tools.jackson.databind.node.ObjectNode) show.get("volume")).put("updated_at", "2026-11-24T08:00:01.000000");
        assertThatCode(() -> Golden.assertNodeMatches("volume-show@3.0", "volume", show.get("volume"), "p1", Set.of()))
                .doesNotThrowAnyException();
    }

    @Test
    void anotherMicroversionsBodyDoesNotMatch() {
        JsonNode newer = body("volume-show@3.70");
        assertThatThrownBy(() -> Golden.assertNodeMatches("volume-show@3.0", "volume", newer.get("volume"), "{project_id}", Set.of()))
                .isInstanceOf(AssertionError.class).hasMessageContaining("keys in order");
    }

    @Test
    void inconsistentIdsDoNotMatch() {
        JsonNode show = body("volume-show@3.0").deepCopy();
        ((tools.jackson.databind.node.ObjectNode) show.get("volume")).put("id", "11111111-2222-3333-4444-555555555555");
        assertThatThrownBy(() -> Golden.assertNodeMatches("volume-show@3.0", "volume", show.get("volume"), "{project_id}", Set.of()))
                .isInstanceOf(AssertionError.class);
    }
}
