package dev.ember.volume.drivers;

import dev.ember.volume.drivers.noop.NoopDriverFactory;
import dev.ember.volume.manager.DriverLoader;
import dev.ember.volume.spi.VolumeDriver;
import dev.ember.volume.spi.VolumeDriverContractTest;
import dev.ember.volume.spi.VolumeSpec;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Map;

/** The noop driver under the contract kit; its "storage" is its own record of volumes. */
class NoopDriverTest extends VolumeDriverContractTest {

    @Override
    protected VolumeDriver newDriver(Path scratch) throws Exception {
        NoopDriverFactory factory = new NoopDriverFactory();
        return factory.create(DriverLoader.config(factory, "noop1", "test@noop1",
                Map.of("volume_driver", "noop", "noop_capacity_gb", "100"), scratch));
    }

    @Override
    protected boolean existsOnBackend(VolumeSpec volume) throws Exception {
        Method holds = driver.getClass().getDeclaredMethod("holds", String.class);
        holds.setAccessible(true);
        return (boolean) holds.invoke(driver, volume.name());
    }

    @Override
    protected long sizeOnBackend(VolumeSpec volume) {
        return -1;
    }
}
