package dev.ember.scheduler;

import dev.ember.common.config.CommonConfiguration;
import dev.ember.common.config.RoleLauncher;
import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** The cinder-scheduler process. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({CommonConfiguration.class, SchedulerRole.class})
public class SchedulerApplication {
    public static void main(String[] args) {
        RoleLauncher.run(new Class<?>[] {SchedulerApplication.class}, false, Map.of(), args);
    }
}
