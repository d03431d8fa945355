package dev.ember.volume.spi;

/**
 * A failure that may pass if the same call is made again later: the storage was unreachable, busy or
 * timed out. The manager retries by this type and never by the message.
 */
public class RetriableDriverException extends DriverException {
    public RetriableDriverException(String message, Throwable cause) {
        super(DriverErrorCode.BACKEND_UNAVAILABLE, message, cause);
    }

    public RetriableDriverException(String message) {
        this(message, null);
    }
}
