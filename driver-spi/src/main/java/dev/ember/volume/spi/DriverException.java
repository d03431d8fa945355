package dev.ember.volume.spi;

import java.util.Objects;

/** The one exception type of the SPI, carrying a stable {@link DriverErrorCode}. */
public class DriverException extends Exception {

    private final DriverErrorCode code;

    public DriverException(DriverErrorCode code, String message) {
        this(code, message, null);
    }

    public DriverException(DriverErrorCode code, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message is null"), cause);
        this.code = Objects.requireNonNull(code, "code is null");
    }

    public DriverErrorCode code() {
        return code;
    }

    /** The failure of an optional operation the driver does not implement; the message is fixed. */
    public static DriverException notSupported(String operation) {
        return new DriverException(DriverErrorCode.NOT_SUPPORTED, "operation not supported by this driver: " + operation);
    }
}
