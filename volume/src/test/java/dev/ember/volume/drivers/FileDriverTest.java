package dev.ember.volume.drivers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.volume.drivers.file.FileDriverFactory;
import dev.ember.volume.manager.DriverLoader;
import dev.ember.volume.spi.DriverErrorCode;
import dev.ember.volume.spi.DriverException;
import dev.ember.volume.spi.VolumeDriver;
import dev.ember.volume.spi.VolumeDriverContractTest;
import dev.ember.volume.spi.VolumeSpec;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The file driver under the contract kit, checked through the file system itself. */
class FileDriverTest extends VolumeDriverContractTest {

    @Override
    protected VolumeDriver newDriver(Path scratch) throws Exception {
        FileDriverFactory factory = new FileDriverFactory();
        return factory.create(DriverLoader.config(factory, "file1", "test@file1",
                Map.of("volume_driver", "file", "file_volumes_dir", scratch.resolve("vols").toString()), scratch));
    }

    @Override
    protected boolean existsOnBackend(VolumeSpec volume) {
        return Files.exists(scratch.resolve("vols").resolve(volume.name()));
    }

    @Override
    protected long sizeOnBackend(VolumeSpec volume) throws Exception {
        return Files.size(scratch.resolve("vols").resolve(volume.name()));
    }

    @Test
    void bytesWrittenSurviveAnExtend() throws Exception {
        VolumeSpec volume = newVolume(1);
        driver.createVolume(volume);
        Path file = scratch.resolve("vols").resolve(volume.name());
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(12345);
            raf.write("ember".getBytes());
        }
        driver.extendVolume(volume, 3);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            byte[] read = new byte[5];
            raf.seek(12345);
            raf.readFully(read);
            assertThat(new String(read)).isEqualTo("ember");
            assertThat(raf.length()).isEqualTo(3 * GIB);
        }
        assertThat(Files.size(file)).as("sparse: the size is logical").isEqualTo(3 * GIB);
    }

    @Test
    void snapshotsClonesAndRevertsAreSparseCopiesOfTheBytes() throws Exception {
        VolumeSpec volume = newVolume(1);
        driver.createVolume(volume);
        Path file = scratch.resolve("vols").resolve(volume.name());
        write(file, 5_000_000, "before");
        var snapshot = newSnapshot(volume);
        var snaps = (dev.ember.volume.spi.SnapshotCapable) driver;
        snaps.createSnapshot(volume, snapshot);
        write(file, 5_000_000, "after!");
        VolumeSpec child = newVolume(1);
        snaps.createVolumeFromSnapshot(child, volume, snapshot);
        assertThat(read(scratch.resolve("vols").resolve(child.name()), 5_000_000, 6)).isEqualTo("before");
        VolumeSpec clone = newVolume(1);
        ((dev.ember.volume.spi.CloneCapable) driver).createClonedVolume(clone, volume);
        assertThat(read(scratch.resolve("vols").resolve(clone.name()), 5_000_000, 6)).isEqualTo("after!");
        ((dev.ember.volume.spi.RevertCapable) driver).revertToSnapshot(volume, snapshot);
        assertThat(read(file, 5_000_000, 6)).isEqualTo("before");
        Process stat = new ProcessBuilder("stat", "-c", "%b", scratch.resolve("vols").resolve(child.name()).toString()).start();
        long allocated = Long.parseLong(new String(stat.getInputStream().readAllBytes()).trim()) * 512;
        assertThat(allocated).as("the copy keeps the holes").isLessThan(8L << 20);
    }

    private static void write(Path file, long at, String text) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            raf.write(text.getBytes());
        }
    }

    private static String read(Path file, long at, int n) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            byte[] bytes = new byte[n];
            raf.seek(at);
            raf.readFully(bytes);
            return new String(bytes);
        }
    }

    @Test
    void namesThatCouldEscapeTheDirectoryAreRefused() {
        VolumeSpec evil = new VolumeSpec("x", "../../etc/passwd", 1, "file1", Map.of(), null, null);
        assertThatThrownBy(() -> driver.createVolume(evil)).isInstanceOfSatisfying(DriverException.class,
                e -> assertThat(e.code()).isEqualTo(DriverErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void unknownOptionsFailStartUp() {
        FileDriverFactory factory = new FileDriverFactory();
        assertThatThrownBy(() -> DriverLoader.config(factory, "file1", "test@file1",
                Map.of("volume_driver", "file", "file_volume_dir", "/tmp/typo"), scratch))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("file_volume_dir");
    }
}
