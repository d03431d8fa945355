package dev.ember.volume.drivers.rbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.common.testing.CephCluster;
import dev.ember.common.testing.QemuIo;
import dev.ember.volume.manager.DriverLoader;
import dev.ember.volume.spi.BackendStats;
import dev.ember.volume.spi.ConnectionInfo;
import dev.ember.volume.spi.Connector;
import dev.ember.volume.spi.DriverErrorCode;
import dev.ember.volume.spi.DriverException;
import dev.ember.volume.spi.RetriableDriverException;
import dev.ember.volume.spi.SnapshotSpec;
import dev.ember.volume.spi.VolumeDriver;
import dev.ember.volume.spi.VolumeDriverContractTest;
import dev.ember.volume.spi.VolumeSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The RBD driver under the contract kit against a real single-node Ceph cluster, as the restricted
 * {@code cinder} user. Every effect is checked in Ceph itself with the {@code rbd} tool (as admin):
 * {@code rbd info}, {@code rbd snap ls}, {@code rbd children}, {@code rbd ls}.
 */
class RbdDriverTest extends VolumeDriverContractTest {

    private static CephCluster ceph;

    @BeforeAll
    static void cluster() throws Exception {
        ceph = CephCluster.shared();
    }

    private static Map<String, String> section(Map<String, String> more) {
        Map<String, String> options = new HashMap<>(Map.of(
                "volume_driver", "rbd",
                "rbd_pool", ceph.pool(),
                "rbd_user", "cinder",
                "rbd_ceph_conf", ceph.conf(),
                "rbd_keyring_conf", ceph.cinderKeyring(),
                "rbd_secret_uuid", "5b6f4a52-3a8e-4c1b-9d55-2a1c0f7e0c01",
                "rados_connect_timeout", "10"));
        options.putAll(more);
        return options;
    }

    private VolumeDriver driver(Map<String, String> more, Path scratch) throws Exception {
        RbdDriverFactory factory = new RbdDriverFactory();
        return factory.create(DriverLoader.config(factory, "ceph", "test@ceph", section(more), scratch));
    }

    @Override
    protected VolumeDriver newDriver(Path scratch) throws Exception {
        return driver(Map.of(), scratch);
    }

    @Override
    protected boolean existsOnBackend(VolumeSpec volume) throws Exception {
        return ceph.rbdExit("info", ceph.pool() + "/" + volume.name()) == 0;
    }

    @Override
    protected long sizeOnBackend(VolumeSpec volume) throws Exception {
        String info = ceph.rbd("info", "--format", "json", ceph.pool() + "/" + volume.name());
        return Long.parseLong(info.replaceAll("(?s).*\"size\":(\\d+).*", "$1"));
    }

    private RbdDriver rbd() {
        return (RbdDriver) driver;
    }

    private VolumeSpec created(int sizeGb) throws Exception {
        VolumeSpec volume = newVolume(sizeGb);
        driver.createVolume(volume);
        return volume;
    }

    private static SnapshotSpec snapshot(VolumeSpec volume) {
        String id = UUID.randomUUID().toString();
        return new SnapshotSpec(id, SnapshotSpec.backendName(id), volume.id(), volume.sizeGb());
    }

    private static String snapLs(VolumeSpec volume) throws Exception {
        return ceph.rbd("snap", "ls", ceph.pool() + "/" + volume.name());
    }

    @Test
    void capacityComesFromTheClustersDf() throws Exception {
        BackendStats stats = driver.stats();
        assertThat(stats.storageProtocol()).isEqualTo("ceph");
        var pool = stats.pools().get(0);
        assertThat(pool.totalCapacityGb().gb()).isGreaterThan(1.0).isLessThanOrEqualTo(8.0);
        assertThat(pool.freeCapacityGb().gb()).isGreaterThan(0.5).isLessThanOrEqualTo(pool.totalCapacityGb().gb());
        assertThat(pool.thinProvisioningSupport()).isTrue();
        assertThat(pool.multiattach()).isTrue();
        assertThat(pool.provisionedCapacityGb()).as("an exclusive pool leaves provisioned to the claims").isNull();
        assertThat(pool.extra().get("location_info").toString()).startsWith("ceph:" + ceph.conf() + ":").endsWith(":cinder:volumes");
        VolumeDriver shared = driver(Map.of("rbd_exclusive_cinder_pool", "false"), scratch.resolve("shared"));
        shared.start();
        VolumeSpec volume = created(3);
        assertThat(shared.stats().pools().get(0).provisionedCapacityGb()).isGreaterThanOrEqualTo(3.0);
        shared.close();
        driver.deleteVolume(volume);
    }

    @Test
    void aSnapshotIsAProtectedRbdSnapshot() throws Exception {
        VolumeSpec volume = created(1);
        SnapshotSpec snap = snapshot(volume);
        rbd().createSnapshot(volume, snap);
        rbd().createSnapshot(volume, snap);
        assertThat(snapLs(volume)).contains(snap.name());
        assertThat(ceph.rbd("info", ceph.pool() + "/" + volume.name() + "@" + snap.name())).contains("protected: True");
        rbd().deleteSnapshot(volume, snap);
        rbd().deleteSnapshot(volume, snap);
        assertThat(snapLs(volume)).doesNotContain(snap.name());
        driver.deleteVolume(volume);
    }

