package dev.ember.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/** How cinder.conf files rank among the other sources of a role's configuration. */
class RoleLauncherTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(CinderProperties.class)
    static class PropertiesOnly {
    }

    @TempDir
    Path dir;

    @Test
    void cinderConfRanksBelowArgumentsAndAboveSpringFilesAndDefaults() throws Exception {
        Path conf = Files.writeString(dir.resolve("cinder.conf"), """
                [DEFAULT]
                host = from-conf
                report_interval = 3
                service_down_time = 30
                quota_volumes = 7
                [backend_defaults]
                reserved_percentage = 5
                [noop-1]
                volume_driver = noop
                """);
        Path spring = Files.writeString(dir.resolve("extra.properties"), "cinder.quota-volumes=99\ncinder.quota-snapshots=42\n");
        try (ConfigurableApplicationContext context = RoleLauncher.run(new Class<?>[] {PropertiesOnly.class}, false,
                Map.of("cinder.report-interval", "9", "cinder.quota-groups", "11"),
                new String[] {"--config-file", conf.toString(), "--cinder.host=from-argument",
                        "--spring.config.additional-location=file:" + spring})) {
            CinderProperties properties = context.getBean(CinderProperties.class);
            assertThat(properties.host()).isEqualTo("from-argument");
            assertThat(properties.reportInterval()).as("the file over the role's default").isEqualTo(3);
            assertThat(properties.serviceDownTime()).isEqualTo(30);
            assertThat(properties.quotaVolumes()).as("the file over a Spring configuration file").isEqualTo(7);
            assertThat(properties.quotaSnapshots()).as("a Spring file still sets what the conf does not").isEqualTo(42);
            assertThat(properties.quotaGroups()).isEqualTo(11);
            assertThat(properties.backend("noop-1")).containsEntry("volume_driver", "noop")
                    .containsEntry("reserved_percentage", "5");
        }
    }
}
