package dev.ember.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ApiVersionTest {

    @Test
    void parsesAndCompares() {
        assertThat(ApiVersion.parse("3.44").atLeast(44)).isTrue();
        assertThat(ApiVersion.parse("3.44").atLeast(45)).isFalse();
        assertThat(ApiVersion.parse("3.9").compareTo(ApiVersion.parse("3.10"))).isNegative();
    }

    @Test
    void refusesMalformedStringsWithCindersMessage() {
        for (String bad : new String[] {"3.abc", "03.1", "3.01", "3", "", "3.1.1", " 3.1"}) {
            assertThatThrownBy(() -> ApiVersion.parse(bad)).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.getMessage()).isEqualTo("API Version String " + bad
                        + " is of invalid format. Must be of format MajorNum.MinorNum.");
            });
        }
    }
}