    @Test
    void aVolumeFromASnapshotIsACopyOnWriteCloneAndKeepsTheSnapshotBusy() throws Exception {
        VolumeSpec source = created(1);
        SnapshotSpec snap = snapshot(source);
        rbd().createSnapshot(source, snap);
        VolumeSpec child = newVolume(2);
        rbd().createVolumeFromSnapshot(child, source, snap);
        rbd().createVolumeFromSnapshot(child, source, snap);
        assertThat(ceph.rbd("children", ceph.pool() + "/" + source.name() + "@" + snap.name())).contains(child.name());
        assertThat(ceph.rbd("info", ceph.pool() + "/" + child.name())).contains("parent: " + ceph.pool() + "/" + source.name() + "@" + snap.name());
        assertThat(sizeOnBackend(child)).isEqualTo(2 * GIB);
        assertThatThrownBy(() -> rbd().deleteSnapshot(source, snap)).isInstanceOfSatisfying(DriverException.class,
                e -> assertThat(e.code()).isEqualTo(DriverErrorCode.BUSY));
        assertThat(snapLs(source)).contains(snap.name());
        driver.deleteVolume(child);
        rbd().deleteSnapshot(source, snap);
        driver.deleteVolume(source);
        assertThat(ceph.images()).doesNotContain(source.name(), child.name());
    }

    @Test
    void flatteningPastTheCloneDepthMakesAnIndependentVolume() throws Exception {
        VolumeDriver shallow = driver(Map.of("rbd_max_clone_depth", "1"), scratch.resolve("shallow"));
        shallow.start();
        RbdDriver d = (RbdDriver) shallow;
        VolumeSpec a = created(1);
        VolumeSpec b = newVolume(1);
        d.createClonedVolume(b, a);
        assertThat(ceph.rbd("info", ceph.pool() + "/" + b.name())).contains("parent:");
        VolumeSpec c = newVolume(1);
        d.createClonedVolume(c, b);
        assertThat(ceph.rbd("info", ceph.pool() + "/" + c.name())).as("depth 2 > 1: flattened").doesNotContain("parent:");
        assertThat(snapLs(b)).as("the clone snapshot a flattened clone needed is gone").doesNotContain(c.name() + ".clone_snap");
        for (VolumeSpec v : List.of(c, b, a)) {
            shallow.deleteVolume(v);
        }
        shallow.close();
        assertThat(ceph.images()).doesNotContain(a.name(), b.name(), c.name(), a.name() + ".deleted", b.name() + ".deleted");
    }

    @Test
    void deletingAVolumeWhoseCloneSnapshotHasClonesKeepsItUntilTheLastCloneGoes() throws Exception {
        VolumeSpec source = created(1);
        VolumeSpec clone = newVolume(1);
        rbd().createClonedVolume(clone, source);
        assertThat(snapLs(source)).contains(clone.name() + ".clone_snap");
        driver.deleteVolume(source);
        assertThat(ceph.images()).doesNotContain(source.name()).contains(source.name() + ".deleted");
        assertThat(ceph.rbd("info", ceph.pool() + "/" + clone.name())).contains("parent: " + ceph.pool() + "/"
                + source.name() + ".deleted@" + clone.name() + ".clone_snap");
        driver.deleteVolume(clone);
        assertThat(ceph.images()).as("no orphan").doesNotContain(clone.name(), source.name() + ".deleted", source.name());
    }

    /**
     * librbd moves a snapshot it removes to its trash namespace first (under a UUID name), and keeps it there
     * while clones of it remain; a process killed mid-removal leaves it there. Deleting the volume removes
     * such a snapshot, or, while its clones live, keeps the image as {@code .deleted} until the last one goes.
     */
    @Test
    void aSnapshotLeftInTheTrashIsRemovedWithItsVolumeOrKeepsItForItsClones() throws Exception {
        VolumeSpec source = created(1);
        VolumeSpec clone = newVolume(1);
        String image = ceph.pool() + "/" + source.name();
        ceph.rbd("snap", "create", image + "@s");
        ceph.rbd("clone", "--rbd-default-clone-format", "2", image + "@s", ceph.pool() + "/" + clone.name());
        ceph.rbd("snap", "rm", image + "@s");
        assertThat(ceph.rbd("snap", "ls", "--all", image)).contains("trash (s)");

        SnapshotSpec other = snapshot(source);
        rbd().createSnapshot(source, other);
        rbd().deleteSnapshot(source, other);
        assertThat(ceph.rbd("snap", "ls", "--all", image)).as("a trashed snapshot with clones stays").contains("trash (s)")
                .doesNotContain(other.name());

        driver.deleteVolume(source);
        assertThat(ceph.images()).doesNotContain(source.name()).contains(source.name() + ".deleted");
        driver.deleteVolume(clone);
        assertThat(ceph.images()).as("no orphan").doesNotContain(clone.name(), source.name() + ".deleted", source.name());
    }

