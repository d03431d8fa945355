package dev.ember.volume.drivers.file;

import dev.ember.volume.spi.DriverErrorCode;
import dev.ember.volume.spi.DriverException;
import dev.ember.volume.spi.VolumeSpec;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Volumes as sparse files named after the volume ({@code volume-<id>}) in one directory: what the {@code file}
 * driver serves directly and the {@code iscsi} driver's {@code file} block source exports. A file costs disk
 * only for what is written; capacity is the file system's. Every operation is idempotent.
 */
public final class SparseFiles {

    private static final long GIB = 1L << 30;

    private final Path directory;

    public SparseFiles(Path directory) {
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }

    public void start() throws DriverException {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new DriverException(DriverErrorCode.INVALID_CONFIGURATION,
                    "cannot create the volume directory " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Total and usable space of the file system, in GiB rounded to hundredths. */
    public double[] capacityGb() throws DriverException {
        try {
            FileStore store = Files.getFileStore(directory);
            return new double[] {round(store.getTotalSpace() / (double) GIB), round(store.getUsableSpace() / (double) GIB)};
        } catch (IOException e) {
            throw new DriverException(DriverErrorCode.INTERNAL, "cannot read capacity of " + directory, e);
        }
    }

    /** Makes the volume's file at least {@code volume.sizeGb()} GiB; returns its path. */
    public Path create(VolumeSpec volume) throws DriverException {
        Path file = file(volume);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long wanted = volume.sizeGb() * GIB;
            if (raf.length() < wanted) {
                raf.setLength(wanted);
            }
        } catch (IOException e) {
            throw new DriverException(DriverErrorCode.INTERNAL, "cannot create " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    public void delete(VolumeSpec volume) throws DriverException {
        Path file = file(volume);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new DriverException(DriverErrorCode.INTERNAL, "cannot delete " + file + ": " + e.getMessage(), e);
        }
    }

    public void extend(VolumeSpec volume, int newSizeGb) throws DriverException {
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
    public Path file(VolumeSpec volume) throws DriverException {
        String name = volume.name();
        if (!name.matches("[A-Za-z0-9_.-]+") || name.startsWith(".")) {
            throw new DriverException(DriverErrorCode.INVALID_ARGUMENT, "unsafe volume name: " + name);
        }
        return directory.resolve(name);
    }

    private static double round(double gb) {
        return Math.round(gb * 100) / 100.0;
    }
}
