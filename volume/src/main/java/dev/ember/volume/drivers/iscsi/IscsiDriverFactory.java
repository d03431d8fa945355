package dev.ember.volume.drivers.iscsi;

import dev.ember.volume.command.CommandRunner;
import dev.ember.volume.command.ProcessCommandRunner;
import dev.ember.volume.spi.DriverConfig;
import dev.ember.volume.spi.DriverErrorCode;
import dev.ember.volume.spi.DriverException;
import dev.ember.volume.spi.DriverOption;
import dev.ember.volume.spi.VolumeDriver;
import dev.ember.volume.spi.VolumeDriverFactory;
import dev.ember.volume.targets.LioAdm;
import dev.ember.volume.targets.TargetHelper;
import dev.ember.volume.targets.TgtAdm;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code volume_driver = iscsi}: the ipSAN backend (see {@link IscsiDriver}). Options are Cinder's target
 * options ({@code target_helper}, {@code target_prefix}, {@code target_ip_address}, ...) and LVM options
 * ({@code volume_group}, {@code lvm_type}), plus Ember's {@code iscsi_block_source}, {@code tgt_control_port}
 * and {@code iscsi_command_timeout}.
 */
public final class IscsiDriverFactory implements VolumeDriverFactory {

    static final String BLOCK_SOURCE = "iscsi_block_source";
    static final String TARGET_HELPER = "target_helper";
    static final String TARGET_PREFIX = "target_prefix";
    static final String TARGET_IP = "target_ip_address";
    static final String TARGET_PORT = "target_port";
    static final String SECONDARY_IPS = "target_secondary_ip_addresses";
    static final String TARGET_PROTOCOL = "target_protocol";
    static final String VOLUMES_DIR = "volumes_dir";
    static final String TGT_CONTROL_PORT = "tgt_control_port";
    static final String COMMAND_TIMEOUT = "iscsi_command_timeout";
    static final String FILE_DIR = "file_volumes_dir";
    static final String VOLUME_GROUP = "volume_group";
    static final String LVM_TYPE = "lvm_type";
    static final String RESERVED = "reserved_percentage";
    static final String RATIO = "max_over_subscription_ratio";

    private final CommandRunner runner;

    public IscsiDriverFactory() {
        this(new ProcessCommandRunner());
    }

    /** With another way to run commands (tests of command lines for tools the machine lacks). */
    public IscsiDriverFactory(CommandRunner runner) {
        this.runner = runner;
    }

    @Override
    public String name() {
        return "iscsi";
    }

    @Override
    public Set<String> aliases() {
        return Set.of("ipsan", "cinder.volume.drivers.lvm.LVMVolumeDriver");
    }

    @Override
    public List<DriverOption> options() {
        return List.of(
                DriverOption.of(BLOCK_SOURCE, "file", "Where volumes' bytes live: file (sparse files) or lvm (logical volumes)."),
                DriverOption.of(TARGET_HELPER, "tgtadm", "iSCSI target implementation: tgtadm (tgt daemon) or lioadm (LIO, targetcli)."),
                DriverOption.of(TARGET_PREFIX, "iqn.2010-10.org.openstack:", "Prefix of every target's IQN."),
                DriverOption.of(TARGET_IP, null, "IP address hosts connect to; defaults to this host's address."),
                DriverOption.of(TARGET_PORT, "3260", "Port of the iSCSI portal."),
                DriverOption.of(SECONDARY_IPS, "", "Further portal addresses (comma-separated), for multipath."),
                DriverOption.of(TARGET_PROTOCOL, "iscsi", "Transport; only iscsi is supported."),
                DriverOption.of(VOLUMES_DIR, null, "Directory of the target files; defaults to <state_path>/<backend>/targets."),
                DriverOption.of(TGT_CONTROL_PORT, null, "Control port of the tgt daemon (tgtd -C N); unset: tgtd's default."),
                DriverOption.of(COMMAND_TIMEOUT, "30", "Seconds one target or LVM command may take before it is killed."),
                DriverOption.of(FILE_DIR, null, "file block source: directory of the sparse files; defaults to <state_path>/<backend>/volumes."),
                DriverOption.of(VOLUME_GROUP, "cinder-volumes", "lvm block source: the volume group."),
                DriverOption.of(LVM_TYPE, "default", "lvm block source: default (thick) or thin (from the pool <volume_group>-pool)."),
                DriverOption.of(RESERVED, "0", "Percentage of capacity kept free (Cinder's reserved_percentage)."),
                DriverOption.of(RATIO, "20.0", "Thin over-subscription limit (Cinder's max_over_subscription_ratio)."));
    }

