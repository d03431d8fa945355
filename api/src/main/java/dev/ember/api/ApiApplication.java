package dev.ember.api;

import dev.ember.common.config.CommonConfiguration;
import dev.ember.common.config.RoleLauncher;
import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** The cinder-api process. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({CommonConfiguration.class, ApiRole.class})
public class ApiApplication {
    public static void main(String[] args) {
        RoleLauncher.run(new Class<?>[] {ApiApplication.class}, true, Map.of(), args);
    }
}
