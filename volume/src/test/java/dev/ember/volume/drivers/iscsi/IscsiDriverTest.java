package dev.ember.volume.drivers.iscsi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.common.testing.QemuIo;
import dev.ember.common.testing.TgtDaemon;
import dev.ember.volume.manager.DriverLoader;
import dev.ember.volume.spi.ConnectionInfo;
import dev.ember.volume.spi.Connector;
import dev.ember.volume.spi.DriverErrorCode;
import dev.ember.volume.spi.DriverException;
import dev.ember.volume.spi.RetriableDriverException;
import dev.ember.volume.spi.VolumeDriver;
import dev.ember.volume.spi.VolumeDriverContractTest;
import dev.ember.volume.spi.VolumeSpec;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ipSAN driver (sparse-file block source, tgtadm target helper) under the contract kit, against a real
 * tgt daemon, with the data path proven by QEMU's own iSCSI initiator logging in with the connection info.
 */
class IscsiDriverTest extends VolumeDriverContractTest {

    private static final String HOST_IQN = "iqn.1993-08.org.debian:01:test";
    private static TgtDaemon tgtd;

    @BeforeAll
    static void startTgtd() throws Exception {
        tgtd = TgtDaemon.start();
    }

    @AfterAll
    static void stopTgtd() throws Exception {
        if (tgtd != null) {
            tgtd.close();
        }
    }

    @Override
    protected VolumeDriver newDriver(Path scratch) throws Exception {
        IscsiDriverFactory factory = new IscsiDriverFactory();
        return factory.create(DriverLoader.config(factory, "ipsan", "test@ipsan", Map.of(
                "volume_driver", "iscsi",
                "target_ip_address", "127.0.0.1",
                "target_port", Integer.toString(tgtd.port()),
                "tgt_control_port", Integer.toString(tgtd.controlPort()),
                "file_volumes_dir", scratch.resolve("vols").toString()), scratch));
    }

    @Override
    protected boolean existsOnBackend(VolumeSpec volume) {
        return Files.exists(file(volume));
    }

    @Override
    protected long sizeOnBackend(VolumeSpec volume) throws Exception {
        return Files.size(file(volume));
    }

    @Override
    protected Boolean exportedOnBackend(VolumeSpec volume) throws Exception {
        return tgtd.show().contains(iqn(volume));
    }

    @Override
    protected Connector connector() {
        return connector(HOST_IQN, false);
    }

    private static Connector connector(String initiator, boolean multipath) {
        Map<String, Object> c = new HashMap<>(Map.of("host", "compute-1", "ip", "127.0.0.1", "platform", "x86_64",
                "os_type", "linux", "multipath", multipath));
        c.put("initiator", initiator);
        return Connector.of(c);
    }

    private Path file(VolumeSpec volume) {
        return scratch.resolve("vols").resolve(volume.name());
    }

    private static String iqn(VolumeSpec volume) {
        return "iqn.2010-10.org.openstack:" + volume.name();
    }

    private IscsiDriver iscsi() {
        return (IscsiDriver) driver;
    }

    /** A created, exported volume with {@code connector}'s host allowed in, and its connection info. */
    private record Attached(VolumeSpec volume, ConnectionInfo info) {
    }

    private Attached attach(Connector connector) throws Exception {
        VolumeSpec volume = newVolume(1);
        driver.createVolume(volume);
        VolumeSpec exported = volume.with(iscsi().createExport(volume));
        return new Attached(exported, iscsi().initializeConnection(exported, connector));
    }

    @Test
    void connectionInfoIsCindersIscsiShape() throws Exception {
        Attached a = attach(connector());
        Map<String, Object> data = a.info().data();
        assertThat(a.info().driverVolumeType()).isEqualTo("iscsi");
        assertThat(data.keySet()).containsExactly("target_discovered", "target_portal", "target_iqn", "target_lun",
                "volume_id", "auth_method", "auth_username", "auth_password");
        assertThat(data.get("target_discovered")).isEqualTo(false);
        assertThat(data.get("target_portal")).isEqualTo(tgtd.portal());
        assertThat(data.get("target_iqn")).isEqualTo(iqn(a.volume()));
        assertThat(data.get("target_lun")).isEqualTo(1);
        assertThat(data.get("volume_id")).isEqualTo(a.volume().id());
        assertThat(data.get("auth_method")).isEqualTo("CHAP");
        assertThat((String) data.get("auth_username")).hasSize(20);
        assertThat((String) data.get("auth_password")).hasSize(16);
        assertThat(a.volume().providerAuth()).isEqualTo("CHAP " + data.get("auth_username") + " " + data.get("auth_password"));
        assertThat(a.volume().providerLocation()).matches("127\\.0\\.0\\.1:\\d+,\\d+ " + iqn(a.volume()).replace(".", "\\.") + " 1");
        assertThat(a.info().toString()).doesNotContain((String) data.get("auth_password"));
        driver.deleteVolume(a.volume());
    }

