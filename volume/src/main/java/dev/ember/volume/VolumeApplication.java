package dev.ember.volume;

import dev.ember.common.config.CommonConfiguration;
import dev.ember.common.config.RoleLauncher;
import dev.ember.volume.manager.VolumeRole;
import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** The cinder-volume process. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({CommonConfiguration.class, VolumeRole.class})
public class VolumeApplication {
    public static void main(String[] args) {
        RoleLauncher.run(new Class<?>[] {VolumeApplication.class}, false, Map.of(), args);
    }
}
