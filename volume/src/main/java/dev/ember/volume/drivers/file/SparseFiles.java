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

    /**
     * Copies file {@code from} to {@code to} (names in this directory), keeping holes, so a copy costs disk
     * only for what the source holds: GNU {@code cp --sparse=always --reflink=auto} where it exists (it skips
     * holes without reading them, and shares blocks on file systems that can), else a copy that does not
     * write blocks of zeros. The copy is at least {@code minSizeGb} GiB. Writes to a temporary name first: a
     * crash never leaves a half copy under {@code to}; a copy that exists already is kept.
     */
    public void copy(String from, String to, int minSizeGb) throws DriverException {
        Path source = file(from);
        Path target = file(to);
        if (Files.exists(target)) {
            return;
        }
        Path temp = directory.resolve("." + to + ".partial");
        if (!copyWithCp(source, temp)) {
            copyInJava(source, temp, from, to);
        }
        try (RandomAccessFile out = new RandomAccessFile(temp.toFile(), "rw")) {
            if (out.length() < minSizeGb * GIB) {
                out.setLength(minSizeGb * GIB);
            }
        } catch (IOException e) {
            throw new DriverException(DriverErrorCode.INTERNAL, "cannot size the copy of " + from + ": " + e.getMessage(), e);
        }
        try {
            Files.move(temp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DriverException(DriverErrorCode.INTERNAL, "cannot rename the copy of " + from + ": " + e.getMessage(), e);
        }
    }

    private static boolean copyWithCp(Path source, Path temp) {
        try {
            Process cp = new ProcessBuilder("cp", "--sparse=always", "--reflink=auto", source.toString(), temp.toString())
                    .redirectErrorStream(true).start();
            cp.getInputStream().readAllBytes();
            if (!cp.waitFor(10, java.util.concurrent.TimeUnit.MINUTES)) {
                cp.destroyForcibly();
                return false;
            }
            return cp.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void copyInJava(Path source, Path temp, String from, String to) throws DriverException {
        byte[] block = new byte[1 << 20];
        try (RandomAccessFile in = new RandomAccessFile(source.toFile(), "r");
                RandomAccessFile out = new RandomAccessFile(temp.toFile(), "rw")) {
            out.setLength(0);
            long length = in.length();
            long position = 0;
            while (position < length) {
                int n = (int) Math.min(block.length, length - position);
                in.readFully(block, 0, n);
                if (!zeros(block, n)) {
                    out.seek(position);
                    out.write(block, 0, n);
                }
                position += n;
            }
            out.setLength(length);
        } catch (IOException e) {
            throw new DriverException(DriverErrorCode.INTERNAL, "cannot copy " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }

    /** Deletes file {@code name} of this directory if it exists. */
    public void delete(String name) throws DriverException {
        try {
            Files.deleteIfExists(file(name));
        } catch (IOException e) {
            throw new DriverException(DriverErrorCode.INTERNAL, "cannot delete " + name + ": " + e.getMessage(), e);
        }
    }

    public boolean exists(String name) throws DriverException {
        return Files.exists(file(name));
    }

    private static boolean zeros(byte[] block, int n) {
        for (int i = 0; i < n; i++) {
            if (block[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** The volume's file; the name is validated so no id can reach outside the directory. */
    public Path file(VolumeSpec volume) throws DriverException {
        return file(volume.name());
    }

    private Path file(String name) throws DriverException {
        if (!name.matches("[A-Za-z0-9_.-]+") || name.startsWith(".")) {
            throw new DriverException(DriverErrorCode.INVALID_ARGUMENT, "unsafe volume name: " + name);
        }
        return directory.resolve(name);
    }

    private static double round(double gb) {
        return Math.round(gb * 100) / 100.0;
    }
}
