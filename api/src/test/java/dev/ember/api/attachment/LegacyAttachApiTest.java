package dev.ember.api.attachment;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LegacyAttachApiTest {

    @Test
    void hostNamesAreSanitisedAsCindersSanitizeHostname() {
        assertThat(LegacyAttachApi.sanitizeHostname("My Host_01.example.com")).isEqualTo("my-host-01.example.com");
        assertThat(LegacyAttachApi.sanitizeHostname("..weird;name$-")).isEqualTo("weirdname");
    }
}
