package dev.ember.volume.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver contract test kit: every driver's tests extend this class, so the same checks run over
 * every driver (Cinder's driver compliance idea). Checks go through the storage's own view of things
 * ({@link #existsOnBackend}, {@link #sizeOnBackend}), not through the driver under test.
 */
public abstract class VolumeDriverContractTest {

    protected static final long GIB = 1L << 30;

    @TempDir
    protected Path scratch;

    protected VolumeDriver driver;

    /** A configured, not yet started driver whose state lives under {@code scratch}. */
    protected abstract VolumeDriver newDriver(Path scratch) throws Exception;

    /** Whether the storage holds the volume's object, seen with the storage's own tools. */
    protected abstract boolean existsOnBackend(VolumeSpec volume) throws Exception;

    /** The volume's size in bytes as the storage reports it; -1 if this driver keeps no bytes. */
    protected abstract long sizeOnBackend(VolumeSpec volume) throws Exception;

    /**
     * Whether the storage exports the volume to hosts (a target exists), seen with the storage's own tools;
     * null for a driver whose exports leave no trace on the storage.
     */
    protected Boolean exportedOnBackend(VolumeSpec volume) throws Exception {
        return null;
    }

    /** The host the kit attaches volumes to. */
    protected Connector connector() {
        return Connector.of(Map.of("host", "kit-host", "ip", "127.0.0.1", "initiator", "iqn.1993-08.org.debian:01:kit",
                "platform", "x86_64", "os_type", "linux", "multipath", false));
    }

    /** A pool the driver reports; volumes of the kit are placed there. */
    protected String pool() throws DriverException {
        return driver.stats().pools().get(0).name();
    }

    @BeforeEach
    void startDriver() throws Exception {
        driver = newDriver(scratch);
        driver.start();
    }

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    protected VolumeSpec newVolume(int sizeGb) throws DriverException {
        return VolumeSpec.of(UUID.randomUUID().toString(), sizeGb, pool(), Map.of());
    }

    @Test
    void statsFollowCindersContract() throws Exception {
        BackendStats stats = driver.stats();
        assertThat(stats.storageProtocol()).isNotBlank();
        assertThat(stats.pools()).isNotEmpty();
        for (PoolStats pool : stats.pools()) {
            assertThat(pool.name()).doesNotContain("#").doesNotContain("@");
            assertThat(pool.thinProvisioningSupport() || pool.thickProvisioningSupport())
                    .as("a pool provisions thin, thick or both").isTrue();
            if (pool.totalCapacityGb().isKnown() && pool.freeCapacityGb().isKnown()) {
                assertThat(pool.freeCapacityGb().gb()).isLessThanOrEqualTo(pool.totalCapacityGb().gb());
            }
        }
    }

    @Test
    void createMakesTheVolumeOnTheStorage() throws Exception {
        VolumeSpec volume = newVolume(1);
        VolumeSpec created = volume.withProviderLocation(driver.createVolume(volume).providerLocation());
        assertThat(existsOnBackend(created)).isTrue();
        long size = sizeOnBackend(created);
        if (size >= 0) {
            assertThat(size).isEqualTo(GIB);
        }
        driver.deleteVolume(created);
    }

    @Test
    void createIsIdempotent() throws Exception {
        VolumeSpec volume = newVolume(1);
        driver.createVolume(volume);
        VolumeSpec again = volume.withProviderLocation(driver.createVolume(volume).providerLocation());
        assertThat(existsOnBackend(again)).isTrue();
        driver.deleteVolume(again);
    }

    @Test
    void deleteRemovesTheVolume() throws Exception {
        VolumeSpec volume = newVolume(1);
        VolumeSpec created = volume.withProviderLocation(driver.createVolume(volume).providerLocation());
        driver.deleteVolume(created);
        assertThat(existsOnBackend(created)).isFalse();
    }

    @Test
    void deletingAMissingVolumeSucceeds() throws Exception {
        VolumeSpec volume = newVolume(1);
        driver.deleteVolume(volume);
        driver.deleteVolume(volume);
        assertThat(existsOnBackend(volume)).isFalse();
    }

    @Test
    void extendGrowsTheVolumeAndIsIdempotent() throws Exception {
        VolumeSpec volume = newVolume(1);
        VolumeSpec created = volume.withProviderLocation(driver.createVolume(volume).providerLocation());
        driver.extendVolume(created, 2);
        driver.extendVolume(created.withSize(2), 2);
        long size = sizeOnBackend(created);
        if (size >= 0) {
            assertThat(size).isEqualTo(2 * GIB);
        }
        driver.deleteVolume(created);
    }

    @Test
    void shrinkingIsAnInvalidArgument() throws Exception {
        VolumeSpec volume = newVolume(2);
        VolumeSpec created = volume.withProviderLocation(driver.createVolume(volume).providerLocation());
        assertThatThrownBy(() -> driver.extendVolume(created, 1))
                .isInstanceOfSatisfying(DriverException.class,
                        e -> assertThat(e.code()).isEqualTo(DriverErrorCode.INVALID_ARGUMENT));
        driver.deleteVolume(created);
    }

    @Test
    void missingCapabilitiesFailWithTheFixedNotSupportedError() {
        assumeTrue(!(driver instanceof SnapshotCapable), "driver supports snapshots");
        assertThatThrownBy(() -> Capabilities.require(driver, SnapshotCapable.class, "create_snapshot"))
                .isInstanceOfSatisfying(DriverException.class, e -> {
                    assertThat(e.code()).isEqualTo(DriverErrorCode.NOT_SUPPORTED);
                    assertThat(e.getMessage()).isEqualTo("operation not supported by this driver: create_snapshot");
                });
    }

    // ----- SnapshotCapable, CloneCapable, RevertCapable ----------------------------------------------

    protected static SnapshotSpec newSnapshot(VolumeSpec volume) {
        String id = UUID.randomUUID().toString();
        return new SnapshotSpec(id, SnapshotSpec.backendName(id), volume.id(), volume.sizeGb());
    }

    @Test
    void snapshotsAreIdempotentAndAVolumeFromOneHasTheRequestedSize() throws Exception {
        assumeTrue(driver instanceof SnapshotCapable, "driver has no snapshots");
        SnapshotCapable snaps = (SnapshotCapable) driver;
        VolumeSpec volume = newVolume(1);
        VolumeSpec created = volume.withProviderLocation(driver.createVolume(volume).providerLocation());
        SnapshotSpec snapshot = newSnapshot(created);
        snaps.createSnapshot(created, snapshot);
        snaps.createSnapshot(created, snapshot);
        VolumeSpec child = newVolume(2);
        VolumeSpec made = child.withProviderLocation(snaps.createVolumeFromSnapshot(child, created, snapshot).providerLocation());
        snaps.createVolumeFromSnapshot(made, created, snapshot);
        assertThat(existsOnBackend(made)).isTrue();
        long size = sizeOnBackend(made);
        if (size >= 0) {
            assertThat(size).isEqualTo(2 * GIB);
        }
        driver.deleteVolume(made);
        snaps.deleteSnapshot(created, snapshot);
        snaps.deleteSnapshot(created, snapshot);
        driver.deleteVolume(created);
        assertThat(existsOnBackend(created)).isFalse();
    }

    @Test
    void aCloneHasTheRequestedSizeAndOutlivesItsSource() throws Exception {
        assumeTrue(driver instanceof CloneCapable, "driver cannot clone");
        VolumeSpec source = newVolume(1);
        VolumeSpec created = source.withProviderLocation(driver.createVolume(source).providerLocation());
        VolumeSpec clone = newVolume(2);
        VolumeSpec made = clone.withProviderLocation(((CloneCapable) driver).createClonedVolume(clone, created).providerLocation());
        ((CloneCapable) driver).createClonedVolume(made, created);
        driver.deleteVolume(created);
        assertThat(existsOnBackend(made)).isTrue();
        long size = sizeOnBackend(made);
        if (size >= 0) {
            assertThat(size).isEqualTo(2 * GIB);
        }
        driver.deleteVolume(made);
        assertThat(existsOnBackend(made)).isFalse();
    }

    @Test
    void revertingToASnapshotSucceeds() throws Exception {
        assumeTrue(driver instanceof RevertCapable && driver instanceof SnapshotCapable, "driver cannot revert");
        VolumeSpec volume = newVolume(1);
        VolumeSpec created = volume.withProviderLocation(driver.createVolume(volume).providerLocation());
        SnapshotSpec snapshot = newSnapshot(created);
        ((SnapshotCapable) driver).createSnapshot(created, snapshot);
        ((RevertCapable) driver).revertToSnapshot(created, snapshot);
        assertThat(existsOnBackend(created)).isTrue();
        ((SnapshotCapable) driver).deleteSnapshot(created, snapshot);
        driver.deleteVolume(created);
    }

    // ----- ConnectionCapable ----------------------------------------------------------------------

    private ConnectionCapable connections() {
        assumeTrue(driver instanceof ConnectionCapable, "driver cannot attach volumes");
        return (ConnectionCapable) driver;
    }

    @Test
    void exportAndConnectionAreIdempotentAndLeaveNothingWhenRemoved() throws Exception {
        ConnectionCapable attach = connections();
        VolumeSpec volume = newVolume(1);
        VolumeSpec created = volume.withProviderLocation(driver.createVolume(volume).providerLocation());
        VolumeSpec exported = created.with(attach.createExport(created));
        VolumeSpec again = exported.with(attach.createExport(exported));
        assertThat(again.providerAuth()).as("a second export keeps the credentials").isEqualTo(exported.providerAuth());
        ConnectionInfo first = attach.initializeConnection(again, connector());
        ConnectionInfo second = attach.initializeConnection(again, connector());
        assertThat(second).isEqualTo(first);
        assertThat(first.driverVolumeType()).isNotBlank();
        if (exportedOnBackend(again) != null) {
            assertThat(exportedOnBackend(again)).isTrue();
        }
        attach.terminateConnection(again, connector());
        attach.terminateConnection(again, connector());
        attach.removeExport(again);
        attach.removeExport(again);
        if (exportedOnBackend(again) != null) {
            assertThat(exportedOnBackend(again)).isFalse();
        }
        driver.deleteVolume(again);
    }

    @Test
    void deletingAnExportedVolumeRemovesItsExport() throws Exception {
        ConnectionCapable attach = connections();
        VolumeSpec volume = newVolume(1);
        VolumeSpec created = volume.withProviderLocation(driver.createVolume(volume).providerLocation());
        VolumeSpec exported = created.with(attach.createExport(created));
        attach.initializeConnection(exported, connector());
        driver.deleteVolume(exported);
        assertThat(existsOnBackend(exported)).isFalse();
        if (exportedOnBackend(exported) != null) {
            assertThat(exportedOnBackend(exported)).isFalse();
        }
    }

    @Test
    void ensuringExportsOfVolumesNeverExportedDoesNothing() throws Exception {
        ConnectionCapable attach = connections();
        VolumeSpec volume = newVolume(1);
        VolumeSpec created = volume.withProviderLocation(driver.createVolume(volume).providerLocation());
        attach.ensureExports(List.of(created));
        if (exportedOnBackend(created) != null) {
            assertThat(exportedOnBackend(created)).isFalse();
        }
        driver.deleteVolume(created);
    }

    @Test
    void closeIsSafeTwice() {
        driver.close();
        driver.close();
        driver = null;
    }
}
