package dev.ember.volume.drivers.iscsi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.volume.spi.DriverErrorCode;
import dev.ember.volume.spi.DriverException;
import dev.ember.volume.spi.PoolStats;
import dev.ember.volume.spi.VolumeSpec;
import dev.ember.volume.targets.BackingStore;
import dev.ember.volume.targets.ChapCredentials;
import dev.ember.volume.targets.IscsiTarget;
import dev.ember.volume.targets.LioAdm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command lines of the tools that cannot run on machines without configfs or device-mapper: LIO's
 * {@code targetcli} (targetcli-fb syntax) and LVM's {@code lvcreate}/{@code lvremove}/{@code vgs}/{@code lvs}
 * as Cinder's LVM code runs them. Secrets never appear in a recorded (loggable) line.
 */
class IscsiCommandLinesTest {

    private static final Duration T = Duration.ofSeconds(5);
    private static final String IQN = "iqn.2010-10.org.openstack:volume-11111111-2222-3333-4444-555555555555";
    private static final String NAME = "volume-11111111-2222-3333-4444-555555555555";

    @TempDir
    Path dir;

    /** A fake LIO: every path exists once it was created. */
    private static RecordingRunner lio() {
        Set<String> made = new HashSet<>();
        return new RecordingRunner(line -> {
            if (line.startsWith("targetcli ls /iscsi/")) {
                return made.contains(line.substring("targetcli ls ".length())) ? RecordingRunner.ok("o- target")
                        : RecordingRunner.fail(1, "No such path");
            }
            if (line.startsWith("targetcli /iscsi create ")) {
                made.add("/iscsi/" + line.substring("targetcli /iscsi create ".length()));
            }
            if (line.startsWith("targetcli /iscsi delete ")) {
                made.remove("/iscsi/" + line.substring("targetcli /iscsi delete ".length()));
            }
            if (line.startsWith("targetcli ls /backstores/")) {
                return RecordingRunner.ok("o- backstore");
            }
            return RecordingRunner.ok("");
        });
    }

    @Test
    void lioCreatesBackstoreTargetPortalsLunAndPerInitiatorChapAcls() throws Exception {
        RecordingRunner runner = lio();
        LioAdm lio = new LioAdm(runner, dir, List.of("192.0.2.10:3260", "192.0.2.11:3260"), T);
        ChapCredentials chap = new ChapCredentials("user20charsxxxxxxxxx", "secret16charsxxx");
        lio.create(new IscsiTarget(IQN, BackingStore.file("/var/lib/ember/" + NAME), chap, Set.of()));
        lio.allow(IQN, "iqn.1993-08.org.debian:01:host1");
        assertThat(runner.commands).containsExactly(
                "targetcli ls /iscsi/" + IQN,
                "targetcli /backstores/fileio create name=" + NAME + " file_or_dev=/var/lib/ember/" + NAME + " write_back=false",
                "targetcli /iscsi create " + IQN,
                "targetcli /iscsi/" + IQN + "/tpg1/portals delete 0.0.0.0 3260",
                "targetcli /iscsi/" + IQN + "/tpg1/portals create 192.0.2.10 3260",
                "targetcli /iscsi/" + IQN + "/tpg1/portals create 192.0.2.11 3260",
                "targetcli /iscsi/" + IQN + "/tpg1/luns create /backstores/fileio/" + NAME,
                "targetcli /iscsi/" + IQN + "/tpg1 set attribute authentication=1 generate_node_acls=0 demo_mode_write_protect=0",
                "targetcli saveconfig",
                "targetcli ls /iscsi/" + IQN,
                "targetcli /iscsi/" + IQN + "/tpg1/acls create iqn.1993-08.org.debian:01:host1",
                "targetcli /iscsi/" + IQN + "/tpg1/acls/iqn.1993-08.org.debian:01:host1 set auth userid=user20charsxxxxxxxxx password=***",
                "targetcli saveconfig");
        assertThat(String.join("\n", runner.commands)).doesNotContain(chap.secret());
    }

    @Test
    void lioServesBlockDevicesThroughTheBlockBackstoreAndRemovesEverything() throws Exception {
        RecordingRunner runner = lio();
        LioAdm lio = new LioAdm(runner, dir, List.of("192.0.2.10:3260"), T);
        lio.create(new IscsiTarget(IQN, BackingStore.file("/dev/cinder-volumes/" + NAME), null, Set.of()));
        runner.commands.clear();
        lio.disallow(IQN, "iqn.1993-08.org.debian:01:never-allowed");
        lio.remove(IQN);
        lio.remove(IQN);
        assertThat(runner.commands).containsExactly(
                "targetcli ls /iscsi/" + IQN,
                "targetcli /iscsi delete " + IQN,
                "targetcli ls /backstores/block/" + NAME,
                "targetcli /backstores/block delete " + NAME,
                "targetcli saveconfig",
                "targetcli ls /iscsi/" + IQN,
                "targetcli saveconfig");
        assertThat(lio.targets()).isEmpty();
    }

    @Test
    void lioRefusesCephBackingStores() {
        LioAdm lio = new LioAdm(lio(), dir, List.of("192.0.2.10:3260"), T);
        assertThatThrownBy(() -> lio.create(new IscsiTarget(IQN, new BackingStore(BackingStore.RBD, "volumes/" + NAME,
                "conf=/etc/ceph/ceph.conf;id=cinder"), null, Set.of())))
                .isInstanceOfSatisfying(DriverException.class,
                        e -> assertThat(e.code()).isEqualTo(DriverErrorCode.INVALID_CONFIGURATION));
    }

