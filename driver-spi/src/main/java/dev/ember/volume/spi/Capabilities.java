package dev.ember.volume.spi;

/** The one place where an optional capability is looked up on a driver. */
public final class Capabilities {
    private Capabilities() {
    }

    /**
     * Returns the driver as {@code capability}, or fails with {@link DriverErrorCode#NOT_SUPPORTED} and
     * the fixed message of {@link DriverException#notSupported(String)}.
     */
    public static <T> T require(VolumeDriver driver, Class<T> capability, String operation) throws DriverException {
        if (capability.isInstance(driver)) {
            return capability.cast(driver);
        }
        throw DriverException.notSupported(operation);
    }
}
