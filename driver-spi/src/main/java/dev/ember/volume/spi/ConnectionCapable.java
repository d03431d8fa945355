package dev.ember.volume.spi;

import java.util.List;

/**
 * Optional capability: attaching volumes to hosts (Cinder's export and connection methods).
 *
 * <h2>Lifecycle</h2>
 * For one volume the manager calls, never two at once:
 * <ol>
 *   <li>{@link #validateConnector} before anything else for a connector;
 *   <li>{@link #createExport} when the volume is first attached; what it returns is stored on the volume
 *       ({@code provider_location}, {@code provider_auth}) and passed back in later {@link VolumeSpec}s;
 *   <li>{@link #initializeConnection} for each host that attaches;
 *   <li>{@link #terminateConnection} for each host that detaches;
 *   <li>{@link #removeExport} when no attachment remains.
 * </ol>
 * {@link #ensureExports} is called when the volume service starts and periodically after, with every
 * volume that should be exported: it re-creates whatever the storage lost (a target daemon restarted)
 * so that the connection info hosts hold keeps working.
 *
 * <h2>Idempotency</h2>
 * Every method may be called again after a crash or a redelivered message: creating an export that
 * exists, initializing a connection already initialized, terminating or removing one that is gone, all
 * succeed.
 */
public interface ConnectionCapable {

    /**
     * Checks that the connector carries what this protocol needs (for iSCSI, an {@code initiator});
     * fails with {@link DriverErrorCode#INVALID_ARGUMENT} otherwise.
     */
    default void validateConnector(Connector connector) throws DriverException {
    }

    /** Exports the volume so hosts can reach it; returns what to store on the volume. */
    ModelUpdate createExport(VolumeSpec volume) throws DriverException;

    /** Re-creates the exports of these volumes where the storage lost them; a volume never exported is skipped. */
    void ensureExports(List<VolumeSpec> volumes) throws DriverException;

    /** Lets {@code connector}'s host reach the exported volume and tells it how. */
    ConnectionInfo initializeConnection(VolumeSpec volume, Connector connector) throws DriverException;

    /** Withdraws {@code connector}'s host's access; its other volumes and other hosts are untouched. */
    void terminateConnection(VolumeSpec volume, Connector connector) throws DriverException;

    /** Removes the export and everything made for it (target, ACLs, credentials). */
    void removeExport(VolumeSpec volume) throws DriverException;
}