    /**
     * A driver starting where another ran the backend before (its state directory: a restart after a crash)
     * blocklists the earlier Ceph client, so the image locks a killed process held do not wait out the OSDs'
     * watch timeout; the earlier client is fenced off and the new one works.
     */
    @Test
    void aDriverStartingAfterAnotherFencesTheEarlierCephClient(@org.junit.jupiter.api.io.TempDir Path state) throws Exception {
        try (VolumeDriver before = driver(Map.of(), state); VolumeDriver after = driver(Map.of(), state)) {
            before.start();
            Path recorded;
            try (var files = java.nio.file.Files.walk(state)) {
                recorded = files.filter(f -> f.getFileName().toString().equals("rbd-client-address")).findFirst().orElseThrow();
            }
            String earlier = java.nio.file.Files.readString(recorded).trim();
            assertThat(earlier).matches("\\S+:\\d+/\\d+");
            after.start();
            assertThat(ceph.ceph("osd", "blocklist", "ls")).contains(earlier);
            assertThat(java.nio.file.Files.readString(recorded).trim()).isNotEqualTo(earlier);
            VolumeSpec volume = newVolume(1);
            after.createVolume(volume);
            assertThat(existsOnBackend(volume)).isTrue();
            after.deleteVolume(volume);
            assertThatThrownBy(() -> before.createVolume(newVolume(1))).as("the fenced client").isInstanceOf(DriverException.class);
        }
    }

    @Test
    void revertingRestoresTheSnapshotsBytes() throws Exception {
        QemuIo.assumeInstalled();
        VolumeSpec volume = created(1);
        String image = "rbd:" + ceph.pool() + "/" + volume.name() + ":conf=" + ceph.conf();
        assertThat(QemuIo.image(image, "write -P 0x11 0 64k").ok()).isTrue();
        SnapshotSpec snap = snapshot(volume);
        rbd().createSnapshot(volume, snap);
        assertThat(QemuIo.image(image, "write -P 0x22 0 64k").ok()).isTrue();
        rbd().revertToSnapshot(volume, snap);
        QemuIo.Outcome read = QemuIo.image(image, "read -P 0x11 0 64k");
        assertThat(read.ok()).as(read.output()).isTrue();
        rbd().deleteSnapshot(volume, snap);
        driver.deleteVolume(volume);
    }

    @Test
    void connectionInfoIsCindersRbdShapeAndQemuOpensTheImageWithIt() throws Exception {
        QemuIo.assumeInstalled();
        VolumeSpec volume = created(1);
        ConnectionInfo info = rbd().initializeConnection(volume, Connector.of(Map.of("host", "compute-1")));
        assertThat(info.driverVolumeType()).isEqualTo("rbd");
        assertThat(info.data().keySet()).containsExactly("name", "hosts", "ports", "cluster_name", "auth_enabled",
                "auth_username", "secret_type", "secret_uuid", "volume_id", "discard", "keyring");
        assertThat(info.data()).containsEntry("name", ceph.pool() + "/" + volume.name()).containsEntry("hosts", List.of("127.0.0.1"))
                .containsEntry("cluster_name", "ceph").containsEntry("auth_enabled", true).containsEntry("auth_username", "cinder")
                .containsEntry("secret_type", "ceph").containsEntry("volume_id", volume.id()).containsEntry("discard", true);
        // Open it as a hypervisor would: the monitors, user and key from the connection info only.
        Path keyring = Files.createTempFile(scratch, "keyring", "");
        Files.writeString(keyring, (String) info.data().get("keyring"));
        @SuppressWarnings("unchecked")
        List<String> hosts = (List<String>) info.data().get("hosts");
        @SuppressWarnings("unchecked")
        List<String> ports = (List<String>) info.data().get("ports");
        String url = "rbd:" + info.data().get("name") + ":id=" + info.data().get("auth_username") + ":keyring=" + keyring
                + ":mon_host=" + hosts.get(0) + "\\:" + ports.get(0);
        QemuIo.Outcome io = QemuIo.image(url, "write -P 0x7e 0 1M", "read -P 0x7e 0 1M");
        assertThat(io.ok()).as(io.output()).isTrue();
        driver.deleteVolume(volume);
    }

    @Test
    void anUnreachableClusterIsARetriableErrorWithinTheTimeout() throws Exception {
        Path conf = scratch.resolve("nowhere.conf");
        Files.writeString(conf, "[global]\nmon host = 127.0.0.1:1\nauth client required = none\n");
        VolumeDriver lost = driver(Map.of("rbd_ceph_conf", conf.toString(), "rados_connect_timeout", "2"),
                scratch.resolve("lost"));
        long started = System.nanoTime();
        assertThatThrownBy(lost::start).isInstanceOf(RetriableDriverException.class);
        assertThat((System.nanoTime() - started) / 1e9).as("bounded by rados_connect_timeout").isLessThan(15);
    }
}
