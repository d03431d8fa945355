package dev.ember.common.rpc;

/**
 * The broker did not take a message (down, unreachable, or it refused or did not confirm the publish).
 * The message may or may not have been delivered; the caller must be safe either way.
 */
public class BusUnavailableException extends RuntimeException {
    public BusUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
