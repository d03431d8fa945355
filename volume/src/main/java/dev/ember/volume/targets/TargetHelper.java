package dev.ember.volume.targets;

import dev.ember.volume.spi.DriverException;
import java.util.List;
import java.util.Set;

/**
 * Exports block storage over iSCSI (Cinder's {@code cinder/volume/targets/}): apart from the drivers that
 * own the bytes, so any block source can be served by any target implementation. Every method is
 * idempotent and safe to call from several threads; a helper keeps what it needs to re-create its targets
 * after the target daemon loses them.
 */
public interface TargetHelper {

    /** Cinder's {@code target_helper} value, e.g. {@code tgtadm}. */
    String name();

    /** The LUN number the volume is served on (tgt: 1, LIO: 0). */
    int lun();

    /** Fails with a retriable error while the target daemon cannot be reached. */
    void check() throws DriverException;

    /**
     * Creates the target as described, or makes an existing one match the description.
     *
     * @return the target's number on the daemon (tgt's target id, LIO's TPG tag), for {@code provider_location}
     */
    int create(IscsiTarget target) throws DriverException;

    /** Re-creates those of these targets the daemon lost, from what the helper kept; unknown names are skipped. */
    void ensure(List<String> iqns) throws DriverException;

    /** Lets {@code initiator} log in to the target. */
    void allow(String iqn, String initiator) throws DriverException;

    /** Stops letting {@code initiator} log in; its open sessions are the daemon's to end. */
    void disallow(String iqn, String initiator) throws DriverException;

    /** Removes the target, its LUN, its ACLs and its CHAP account. */
    void remove(String iqn) throws DriverException;

    /** The names of the targets this helper keeps (for leak checks). */
    Set<String> targets() throws DriverException;
}
