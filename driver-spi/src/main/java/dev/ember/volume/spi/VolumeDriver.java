package dev.ember.volume.spi;

/**
 * The mandatory core of a storage driver, shaped after Cinder's {@code VolumeDriver}.
 *
 * <h2>Lifecycle</h2>
 * <ol>
 *   <li>The manager creates the driver through its {@link VolumeDriverFactory}, then calls
 *       {@link #start()} once, before any other method. A driver whose storage is unreachable may
 *       throw a {@link RetriableDriverException}; the manager retries {@code start()} later and reports
 *       the backend as down meanwhile.
 *   <li>Then any method may be called, from several threads at once, but never twice at once for the
 *       same volume: the manager serialises operations per volume.
 *   <li>{@link #close()} is called once on shutdown; it must release connections and threads.
 * </ol>
 *
 * <h2>Idempotency</h2>
 * Messages can be redelivered and the manager re-drives unfinished operations after a crash, so
 * {@link #createVolume}, {@link #deleteVolume} and {@link #extendVolume} must be idempotent: creating a
 * volume that already exists with the requested size succeeds; deleting one that does not exist
 * succeeds; extending to the size the volume already has succeeds.
 *
 * <h2>Errors</h2>
 * Every failure is a {@link DriverException} with a stable {@link DriverErrorCode}. Whether the manager
 * retries is decided by type ({@link RetriableDriverException}), never by parsing messages. Every call
 * must return or fail within the driver's configured timeout: a driver never hangs a manager thread.
 */
public interface VolumeDriver extends AutoCloseable {

    /** Connects to the storage and checks the configuration. Called once, before anything else. */
    void start() throws DriverException;

    /**
     * Reports capacity and capabilities now (Cinder's {@code get_volume_stats(refresh=True)}).
     * Called periodically from one thread; must be cheap enough to run every few seconds.
     */
    BackendStats stats() throws DriverException;

    /**
     * Creates an empty volume of {@code volume.sizeGb()} GiB in {@code volume.pool()}.
     *
     * @return what the manager must store about the volume (for example a provider location), or
     *     {@link ModelUpdate#NONE}
     */
    ModelUpdate createVolume(VolumeSpec volume) throws DriverException;

    /** Deletes the volume and its bytes. A volume that does not exist is already deleted: succeed. */
    void deleteVolume(VolumeSpec volume) throws DriverException;

    /**
     * Grows the volume to {@code newSizeGb} GiB, keeping its bytes. A request to shrink fails with
     * {@link DriverErrorCode#INVALID_ARGUMENT}.
     */
    void extendVolume(VolumeSpec volume, int newSizeGb) throws DriverException;

    /** Releases connections and threads. Must not throw. */
    @Override
    void close();
}