    @Test
    void aMultipathHostGetsThePluralKeys() throws Exception {
        Attached a = attach(connector(HOST_IQN, true));
        assertThat(a.info().data()).containsEntry("target_portals", List.of(tgtd.portal()))
                .containsEntry("target_iqns", List.of(iqn(a.volume()))).containsEntry("target_luns", List.of(1));
        driver.deleteVolume(a.volume());
    }

    @Test
    void bytesWrittenByQemuThroughTheConnectionInfoReachTheBlockSource() throws Exception {
        QemuIo.assumeInstalled();
        Attached a = attach(connector());
        QemuIo.Outcome written = QemuIo.iscsi(a.info().data(), HOST_IQN, null,
                "write -P 0x5a 0 1M", "read -P 0x5a 0 1M");
        assertThat(written.ok()).as(written.output()).isTrue();
        try (RandomAccessFile raf = new RandomAccessFile(file(a.volume()).toFile(), "r")) {
            byte[] head = new byte[1 << 20];
            raf.readFully(head);
            for (byte b : head) {
                assertThat(b).isEqualTo((byte) 0x5a);
            }
        }
        driver.deleteVolume(a.volume());
    }

    @Test
    void aWrongSecretOrAnotherInitiatorIsRefused() throws Exception {
        QemuIo.assumeInstalled();
        Attached a = attach(connector());
        QemuIo.Outcome wrongSecret = QemuIo.iscsi(a.info().data(), HOST_IQN, "wrongsecret12345", "read 0 512");
        assertThat(wrongSecret.ok()).isFalse();
        assertThat(wrongSecret.output()).contains("Authentication failure");
        QemuIo.Outcome stranger = QemuIo.iscsi(a.info().data(), "iqn.1993-08.org.debian:01:stranger", null, "read 0 512");
        assertThat(stranger.ok()).isFalse();
        assertThat(QemuIo.iscsi(a.info().data(), HOST_IQN, null, "read 0 512").ok()).isTrue();
        driver.deleteVolume(a.volume());
    }

    @Test
    void terminatingTheConnectionLocksTheHostOut() throws Exception {
        QemuIo.assumeInstalled();
        Attached a = attach(connector());
        iscsi().terminateConnection(a.volume(), connector());
        assertThat(QemuIo.iscsi(a.info().data(), HOST_IQN, null, "read 0 512").ok()).isFalse();
        assertThat(tgtd.show()).contains(iqn(a.volume())).doesNotContain(HOST_IQN);
        driver.deleteVolume(a.volume());
    }

    @Test
    void afterATgtdRestartEnsuringExportsMakesTheSameConnectionInfoWorkAgain() throws Exception {
        QemuIo.assumeInstalled();
        Attached a = attach(connector());
        assertThat(QemuIo.iscsi(a.info().data(), HOST_IQN, null, "write -P 0x33 4096 4096").ok()).isTrue();
        tgtd.restart();
        assertThat(tgtd.show()).doesNotContain(iqn(a.volume()));
        iscsi().ensureExports(List.of(a.volume()));
        iscsi().ensureExports(List.of(a.volume()));
        QemuIo.Outcome read = QemuIo.iscsi(a.info().data(), HOST_IQN, null, "read -P 0x33 4096 4096");
        assertThat(read.ok()).as(read.output()).isTrue();
        driver.deleteVolume(a.volume());
    }

    @Test
    void removingTheExportLeavesNoTargetAndNoAccountInTgtd() throws Exception {
        Attached a = attach(connector());
        String user = (String) a.info().data().get("auth_username");
        assertThat(tgtd.accounts()).contains(user);
        iscsi().removeExport(a.volume());
        assertThat(tgtd.show()).doesNotContain(iqn(a.volume()));
        assertThat(tgtd.accounts()).doesNotContain(user);
        assertThat(iscsi().exportedTargets()).doesNotContain(iqn(a.volume()));
        driver.deleteVolume(a.volume());
    }

    @Test
    void aConnectorWithoutAnInitiatorIsAnInvalidArgument() throws Exception {
        Connector noInitiator = Connector.of(Map.of("host", "compute-1", "ip", "127.0.0.1"));
        assertThatThrownBy(() -> iscsi().validateConnector(noInitiator)).isInstanceOfSatisfying(DriverException.class,
                e -> assertThat(e.code()).isEqualTo(DriverErrorCode.INVALID_ARGUMENT));
        Connector injected = connector("iqn.x; rm -rf /", false);
        assertThatThrownBy(() -> iscsi().validateConnector(injected)).isInstanceOfSatisfying(DriverException.class,
                e -> assertThat(e.code()).isEqualTo(DriverErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void anUnreachableTgtdIsARetriableError() throws Exception {
        IscsiDriverFactory factory = new IscsiDriverFactory();
        VolumeDriver lost = factory.create(DriverLoader.config(factory, "ipsan", "test@ipsan", Map.of(
                "volume_driver", "iscsi", "target_ip_address", "127.0.0.1", "tgt_control_port", "31999",
                "file_volumes_dir", scratch.resolve("other").toString()), scratch.resolve("other-state")));
        assertThatThrownBy(lost::start).isInstanceOf(RetriableDriverException.class).hasMessageContaining("tgtd");
    }
}