    @Override
    public VolumeDriver create(DriverConfig config) throws DriverException {
        if (!"iscsi".equals(config.get(TARGET_PROTOCOL))) {
            throw invalid(config, TARGET_PROTOCOL + " must be iscsi, not '" + config.get(TARGET_PROTOCOL) + "'");
        }
        Duration timeout = config.getSeconds(COMMAND_TIMEOUT, Duration.ofSeconds(30));
        int reserved = (int) config.getLong(RESERVED, 0);
        double ratio = config.getDouble(RATIO, 20.0);
        BlockSource source = switch (config.get(BLOCK_SOURCE)) {
            case "file" -> new FileBlockSource(dir(config, FILE_DIR, "volumes"), reserved, ratio);
            case "lvm" -> {
                String type = config.get(LVM_TYPE);
                if (!type.equals("default") && !type.equals("thin")) {
                    throw invalid(config, LVM_TYPE + " must be default or thin, not '" + type + "'");
                }
                yield new LvmBlockSource(runner, config.get(VOLUME_GROUP), type.equals("thin"), reserved, ratio, timeout);
            }
            default -> throw invalid(config, BLOCK_SOURCE + " must be file or lvm, not '" + config.get(BLOCK_SOURCE) + "'");
        };
        List<String> portals = portals(config);
        Path volumesDir = dir(config, VOLUMES_DIR, "targets");
        TargetHelper helper = switch (config.get(TARGET_HELPER)) {
            case "tgtadm" -> new TgtAdm(runner, volumesDir, config.get(TGT_CONTROL_PORT) == null ? null
                    : (int) config.getLong(TGT_CONTROL_PORT, 0), timeout);
            case "lioadm" -> new LioAdm(runner, volumesDir, portals, timeout);
            default -> throw invalid(config, TARGET_HELPER + " must be tgtadm or lioadm, not '" + config.get(TARGET_HELPER) + "'");
        };
        return new IscsiDriver(config.volumeBackendName(), source, helper, config.get(TARGET_PREFIX), portals);
    }

    private static List<String> portals(DriverConfig config) throws DriverException {
        long port = config.getLong(TARGET_PORT, 3260);
        if (port < 1 || port > 65535) {
            throw invalid(config, TARGET_PORT + " must be a TCP port");
        }
        List<String> portals = new ArrayList<>();
        String primary = config.get(TARGET_IP) != null ? config.get(TARGET_IP) : localAddress();
        portals.add(portal(primary, port));
        for (String secondary : config.get(SECONDARY_IPS).split(",")) {
            if (!secondary.isBlank()) {
                portals.add(portal(secondary.trim(), port));
            }
        }
        return portals;
    }

    /** {@code ip:port}, IPv6 addresses in brackets as Cinder writes them. */
    private static String portal(String ip, long port) {
        return (ip.contains(":") && !ip.startsWith("[") ? "[" + ip + "]" : ip) + ":" + port;
    }

    private static Path dir(DriverConfig config, String option, String fallback) {
        String dir = config.get(option);
        return dir != null ? Path.of(dir) : config.stateDir().resolve(fallback);
    }

    private static String localAddress() {
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    private static DriverException invalid(DriverConfig config, String message) {
        return new DriverException(DriverErrorCode.INVALID_CONFIGURATION, "backend " + config.backendName() + ": " + message);
    }
}
