package dev.ember.volume.drivers.rbd;

import dev.ember.volume.spi.BackendStats;
import dev.ember.volume.spi.Capacity;
import dev.ember.volume.spi.CloneCapable;
import dev.ember.volume.spi.ConnectionCapable;
import dev.ember.volume.spi.ConnectionInfo;
import dev.ember.volume.spi.Connector;
import dev.ember.volume.spi.DriverErrorCode;
import dev.ember.volume.spi.DriverException;
import dev.ember.volume.spi.ModelUpdate;
import dev.ember.volume.spi.PoolStats;
import dev.ember.volume.spi.RetriableDriverException;
import dev.ember.volume.spi.RetypeCapable;
import dev.ember.volume.spi.RevertCapable;
import dev.ember.volume.spi.SnapshotCapable;
import dev.ember.volume.spi.SnapshotSpec;
import dev.ember.volume.spi.VolumeDriver;
import dev.ember.volume.spi.VolumeSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code volume_driver = rbd}: volumes as RBD images {@code volume-<id>} in one Ceph pool, through librados
 * and librbd in-process, behaving as Cinder's RBD driver ({@code cinder/volume/drivers/rbd.py}):
 * <ul>
 *   <li>snapshots are RBD snapshots {@code snapshot-<id>}, protected at creation so they can be cloned;
 *   <li>a volume from a snapshot is a copy-on-write clone of it, flattened when
 *       {@code rbd_flatten_volume_from_snapshot} is set or the chain would pass {@code rbd_max_clone_depth};
 *   <li>a clone of a volume clones a snapshot {@code volume-<new>.clone_snap} taken of the source;
 *   <li>deleting a volume whose clone snapshot still has children renames it {@code volume-<id>.deleted}; it
 *       is removed when its last child goes, so nothing is orphaned and no clone loses its parent;
 *   <li>a snapshot with clones cannot be deleted ({@link DriverErrorCode#BUSY}, Cinder's {@code SnapshotIsBusy});
 *   <li>capacity comes from the cluster's {@code df} (and the pool's quota), as Cinder reports it;
 *   <li>attaching hands out Cinder's {@code rbd} connection info; QEMU opens the image itself.
 * </ul>
 * Every call is bounded by {@code rados_connect_timeout}: a cluster that stops answering makes calls fail
 * with a retriable error, and {@link #stats()} failing marks the backend down.
 */
final class RbdDriver implements VolumeDriver, ConnectionCapable, SnapshotCapable, CloneCapable,
        RevertCapable, RetypeCapable {

    private static final Logger LOG = LoggerFactory.getLogger(RbdDriver.class);
    private static final long GIB = 1L << 30;
    private static final String CLONE_SNAP = ".clone_snap";
    private static final String DELETED = ".deleted";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The backend section's settings. */
    record Settings(String pool, String rbdPool, String user, String confFile, String clusterName, String secretUuid,
            String keyringFile, boolean flattenFromSnapshot, int maxCloneDepth, java.time.Duration timeout,
            int reservedPercentage, double maxOverSubscriptionRatio, boolean exclusivePool, boolean dynamicTotal,
            Path stateDir) {
    }

    private final Settings settings;
    private volatile RbdClient client;

    RbdDriver(Settings settings) {
        this.settings = settings;
    }

    @Override
    public synchronized void start() throws DriverException {
        if (client != null) {
            return;
        }
        Map<String, String> conf = new LinkedHashMap<>();
        if (settings.keyringFile() != null) {
            conf.put("keyring", settings.keyringFile());
        }
        RbdClient c = new RbdClient(settings.clusterName(), settings.user(), settings.confFile(), conf, settings.rbdPool(),
                settings.timeout());
        LOG.info("connected to Ceph cluster {} as {} (pool {})", settings.clusterName(), settings.user(), settings.rbdPool());
        fenceEarlierClient(c);
        client = c;
    }

    /**
     * Fences this backend's previous Ceph client, the process that ran it before (a crash included): until the
     * OSDs time its watches out ({@code osd_client_watch_timeout}, 30 s by default) every image it had open
     * stays locked, and each operation on one waits that long. Its address is kept in the backend's state
     * directory, and blocklisting it ends its watches at once (the {@code profile rbd} caps Cinder's user has
     * allow it). One volume service runs a backend at a time, so the address is never a live peer's.
     */
    private void fenceEarlierClient(RbdClient c) {
        Path file = settings.stateDir().resolve("rbd-client-address");
        try {
            String mine = c.address();
            String before = Files.exists(file) ? Files.readString(file).trim() : "";
            if (!before.isEmpty() && !before.equals(mine)) {
                c.blocklist(before);
                LOG.info("blocklisted this backend's previous Ceph client {}, so the image locks it held go at once", before);
            }
            Files.createDirectories(file.getParent());
            Files.writeString(file, mine + "\n");
        } catch (IOException | DriverException e) {
            LOG.warn("could not fence this backend's previous Ceph client: {}", e.getMessage());
        }
    }

    private RbdClient client() throws DriverException {
        RbdClient c = client;
        if (c == null) {
            throw new RetriableDriverException("not connected to the Ceph cluster yet");
        }
        return c;
    }

    // ----- stats ----------------------------------------------------------------------------------

    /** Cinder's {@code _get_pool_stats}: the pool's quota if it has one, else the cluster's size; free from {@code df}. */
    @Override
    public BackendStats stats() throws DriverException {
        JsonNode df = json(client().monCommand("{\"prefix\": \"df\", \"format\": \"json\"}"));
        JsonNode poolStats = null;
        for (JsonNode pool : df.path("pools")) {
            if (settings.rbdPool().equals(pool.path("name").asString())) {
                poolStats = pool.path("stats");
            }
        }
        if (poolStats == null) {
            throw new DriverException(DriverErrorCode.INVALID_CONFIGURATION,
                    "the Ceph cluster has no pool " + settings.rbdPool() + " (rbd_pool)");
        }
        long usedBytes = poolStats.path("bytes_used").asLong();
        long maxAvail = poolStats.path("max_avail").asLong();
        long quota = 0;
        try {
            quota = json(client().monCommand("{\"prefix\": \"osd pool get-quota\", \"pool\": \""
                    + settings.rbdPool() + "\", \"format\": \"json\"}")).path("quota_max_bytes").asLong();
        } catch (DriverException e) {
            if (e instanceof RetriableDriverException) {
                throw e;
            }
            LOG.debug("cannot read the quota of pool {}: {}", settings.rbdPool(), e.getMessage());
        }
        long total;
        long free;
        if (quota > 0) {
            total = quota;
            free = Math.max(Math.min(total - usedBytes, maxAvail), 0);
        } else {
            total = df.path("stats").path("total_bytes").asLong();
            free = maxAvail;
        }
        if (settings.dynamicTotal()) {
            total = free + usedBytes;
        }
        Double provisioned = settings.exclusivePool() ? null : provisionedGb();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("location_info", settings.clusterName() + ":" + (settings.confFile() == null ? "" : settings.confFile())
                + ":" + fsid() + ":" + settings.user() + ":" + settings.rbdPool());
        PoolStats pool = new PoolStats(settings.pool(), Capacity.gb(round(total / (double) GIB)),
                Capacity.gb(round(free / (double) GIB)), provisioned, settings.reservedPercentage(),
                settings.maxOverSubscriptionRatio(), true, false, true, extra);
        return new BackendStats("Open Source", "1.3.0", "ceph", false, List.of(pool));
    }

    private volatile String fsid = "";

    private String fsid() {
        if (fsid.isEmpty()) {
            try {
                fsid = json(client().monCommand("{\"prefix\": \"fsid\", \"format\": \"json\"}")).path("fsid").asString();
            } catch (DriverException e) {
                LOG.debug("cannot read the cluster fsid: {}", e.getMessage());
            }
        }
        return fsid;
    }

    /** The sum of every image's size in the pool (for pools not used by this backend alone). */
    private double provisionedGb() throws DriverException {
        long bytes = 0;
        for (String image : client().list()) {
            try {
                bytes += client().size(image);
            } catch (DriverException e) {
                if (e.code() != DriverErrorCode.NOT_FOUND) {
                    throw e;
                }
            }
        }
        return round(bytes / (double) GIB);
    }

    // ----- volumes --------------------------------------------------------------------------------

    /** Creates the image; one that exists already (a retried create) is only grown to the size asked. */
    @Override
    public ModelUpdate createVolume(VolumeSpec volume) throws DriverException {
        try {
            client().create(volume.name(), volume.sizeGb() * GIB);
        } catch (DriverException e) {
            if (e.code() != DriverErrorCode.ALREADY_EXISTS) {
                throw e;
            }
            growTo(volume.name(), volume.sizeGb());
        }
        return ModelUpdate.NONE;
    }

    /**
     * Removes the image. An image whose clone snapshot still has children is renamed {@code <name>.deleted}
     * and kept for them; a parent kept so whose last child this was is removed too.
     */
    @Override
    public void deleteVolume(VolumeSpec volume) throws DriverException {
        RbdClient c = client();
        String name = volume.name();
        if (!c.exists(name)) {
            return;
        }
        RbdClient.Parent parent = c.parent(name);
        boolean kept = releaseSnapshots(c, name);
        if (kept) {
            c.rename(name, name + DELETED);
            LOG.info("volume image {} has clones; kept as {} until they are gone", name, name + DELETED);
        } else {
            removeImage(name);
        }
        if (parent != null && parent.pool().equals(settings.rbdPool())) {
            removeDeletedParent(parent);
        }
    }

    /**
     * Removes the image's clone snapshots ({@code <clone>.clone_snap}) and trashed snapshots that no clone
     * needs any more.
     *
     * @return whether some remain for their clones
     * @throws DriverException {@code BUSY} if the image has a snapshot of a user's
     */
    private static boolean releaseSnapshots(RbdClient c, String image) throws DriverException {
        boolean kept = false;
        for (RbdClient.Snap snap : c.snapshots(image)) {
            if (snap.trashed()) {
                kept |= !removeTrashed(c, image, snap);
            } else if (!snap.name().endsWith(CLONE_SNAP)) {
                throw new DriverException(DriverErrorCode.BUSY, "volume " + image + " still has snapshot " + snap.name()
                        + (snap.namespace() == 0 ? "" : " (snapshot namespace " + snap.namespace() + ")"));
            } else if (c.children(image, snap.name()).isEmpty()) {
                c.snapUnprotect(image, snap.name());
                c.snapRemove(image, snap.name());
            } else {
                kept = true;
            }
        }
        return kept;
    }

    /**
     * Removes a snapshot librbd left in the image's trash namespace: it moves a snapshot there first when
     * removing it, so a process that dies mid-removal leaves one behind, under a UUID name no row knows.
     *
     * @return false if clones of it remain, which keep it
     */
    private static boolean removeTrashed(RbdClient c, String image, RbdClient.Snap snap) throws DriverException {
        boolean removed = c.snapRemoveById(image, snap.id());
        if (removed) {
            LOG.info("removed snapshot {} (id {}) of {}, left in the trash by an interrupted removal", snap.name(), snap.id(), image);
        }
        return removed;
    }

    private void removeImage(String name) throws DriverException {
        try {
            client().remove(name);
        } catch (DriverException e) {
            if (e.code() != DriverErrorCode.NOT_FOUND) {
                throw e;
            }
        }
    }

    /** Cinder's {@code _delete_clone_parent_refs}: a kept {@code .deleted} parent goes with its last child. */
    private void removeDeletedParent(RbdClient.Parent parent) throws DriverException {
        RbdClient c = client();
        if (!parent.image().endsWith(DELETED) || !c.exists(parent.image())) {
            return;
        }
        RbdClient.Parent grandparent = c.parent(parent.image());
        // The snapshot the clone came from may be a trashed one (librbd's clone v2), named by a UUID.
        if (releaseSnapshots(c, parent.image())) {
            return;
        }
        removeImage(parent.image());
        LOG.info("removed {}, whose last clone is gone", parent.image());
        if (grandparent != null && grandparent.pool().equals(settings.rbdPool())) {
            removeDeletedParent(grandparent);
        }
    }

    /** Retypes in place: an RBD image does not depend on the volume type (Cinder's RBD driver retypes in place too). */
    @Override
    public boolean retype(VolumeSpec volume, java.util.Map<String, String> newExtraSpecs) {
        return true;
    }

    @Override
    public void extendVolume(VolumeSpec volume, int newSizeGb) throws DriverException {
        long current = client().size(volume.name());
        if (current > newSizeGb * GIB) {
            throw new DriverException(DriverErrorCode.INVALID_ARGUMENT,
                    "cannot shrink " + volume.name() + " from " + current / GIB + " to " + newSizeGb + " GiB");
        }
        growTo(volume.name(), newSizeGb);
    }

    private void growTo(String name, int sizeGb) throws DriverException {
        if (client().size(name) < sizeGb * GIB) {
            client().resize(name, sizeGb * GIB);
        }
    }

    // ----- snapshots and clones -------------------------------------------------------------------

    @Override
    public ModelUpdate createSnapshot(VolumeSpec volume, SnapshotSpec snapshot) throws DriverException {
        RbdClient c = client();
        if (c.snapshots(volume.name()).stream().noneMatch(s -> s.name().equals(snapshot.name()))) {
            c.snapCreate(volume.name(), snapshot.name());
        }
        c.snapProtect(volume.name(), snapshot.name());
        return ModelUpdate.NONE;
    }

    @Override
    public void deleteSnapshot(VolumeSpec volume, SnapshotSpec snapshot) throws DriverException {
        RbdClient c = client();
        if (!c.exists(volume.name())) {
            return;
        }
        List<RbdClient.Snap> snaps = c.snapshots(volume.name());
        for (RbdClient.Snap trashed : snaps.stream().filter(RbdClient.Snap::trashed).toList()) {
            // Perhaps this very snapshot, its removal interrupted by a crash before its row went.
            removeTrashed(c, volume.name(), trashed);
        }
        if (snaps.stream().noneMatch(s -> !s.trashed() && s.name().equals(snapshot.name()))) {
            return;
        }
        List<String> children = c.children(volume.name(), snapshot.name());
        if (!children.isEmpty()) {
            throw new DriverException(DriverErrorCode.BUSY, "snapshot " + snapshot.name() + " has dependent volumes "
                    + children);
        }
        c.snapUnprotect(volume.name(), snapshot.name());
        c.snapRemove(volume.name(), snapshot.name());
    }

    @Override
    public ModelUpdate createVolumeFromSnapshot(VolumeSpec volume, VolumeSpec source, SnapshotSpec snapshot)
            throws DriverException {
        RbdClient c = client();
        if (!c.exists(volume.name())) {
            c.snapProtect(source.name(), snapshot.name());
            c.clone(source.name(), snapshot.name(), volume.name());
            if (settings.flattenFromSnapshot() || depth(source.name()) + 1 > settings.maxCloneDepth()) {
                c.flatten(volume.name());
            }
        }
        growTo(volume.name(), volume.sizeGb());
        return ModelUpdate.NONE;
    }

    /** Cinder's {@code create_cloned_volume}: clones a snapshot {@code <new>.clone_snap} of the source, or copies. */
    @Override
    public ModelUpdate createClonedVolume(VolumeSpec volume, VolumeSpec source) throws DriverException {
        RbdClient c = client();
        String snap = volume.name() + CLONE_SNAP;
        if (!c.exists(volume.name())) {
            if (c.snapshots(source.name()).stream().noneMatch(s -> s.name().equals(snap))) {
                c.snapCreate(source.name(), snap);
            }
            c.snapProtect(source.name(), snap);
            c.clone(source.name(), snap, volume.name());
            if (depth(source.name()) + 1 > settings.maxCloneDepth()) {
                // Too deep a chain: make the new volume independent and drop the snapshot it needed.
                c.flatten(volume.name());
                c.snapUnprotect(source.name(), snap);
                c.snapRemove(source.name(), snap);
            }
        }
        growTo(volume.name(), volume.sizeGb());
        return ModelUpdate.NONE;
    }

    @Override
    public void revertToSnapshot(VolumeSpec volume, SnapshotSpec snapshot) throws DriverException {
        client().snapRollback(volume.name(), snapshot.name());
    }

    /** How many parents the image has (Cinder's {@code _get_clone_depth}). */
    private int depth(String name) throws DriverException {
        int depth = 0;
        RbdClient.Parent parent = client().parent(name);
        while (parent != null && depth < 64) {
            depth++;
            parent = parent.pool().equals(settings.rbdPool()) ? client().parent(parent.image()) : null;
        }
        return depth;
    }

    // ----- attach ---------------------------------------------------------------------------------

    @Override
    public ModelUpdate createExport(VolumeSpec volume) {
        return ModelUpdate.NONE;
    }

    @Override
    public void ensureExports(List<VolumeSpec> volumes) {
    }

    /** Cinder's rbd connection info: the image, the monitors, the user and libvirt secret, discard on. */
    @Override
    public ConnectionInfo initializeConnection(VolumeSpec volume, Connector connector) throws DriverException {
        List<String> hosts = new ArrayList<>();
        List<String> ports = new ArrayList<>();
        // As Cinder's _get_mon_addrs: each monitor's "addr" ("ip:port/nonce", the v1 address).
        for (JsonNode mon : json(client().monCommand("{\"prefix\": \"mon dump\", \"format\": \"json\"}")).path("mons")) {
            String addr = mon.path("addr").asString().replaceAll("/\\d+$", "");
            int colon = addr.lastIndexOf(':');
            if (colon > 0) {
                hosts.add(addr.substring(0, colon).replaceAll("^\\[|\\]$", ""));
                ports.add(addr.substring(colon + 1));
            }
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("name", settings.rbdPool() + "/" + volume.name());
        data.put("hosts", hosts);
        data.put("ports", ports);
        data.put("cluster_name", settings.clusterName());
        data.put("auth_enabled", settings.user() != null);
        data.put("auth_username", settings.user());
        data.put("secret_type", "ceph");
        data.put("secret_uuid", settings.secretUuid());
        data.put("volume_id", volume.id());
        data.put("discard", true);
        if (settings.keyringFile() != null) {
            try {
                data.put("keyring", Files.readString(Path.of(settings.keyringFile())));
            } catch (IOException e) {
                LOG.warn("cannot read rbd_keyring_conf {}: {}", settings.keyringFile(), e.getMessage());
            }
        }
        return new ConnectionInfo("rbd", data);
    }

    @Override
    public void terminateConnection(VolumeSpec volume, Connector connector) {
    }

    @Override
    public void removeExport(VolumeSpec volume) {
    }

    /** Every image in the pool (for leak checks in tests). */
    List<String> images() throws DriverException {
        return client().list();
    }

    // ----- helpers --------------------------------------------------------------------------------

    private static JsonNode json(String text) throws DriverException {
        try {
            return MAPPER.readTree(text);
        } catch (RuntimeException e) {
            throw new DriverException(DriverErrorCode.INTERNAL, "the Ceph cluster answered something unreadable: "
                    + (text.length() > 200 ? text.substring(0, 200) + "..." : text), e);
        }
    }

    private static double round(double gb) {
        return Math.round(gb * 100) / 100.0;
    }

    @Override
    public void close() {
        RbdClient c = client;
        client = null;
        if (c != null) {
            c.close();
        }
    }
}
