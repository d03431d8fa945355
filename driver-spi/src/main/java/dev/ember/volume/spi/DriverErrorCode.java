package dev.ember.volume.spi;

/** Stable error codes of the driver SPI. The manager maps them to volume states and user messages. */
public enum DriverErrorCode {
    /** The driver does not implement an optional operation. */
    NOT_SUPPORTED,
    /** The backend section is wrong: a missing or malformed option. Fails start-up. */
    INVALID_CONFIGURATION,
    /** The request cannot be done as asked (for example shrinking a volume). */
    INVALID_ARGUMENT,
    /** The storage has no room for the request. */
    INSUFFICIENT_CAPACITY,
    /** The object the request names does not exist on the storage. */
    NOT_FOUND,
    /** The object exists already (a create that raced another). */
    ALREADY_EXISTS,
    /** The object is in use by others that depend on it (a snapshot with clones, an image with snapshots). */
    BUSY,
    /** The storage cannot be reached or timed out. Always a {@link RetriableDriverException}. */
    BACKEND_UNAVAILABLE,
    /** Anything else. */
    INTERNAL
}
