package dev.ember.volume.drivers.noop;

import dev.ember.volume.spi.BackendStats;
import dev.ember.volume.spi.Capacity;
import dev.ember.volume.spi.CloneCapable;
import dev.ember.volume.spi.RetypeCapable;
import dev.ember.volume.spi.RevertCapable;
import dev.ember.volume.spi.SnapshotCapable;
import dev.ember.volume.spi.SnapshotSpec;
import dev.ember.volume.spi.ConnectionCapable;
import dev.ember.volume.spi.ConnectionInfo;
import dev.ember.volume.spi.Connector;
import dev.ember.volume.spi.DriverErrorCode;
import dev.ember.volume.spi.DriverException;
import dev.ember.volume.spi.ModelUpdate;
import dev.ember.volume.spi.PoolStats;
import dev.ember.volume.spi.VolumeDriver;
import dev.ember.volume.spi.VolumeSpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records volumes in memory and nothing else: the control plane at full speed, with capacity taken
 * from configuration. What it records is lost on restart, which its idempotent operations tolerate.
 */
final class NoopDriver implements VolumeDriver, ConnectionCapable, SnapshotCapable, CloneCapable,
        RevertCapable, RetypeCapable {

    private final String pool;
    private final long capacityGb;
    private final int reservedPercentage;
    private final double maxOverSubscriptionRatio;
    private final boolean thin;
    private final Map<String, Integer> sizes = new ConcurrentHashMap<>();
    private final Map<String, Integer> snapshots = new ConcurrentHashMap<>();

    NoopDriver(String pool, long capacityGb, int reservedPercentage, double maxOverSubscriptionRatio, boolean thin) {
        this.pool = pool;
        this.capacityGb = capacityGb;
        this.reservedPercentage = reservedPercentage;
        this.maxOverSubscriptionRatio = maxOverSubscriptionRatio;
        this.thin = thin;
    }

    @Override
    public void start() {
    }

    @Override
    public BackendStats stats() {
        long used = sizes.values().stream().mapToLong(Integer::longValue).sum();
        PoolStats stats = new PoolStats(pool, Capacity.gb(capacityGb), Capacity.gb(Math.max(0, capacityGb - used)),
                null, reservedPercentage, maxOverSubscriptionRatio, thin, !thin, true, Map.of());
        return new BackendStats("Open Source", "1.0.0", "noop", false, List.of(stats));
    }

    @Override
    public ModelUpdate createVolume(VolumeSpec volume) {
        sizes.put(volume.name(), volume.sizeGb());
        return ModelUpdate.NONE;
    }

    @Override
    public void deleteVolume(VolumeSpec volume) {
        sizes.remove(volume.name());
    }

    /** Retypes in place: nothing is stored. */
    @Override
    public boolean retype(VolumeSpec volume, java.util.Map<String, String> newExtraSpecs) {
        return true;
    }

    @Override
    public void extendVolume(VolumeSpec volume, int newSizeGb) throws DriverException {
        Integer current = sizes.get(volume.name());
        if (current == null) {
            throw new DriverException(DriverErrorCode.NOT_FOUND, "volume " + volume.name() + " does not exist");
        }
        if (newSizeGb < current) {
            throw new DriverException(DriverErrorCode.INVALID_ARGUMENT,
                    "cannot shrink " + volume.name() + " from " + current + " to " + newSizeGb + " GiB");
        }
        sizes.put(volume.name(), newSizeGb);
    }

    // ----- snapshots and clones: records only -------------------------------------------------------

    @Override
    public ModelUpdate createSnapshot(VolumeSpec volume, SnapshotSpec snapshot) {
        snapshots.put(snapshot.name(), volume.sizeGb());
        return ModelUpdate.NONE;
    }

    @Override
    public void deleteSnapshot(VolumeSpec volume, SnapshotSpec snapshot) {
        snapshots.remove(snapshot.name());
    }

    @Override
    public ModelUpdate createVolumeFromSnapshot(VolumeSpec volume, VolumeSpec source, SnapshotSpec snapshot) {
        sizes.put(volume.name(), volume.sizeGb());
        return ModelUpdate.NONE;
    }

    @Override
    public ModelUpdate createClonedVolume(VolumeSpec volume, VolumeSpec source) {
        sizes.put(volume.name(), volume.sizeGb());
        return ModelUpdate.NONE;
    }

    @Override
    public void revertToSnapshot(VolumeSpec volume, SnapshotSpec snapshot) {
    }

    // ----- attach: records only; a "noop" connection no host can use ------------------------------

    @Override
    public ModelUpdate createExport(VolumeSpec volume) {
        return ModelUpdate.NONE;
    }

    @Override
    public void ensureExports(List<VolumeSpec> volumes) {
    }

    @Override
    public ConnectionInfo initializeConnection(VolumeSpec volume, Connector connector) {
        return new ConnectionInfo("noop", Map.of("volume_id", volume.id()));
    }

    @Override
    public void terminateConnection(VolumeSpec volume, Connector connector) {
    }

    @Override
    public void removeExport(VolumeSpec volume) {
    }

    /** Whether the driver holds the volume: the noop driver's whole view of its "storage". */
    boolean holds(String name) {
        return sizes.containsKey(name);
    }

    @Override
    public void close() {
    }
}
