package dev.ember.volume.drivers.file;

import dev.ember.volume.spi.DriverConfig;
import dev.ember.volume.spi.DriverException;
import dev.ember.volume.spi.DriverOption;
import dev.ember.volume.spi.VolumeDriver;
import dev.ember.volume.spi.VolumeDriverFactory;
import java.nio.file.Path;
import java.util.List;

/** {@code volume_driver = file}: sparse files in a directory; the all-in-one's default backend. */
public final class FileDriverFactory implements VolumeDriverFactory {

    static final String DIRECTORY = "file_volumes_dir";
    static final String RESERVED = "reserved_percentage";
    static final String RATIO = "max_over_subscription_ratio";

    @Override
    public String name() {
        return "file";
    }

    @Override
    public List<DriverOption> options() {
        return List.of(
                DriverOption.of(DIRECTORY, null, "Directory holding the volumes' sparse files; "
                        + "defaults to <state_path>/<backend>/volumes."),
                DriverOption.of(RESERVED, "0", "Percentage of capacity kept free (Cinder's reserved_percentage)."),
                DriverOption.of(RATIO, "20.0", "Thin over-subscription limit (Cinder's max_over_subscription_ratio)."));
    }

    @Override
    public VolumeDriver create(DriverConfig config) throws DriverException {
        String dir = config.get(DIRECTORY);
        Path directory = dir != null ? Path.of(dir) : config.stateDir().resolve("volumes");
        return new FileDriver(config.volumeBackendName(), directory, (int) config.getLong(RESERVED, 0),
                config.getDouble(RATIO, 20.0));
    }
}
