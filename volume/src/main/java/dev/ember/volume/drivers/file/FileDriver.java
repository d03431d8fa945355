package dev.ember.volume.drivers.file;

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
import dev.ember.volume.spi.DriverException;
import dev.ember.volume.spi.ModelUpdate;
import dev.ember.volume.spi.PoolStats;
import dev.ember.volume.spi.VolumeDriver;
import dev.ember.volume.spi.VolumeSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Volumes as sparse files named {@code volume-<id>} in one directory: real bytes with nothing to
 * install. Thin provisioned: a file costs disk only for what is written. Capacity is the file system's.
 * Attaching gives os-brick's {@code local} connection: the file's path, for a host on this machine.
 * Snapshots are sparse copies {@code snapshot-<id>} beside the volumes; volumes from snapshots and clones
 * are sparse copies too, independent of their source.
 */
final class FileDriver implements VolumeDriver, ConnectionCapable, SnapshotCapable, CloneCapable,
        RevertCapable, RetypeCapable {

    private final String pool;
    private final SparseFiles files;
    private final int reservedPercentage;
    private final double maxOverSubscriptionRatio;

    FileDriver(String pool, Path directory, int reservedPercentage, double maxOverSubscriptionRatio) {
        this.pool = pool;
        this.files = new SparseFiles(directory);
        this.reservedPercentage = reservedPercentage;
        this.maxOverSubscriptionRatio = maxOverSubscriptionRatio;
    }

    @Override
    public void start() throws DriverException {
        files.start();
    }

    @Override
    public BackendStats stats() throws DriverException {
        double[] capacity = files.capacityGb();
        PoolStats stats = new PoolStats(pool, Capacity.gb(capacity[0]), Capacity.gb(capacity[1]), null,
                reservedPercentage, maxOverSubscriptionRatio, true, false, false, Map.of());
        return new BackendStats("Open Source", "1.0.0", "file", false, List.of(stats));
    }

    @Override
    public ModelUpdate createVolume(VolumeSpec volume) throws DriverException {
        return ModelUpdate.location(files.create(volume).toString());
    }

    @Override
    public void deleteVolume(VolumeSpec volume) throws DriverException {
        files.delete(volume);
    }

    /** Retypes in place: sparse files do not depend on the volume type. */
    @Override
    public boolean retype(VolumeSpec volume, java.util.Map<String, String> newExtraSpecs) {
        return true;
    }

    @Override
    public void extendVolume(VolumeSpec volume, int newSizeGb) throws DriverException {
        files.extend(volume, newSizeGb);
    }

    // ----- snapshots and clones: sparse copies -----------------------------------------------------

    @Override
    public ModelUpdate createSnapshot(VolumeSpec volume, SnapshotSpec snapshot) throws DriverException {
        files.copy(volume.name(), snapshot.name(), 0);
        return ModelUpdate.NONE;
    }

    @Override
    public void deleteSnapshot(VolumeSpec volume, SnapshotSpec snapshot) throws DriverException {
        files.delete(snapshot.name());
    }

    @Override
    public ModelUpdate createVolumeFromSnapshot(VolumeSpec volume, VolumeSpec source, SnapshotSpec snapshot)
            throws DriverException {
        files.copy(snapshot.name(), volume.name(), volume.sizeGb());
        return ModelUpdate.location(files.file(volume).toString());
    }

    @Override
    public ModelUpdate createClonedVolume(VolumeSpec volume, VolumeSpec source) throws DriverException {
        files.copy(source.name(), volume.name(), volume.sizeGb());
        return ModelUpdate.location(files.file(volume).toString());
    }

    @Override
    public void revertToSnapshot(VolumeSpec volume, SnapshotSpec snapshot) throws DriverException {
        String reverted = volume.name() + ".reverted";
        files.delete(reverted);
        files.copy(snapshot.name(), reverted, volume.sizeGb());
        try {
            java.nio.file.Files.move(files.directory().resolve(reverted), files.file(volume),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException e) {
            throw new dev.ember.volume.spi.DriverException(dev.ember.volume.spi.DriverErrorCode.INTERNAL,
                    "cannot revert " + volume.name() + ": " + e.getMessage(), e);
        }
    }

    // ----- attach: the file itself, for a host that can open it (os-brick's "local" connector) ----------

    @Override
    public ModelUpdate createExport(VolumeSpec volume) {
        return ModelUpdate.NONE;
    }

    @Override
    public void ensureExports(List<VolumeSpec> volumes) {
    }

    @Override
    public ConnectionInfo initializeConnection(VolumeSpec volume, Connector connector) throws DriverException {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("device_path", files.file(volume).toString());
        return new ConnectionInfo("local", data);
    }

    @Override
    public void terminateConnection(VolumeSpec volume, Connector connector) {
    }

    @Override
    public void removeExport(VolumeSpec volume) {
    }

    @Override
    public void close() {
    }
}
