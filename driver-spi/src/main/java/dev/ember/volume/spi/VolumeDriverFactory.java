package dev.ember.volume.spi;

import java.util.List;
import java.util.Set;

/**
 * Creates drivers of one kind. Implementations are found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.ember.volume.spi.VolumeDriverFactory}).
 *
 * <p>A backend's configuration section names its driver by {@link #name()} or by one of
 * {@link #aliases()} (for example Cinder's class path {@code cinder.volume.drivers.rbd.RBDDriver}),
 * so that an existing {@code cinder.conf} section keeps working.
 */
public interface VolumeDriverFactory {

    /** Short name used in configuration, e.g. {@code noop}, {@code file}, {@code rbd}. */
    String name();

    /** Other names accepted in configuration, such as Cinder driver class paths. */
    default Set<String> aliases() {
        return Set.of();
    }

    /**
     * Every option this driver reads from its backend section. Keys not declared here, by the driver or
     * by the manager, fail start-up, so a misspelt option is never silently ignored.
     */
    List<DriverOption> options();

    /** Builds a driver for one backend. Must not touch the storage: that happens in {@code start()}. */
    VolumeDriver create(DriverConfig config) throws DriverException;
}
