package dev.ember.volume.drivers.noop;

import dev.ember.volume.spi.DriverConfig;
import dev.ember.volume.spi.DriverException;
import dev.ember.volume.spi.DriverOption;
import dev.ember.volume.spi.VolumeDriver;
import dev.ember.volume.spi.VolumeDriverFactory;
import java.util.List;

/** {@code volume_driver = noop}: keeps no bytes; for control-plane tests and benchmarks. */
public final class NoopDriverFactory implements VolumeDriverFactory {

    static final String CAPACITY = "noop_capacity_gb";
    static final String POOL = "noop_pool_name";
    static final String RESERVED = "reserved_percentage";
    static final String RATIO = "max_over_subscription_ratio";
    static final String THIN = "noop_thin_provisioning";

    @Override
    public String name() {
        return "noop";
    }

    @Override
    public List<DriverOption> options() {
        return List.of(
                DriverOption.of(CAPACITY, "1000", "Total capacity the backend reports, in GiB."),
                DriverOption.of(POOL, null, "Name of the backend's one pool; defaults to volume_backend_name."),
                DriverOption.of(RESERVED, "0", "Percentage of capacity kept free (Cinder's reserved_percentage)."),
                DriverOption.of(RATIO, "20.0", "Thin over-subscription limit (Cinder's max_over_subscription_ratio)."),
                DriverOption.of(THIN, "true", "Whether the pool provisions thin (true) or thick (false)."));
    }

    @Override
    public VolumeDriver create(DriverConfig config) throws DriverException {
        return new NoopDriver(
                config.get(POOL) != null ? config.get(POOL) : config.volumeBackendName(),
                config.getLong(CAPACITY, 1000),
                (int) config.getLong(RESERVED, 0),
                config.getDouble(RATIO, 20.0),
                config.getBoolean(THIN, true));
    }
}
