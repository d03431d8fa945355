package dev.ember.volume.drivers.iscsi;

import dev.ember.volume.drivers.file.SparseFiles;
import dev.ember.volume.spi.Capacity;
import dev.ember.volume.spi.DriverException;
import dev.ember.volume.spi.PoolStats;
import dev.ember.volume.spi.VolumeSpec;
import dev.ember.volume.targets.BackingStore;
import java.nio.file.Path;
import java.util.Map;

/** {@code iscsi_block_source = file}: sparse files, thin provisioned, capacity of their file system. */
final class FileBlockSource implements BlockSource {

    private final SparseFiles files;
    private final int reservedPercentage;
    private final double maxOverSubscriptionRatio;

    FileBlockSource(Path directory, int reservedPercentage, double maxOverSubscriptionRatio) {
        this.files = new SparseFiles(directory);
        this.reservedPercentage = reservedPercentage;
        this.maxOverSubscriptionRatio = maxOverSubscriptionRatio;
    }

    @Override
    public void start() throws DriverException {
        files.start();
    }

    @Override
    public PoolStats stats(String pool) throws DriverException {
        double[] capacity = files.capacityGb();
        return new PoolStats(pool, Capacity.gb(capacity[0]), Capacity.gb(capacity[1]), null, reservedPercentage,
                maxOverSubscriptionRatio, true, false, true, Map.of());
    }

    @Override
    public void create(VolumeSpec volume) throws DriverException {
        files.create(volume);
    }

    @Override
    public void delete(VolumeSpec volume) throws DriverException {
        files.delete(volume);
    }

    @Override
    public void extend(VolumeSpec volume, int newSizeGb) throws DriverException {
        files.extend(volume, newSizeGb);
    }

    @Override
    public BackingStore backingStore(VolumeSpec volume) throws DriverException {
        return BackingStore.file(files.file(volume).toString());
    }
}
