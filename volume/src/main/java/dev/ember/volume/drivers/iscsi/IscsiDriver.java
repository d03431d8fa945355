package dev.ember.volume.drivers.iscsi;

import dev.ember.volume.spi.BackendStats;
import dev.ember.volume.spi.ConnectionCapable;
import dev.ember.volume.spi.ConnectionInfo;
import dev.ember.volume.spi.Connector;
import dev.ember.volume.spi.DriverErrorCode;
import dev.ember.volume.spi.DriverException;
import dev.ember.volume.spi.ModelUpdate;
import dev.ember.volume.spi.RetypeCapable;
import dev.ember.volume.spi.VolumeDriver;
import dev.ember.volume.spi.VolumeSpec;
import dev.ember.volume.targets.ChapCredentials;
import dev.ember.volume.targets.IscsiTarget;
import dev.ember.volume.targets.TargetHelper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code volume_driver = iscsi}, the "ipSAN" backend: a {@link BlockSource} holds the bytes and a
 * {@link TargetHelper} exports each volume as its own iSCSI target, as Cinder's LVM driver with a target
 * helper does. Per volume: target {@code <target_prefix>volume-<id>}, one LUN, its own CHAP account
 * (stored as {@code provider_auth = "CHAP <user> <secret>"}), and an ACL listing the initiators of the hosts
 * it is attached to, so only they can log in. As with Cinder's tgt and LIO helpers, CHAP is always on
 * ({@code use_chap_auth} is not read).
 */
final class IscsiDriver implements VolumeDriver, ConnectionCapable, RetypeCapable {

    private final String pool;
    private final BlockSource source;
    private final TargetHelper targets;
    private final String targetPrefix;
    private final List<String> portals;

    /** @param portals {@code ip:port} portals, the primary ({@code target_ip_address:target_port}) first */
    IscsiDriver(String pool, BlockSource source, TargetHelper targets, String targetPrefix, List<String> portals) {
        this.pool = pool;
        this.source = source;
        this.targets = targets;
        this.targetPrefix = targetPrefix;
        this.portals = List.copyOf(portals);
    }

    @Override
    public void start() throws DriverException {
        source.start();
        targets.check();
    }

    @Override
    public BackendStats stats() throws DriverException {
        targets.check();
        return new BackendStats("Open Source", "1.0.0", "iSCSI", false, List.of(source.stats(pool)));
    }

    @Override
    public ModelUpdate createVolume(VolumeSpec volume) throws DriverException {
        source.create(volume);
        return ModelUpdate.NONE;
    }

    /** Removes the export first, so a target never outlives its bytes. */
    @Override
    public void deleteVolume(VolumeSpec volume) throws DriverException {
        targets.remove(iqn(volume));
        source.delete(volume);
    }

    /** Retypes in place: the block source and target do not depend on the volume type. */
    @Override
    public boolean retype(VolumeSpec volume, java.util.Map<String, String> newExtraSpecs) {
        return true;
    }

    @Override
    public void extendVolume(VolumeSpec volume, int newSizeGb) throws DriverException {
        source.extend(volume, newSizeGb);
    }

    // ----- attach ---------------------------------------------------------------------------------

    @Override
    public void validateConnector(Connector connector) throws DriverException {
        if (connector.initiator() == null || connector.initiator().isBlank()) {
            throw new DriverException(DriverErrorCode.INVALID_ARGUMENT,
                    "The volume driver requires the iSCSI initiator name in the connector.");
        }
        if (!IscsiTarget.validInitiator(connector.initiator())) {
            throw new DriverException(DriverErrorCode.INVALID_ARGUMENT,
                    "The connector's initiator is not an iSCSI name: " + connector.initiator());
        }
    }

    @Override
    public ModelUpdate createExport(VolumeSpec volume) throws DriverException {
        ChapCredentials chap = chap(volume);
        IscsiTarget current = new IscsiTarget(iqn(volume), source.backingStore(volume), chap, Set.of());
        int tid = targets.create(current);
        String location = String.join(";", portals) + "," + tid + " " + current.iqn() + " " + targets.lun();
        return ModelUpdate.export(location, chap.providerAuth());
    }

    @Override
    public void ensureExports(List<VolumeSpec> volumes) throws DriverException {
        List<String> iqns = new ArrayList<>();
        for (VolumeSpec volume : volumes) {
            iqns.add(iqn(volume));
        }
        targets.ensure(iqns);
    }

    /**
     * Cinder's iSCSI properties ({@code cinder/volume/targets/iscsi.py _get_iscsi_properties}): the primary
     * portal, the target and LUN, CHAP, and the plural keys when the host uses multipath or there are
     * secondary portals.
     */
    @Override
    public ConnectionInfo initializeConnection(VolumeSpec volume, Connector connector) throws DriverException {
        validateConnector(connector);
        String iqn = iqn(volume);
        targets.allow(iqn, connector.initiator());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("target_discovered", false);
        data.put("target_portal", portals.get(0));
        data.put("target_iqn", iqn);
        data.put("target_lun", targets.lun());
        if (connector.multipath() || portals.size() > 1) {
            data.put("target_portals", portals);
            data.put("target_iqns", java.util.Collections.nCopies(portals.size(), iqn));
            data.put("target_luns", java.util.Collections.nCopies(portals.size(), targets.lun()));
        }
        data.put("volume_id", volume.id());
        ChapCredentials chap = ChapCredentials.parse(volume.providerAuth());
        if (chap != null) {
            data.put("auth_method", "CHAP");
            data.put("auth_username", chap.username());
            data.put("auth_password", chap.secret());
        }
        return new ConnectionInfo("iscsi", data);
    }

    @Override
    public void terminateConnection(VolumeSpec volume, Connector connector) throws DriverException {
        if (connector == null || connector.initiator() == null) {
            return;
        }
        targets.disallow(iqn(volume), connector.initiator());
    }

    @Override
    public void removeExport(VolumeSpec volume) throws DriverException {
        targets.remove(iqn(volume));
    }

    /** The names of every target the helper keeps (for leak checks in tests). */
    Set<String> exportedTargets() throws DriverException {
        return targets.targets();
    }

    String iqn(VolumeSpec volume) {
        return targetPrefix + volume.name();
    }

    /** The volume's stored credentials, or new ones for its first export (Cinder's {@code _get_target_chap_auth}). */
    private static ChapCredentials chap(VolumeSpec volume) {
        ChapCredentials stored = ChapCredentials.parse(volume.providerAuth());
        return stored != null ? stored : ChapCredentials.generate();
    }

    @Override
    public void close() {
    }
}
