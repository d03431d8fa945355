package dev.ember.volume.drivers.file;

import dev.ember.volume.spi.BackendStats;
import dev.ember.volume.spi.Capacity;
import dev.ember.volume.spi.DriverErrorCode;
import dev.ember.volume.spi.DriverException;
import dev.ember.volume.spi.ModelUpdate;
import dev.ember.volume.spi.PoolStats;
import dev.ember.volume.spi.VolumeDriver;
import dev.ember.volume.spi.VolumeSpec;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Volumes as sparse files named {@code volume-<id>} in one directory: real bytes with nothing to
 * install. Thin provisioned: a file costs disk only for what is written. Capacity is the file system's.
 */
final class FileDriver implements VolumeDriver {

    private static final long GIB = 1L << 30;

    private final String pool;
    private final Path directory;
    private final int reservedPercentage;
    private final double maxOverSubscriptionRatio;

    FileDriver(String pool, Path directory, int reservedPercentage, double maxOverSubscriptionRatio) {
        this.pool = pool;
        this.directory = directory;
        this.reservedPercentage = reservedPercentage;
        this.maxOverSubscriptionRatio = maxOverSubscriptionRatio;
    }

    @Override
    public void start() throws DriverException {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new DriverException(DriverErrorCode.INVALID_CONFIGURATION,
                    "cannot create the volume directory " + directory + ": " + e.getMessage(), e);
        }
    }

    @Override
    public BackendStats stats() throws DriverException {
        try {
            FileStore store = Files.getFileStore(directory);
            double total = store.getTotalSpace() / (double) GIB;
            double free = store.getUsableSpace() / (double) GIB;
            PoolStats stats = new PoolStats(pool, Capacity.gb(round(total)), Capacity.gb(round(free)), null,
                    reservedPercentage, maxOverSubscriptionRatio, true, false, false, Map.of());
            return new BackendStats("Open Source", "1.0.0", "file", false, List.of(stats));
        } catch (IOException e) {
            throw new DriverException(DriverErrorCode.INTERNAL, "cannot read capacity of " + directory, e);
        }
    }

    @Override
    public ModelUpdate createVolume(VolumeSpec volume) throws DriverException {
        Path file = file(volume);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long wanted = volume.sizeGb() * GIB;
            if (raf.length() < wanted) {
                raf.setLength(wanted);
            }
        } catch (IOException e) {
            throw new DriverException(DriverErrorCode.INTERNAL, "cannot create " + file + ": " + e.getMessage(), e);
        }
        return ModelUpdate.location(file.toString());
    }

    @Override
    public void deleteVolume(VolumeSpec volume) throws DriverException {
        Path file = file(volume);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new DriverException(DriverErrorCode.INTERNAL, "cannot delete " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void extendVolume(VolumeSpec volume, int newSizeGb) throws DriverException {
        Path file = file(volume);
        if (!Files.exists(file)) {
            throw new DriverException(DriverErrorCode.NOT_FOUND, "volume file " + file + " does not exist");
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long wanted = newSizeGb * GIB;
            if (raf.length() > wanted) {
                throw new DriverException(DriverErrorCode.INVALID_ARGUMENT,
                        "cannot shrink " + volume.name() + " to " + newSizeGb + " GiB");
            }
            raf.setLength(wanted);
        } catch (IOException e) {
            throw new DriverException(DriverErrorCode.INTERNAL, "cannot extend " + file + ": " + e.getMessage(), e);
        }
    }

    /** The volume's file; the name is validated so no id can reach outside the directory. */
    Path file(VolumeSpec volume) throws DriverException {
        String name = volume.name();
        if (!name.matches("[A-Za-z0-9_.-]+") || name.startsWith(".")) {
            throw new DriverException(DriverErrorCode.INVALID_ARGUMENT, "unsafe volume name: " + name);
        }
        return directory.resolve(name);
    }

    private static double round(double gb) {
        return Math.round(gb * 100) / 100.0;
    }

    @Override
    public void close() {
    }
}
