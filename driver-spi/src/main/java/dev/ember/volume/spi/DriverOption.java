package dev.ember.volume.spi;

import java.util.Objects;

/**
 * One configuration option a driver reads from its backend section.
 *
 * @param name Cinder's option name, lower case with underscores (e.g. {@code rbd_pool})
 * @param defaultValue the value used when the section does not set it; null means "no default"
 * @param secret whether the value must be masked wherever configuration is printed or logged
 * @param help one sentence for the generated sample configuration
 */
public record DriverOption(String name, String defaultValue, boolean secret, String help) {
    public DriverOption {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(help, "help is null");
    }

    public static DriverOption of(String name, String defaultValue, String help) {
        return new DriverOption(name, defaultValue, false, help);
    }

    public static DriverOption secret(String name, String help) {
        return new DriverOption(name, null, true, help);
    }
}