    /** A fake LVM with one 100 GiB volume group {@code cinder-volumes}, 40 GiB free. */
    private static RecordingRunner lvm(Set<String> lvs) {
        return new RecordingRunner(line -> {
            if (line.startsWith("env LC_ALL=C vgs ")) {
                return RecordingRunner.ok("  cinder-volumes:100.00:40.00:3:abcd-uuid\n");
            }
            if (line.startsWith("env LC_ALL=C lvs --noheadings -o name ")) {
                String lv = line.substring(line.lastIndexOf('/') + 1);
                return lvs.contains(lv) ? RecordingRunner.ok("  " + lv) : RecordingRunner.fail(5, "Failed to find logical volume");
            }
            if (line.startsWith("env LC_ALL=C lvs --noheadings --unit=g -o size,data_percent")) {
                return RecordingRunner.ok("  38.00:25.00\n");
            }
            if (line.startsWith("env LC_ALL=C lvs --noheadings --unit=g -o size ")) {
                return RecordingRunner.ok("  1.00\n");
            }
            if (line.startsWith("env LC_ALL=C lvcreate ")) {
                String[] words = line.split(" ");
                for (int i = 0; i < words.length - 1; i++) {
                    if (words[i].equals("-n")) {
                        lvs.add(words[i + 1]);
                    }
                }
                if (line.contains("-T -L")) {
                    lvs.add("cinder-volumes-pool");
                }
            }
            return RecordingRunner.ok("");
        });
    }

    @Test
    void thickLvmVolumesAreCindersLvcreateLvextendAndLvremove() throws Exception {
        RecordingRunner runner = lvm(new HashSet<>());
        LvmBlockSource lvm = new LvmBlockSource(runner, "cinder-volumes", false, 0, 20.0, T);
        VolumeSpec volume = new VolumeSpec("11111111-2222-3333-4444-555555555555", NAME, 1, "lvm", Map.of(), null, null);
        lvm.start();
        lvm.create(volume);
        lvm.create(volume);
        lvm.extend(volume, 2);
        lvm.delete(volume);
        assertThat(runner.commands).containsExactly(
                "env LC_ALL=C vgs --noheadings --unit=g -o name,size,free,lv_count,uuid --separator : --nosuffix cinder-volumes",
                "env LC_ALL=C lvs --noheadings -o name cinder-volumes/" + NAME,
                "env LC_ALL=C lvcreate -n " + NAME + " cinder-volumes -L 1g",
                "env LC_ALL=C lvs --noheadings -o name cinder-volumes/" + NAME,
                "env LC_ALL=C lvs --noheadings --unit=g -o size --nosuffix cinder-volumes/" + NAME,
                "env LC_ALL=C lvextend -L 2g cinder-volumes/" + NAME,
                "env LC_ALL=C lvs --noheadings -o name cinder-volumes/" + NAME,
                "env LC_ALL=C lvremove --config activation { retry_deactivation = 1} devices { ignore_suspended_devices = 1} -f cinder-volumes/" + NAME);
        assertThat(lvm.backingStore(volume)).isEqualTo(BackingStore.file("/dev/cinder-volumes/" + NAME));
        PoolStats stats = lvm.stats("lvm");
        assertThat(stats.totalCapacityGb().gb()).isEqualTo(100.0);
        assertThat(stats.freeCapacityGb().gb()).isEqualTo(40.0);
        assertThat(stats.thickProvisioningSupport()).isTrue();
        assertThat(stats.thinProvisioningSupport()).isFalse();
    }

    @Test
    void thinLvmMakesThePoolOnceAndVolumesFromIt() throws Exception {
        RecordingRunner runner = lvm(new HashSet<>());
        LvmBlockSource lvm = new LvmBlockSource(runner, "cinder-volumes", true, 0, 20.0, T);
        VolumeSpec volume = new VolumeSpec("11111111-2222-3333-4444-555555555555", NAME, 5, "lvm", Map.of(), null, null);
        lvm.start();
        lvm.start();
        lvm.create(volume);
        assertThat(runner.commands).contains(
                "env LC_ALL=C lvcreate -T -L 38g cinder-volumes/cinder-volumes-pool",
                "env LC_ALL=C lvcreate -T -V 5g -n " + NAME + " cinder-volumes/cinder-volumes-pool");
        assertThat(runner.commands.stream().filter(c -> c.contains("lvcreate -T -L"))).hasSize(1);
        PoolStats stats = lvm.stats("lvm");
        assertThat(stats.totalCapacityGb().gb()).isEqualTo(38.0);
        assertThat(stats.freeCapacityGb().gb()).isEqualTo(28.5);
        assertThat(stats.thinProvisioningSupport()).isTrue();
    }

    @Test
    void aMissingVolumeGroupIsRetriableAndBadNamesAreRefused() {
        RecordingRunner runner = new RecordingRunner(line -> RecordingRunner.fail(5, "Volume group \"nope\" not found"));
        LvmBlockSource lvm = new LvmBlockSource(runner, "nope", false, 0, 20.0, T);
        assertThatThrownBy(lvm::start).isInstanceOf(dev.ember.volume.spi.RetriableDriverException.class)
                .hasMessageContaining("nope");
        assertThatThrownBy(() -> new LvmBlockSource(runner, "vg; rm -rf /", false, 0, 20.0, T))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
