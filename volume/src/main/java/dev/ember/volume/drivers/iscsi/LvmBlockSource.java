package dev.ember.volume.drivers.iscsi;

import dev.ember.volume.command.CommandRunner;
import dev.ember.volume.spi.Capacity;
import dev.ember.volume.spi.DriverErrorCode;
import dev.ember.volume.spi.DriverException;
import dev.ember.volume.spi.PoolStats;
import dev.ember.volume.spi.RetriableDriverException;
import dev.ember.volume.spi.VolumeSpec;
import dev.ember.volume.targets.BackingStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code iscsi_block_source = lvm}: logical volumes of one volume group, as Cinder's LVM driver makes them
 * ({@code cinder/brick/local_dev/lvm.py}): thick ({@code lvm_type = default}, {@code lvcreate -L}) or thin
 * from the pool {@code <vg>-pool} ({@code lvm_type = thin}, {@code lvcreate -T -V}). The LUN serves
 * {@code /dev/<vg>/volume-<id>}.
 *
 * <p>Needs device-mapper in the kernel; the command lines are checked by unit tests where it is absent
 * (see docs/ipsan.md).
 */
final class LvmBlockSource implements BlockSource {

    /** Cinder runs every LVM command with {@code env LC_ALL=C} so their output parses the same everywhere. */
    private static final List<String> PREFIX = List.of("env", "LC_ALL=C");

    private final CommandRunner runner;
    private final String volumeGroup;
    private final boolean thin;
    private final int reservedPercentage;
    private final double maxOverSubscriptionRatio;
    private final Duration timeout;

    LvmBlockSource(CommandRunner runner, String volumeGroup, boolean thin, int reservedPercentage,
            double maxOverSubscriptionRatio, Duration timeout) {
        if (!volumeGroup.matches("[A-Za-z0-9+_.-]+") || volumeGroup.startsWith("-")) {
            throw new IllegalArgumentException("not a volume group name: " + volumeGroup);
        }
        this.runner = runner;
        this.volumeGroup = volumeGroup;
        this.thin = thin;
        this.reservedPercentage = reservedPercentage;
        this.maxOverSubscriptionRatio = maxOverSubscriptionRatio;
        this.timeout = timeout;
    }

    String thinPool() {
        return volumeGroup + "-pool";
    }

    @Override
    public void start() throws DriverException {
        vgInfo();
        if (thin && !exists(thinPool())) {
            // As Cinder's create_thin_pool: the pool takes 95 % of the group's free space.
            double free = vgInfo()[1];
            long sizeGb = (long) Math.floor(free * 0.95);
            if (sizeGb < 1) {
                throw new DriverException(DriverErrorCode.INVALID_CONFIGURATION,
                        "volume group " + volumeGroup + " has no room for the thin pool " + thinPool());
            }
            lvm(List.of("lvcreate", "-T", "-L", sizeGb + "g", volumeGroup + "/" + thinPool()));
        }
    }

    @Override
    public PoolStats stats(String pool) throws DriverException {
        double[] vg = vgInfo();
        if (!thin) {
            return new PoolStats(pool, Capacity.gb(vg[0]), Capacity.gb(vg[1]), null, reservedPercentage, 1.0, false,
                    true, true, Map.of("location_info", locationInfo()));
        }
        // Thin: the pool's size is the total, its unused data the free space.
        String[] fields = lvm(List.of("lvs", "--noheadings", "--unit=g", "-o", "size,data_percent", "--separator",
                ":", "--nosuffix", volumeGroup + "/" + thinPool())).stdout().trim().split(":");
        double size = parse(fields[0]);
        double used = fields.length > 1 ? parse(fields[1]) : 0;
        double free = Math.max(0, size * (100 - used) / 100);
        return new PoolStats(pool, Capacity.gb(round(size)), Capacity.gb(round(free)), null, reservedPercentage,
                maxOverSubscriptionRatio, true, false, true, Map.of("location_info", locationInfo()));
    }

    @Override
    public void create(VolumeSpec volume) throws DriverException {
        if (exists(volume.name())) {
            return;
        }
        String size = volume.sizeGb() + "g";
        if (thin) {
            lvm(List.of("lvcreate", "-T", "-V", size, "-n", volume.name(), volumeGroup + "/" + thinPool()));
        } else {
            lvm(List.of("lvcreate", "-n", volume.name(), volumeGroup, "-L", size));
        }
    }

    @Override
    public void delete(VolumeSpec volume) throws DriverException {
        if (!exists(volume.name())) {
            return;
        }
        lvm(List.of("lvremove", "--config", "activation { retry_deactivation = 1} devices { ignore_suspended_devices = 1}",
                "-f", volumeGroup + "/" + volume.name()));
    }

    @Override
    public void extend(VolumeSpec volume, int newSizeGb) throws DriverException {
        double current = parse(lvm(List.of("lvs", "--noheadings", "--unit=g", "-o", "size", "--nosuffix",
                volumeGroup + "/" + volume.name())).stdout().trim());
        if (current > newSizeGb + 0.001) {
            throw new DriverException(DriverErrorCode.INVALID_ARGUMENT,
                    "cannot shrink " + volume.name() + " to " + newSizeGb + " GiB");
        }
        if (current < newSizeGb - 0.001) {
            lvm(List.of("lvextend", "-L", newSizeGb + "g", volumeGroup + "/" + volume.name()));
        }
    }

    @Override
    public BackingStore backingStore(VolumeSpec volume) {
        return BackingStore.file("/dev/" + volumeGroup + "/" + volume.name());
    }

    /** Cinder's LVM {@code location_info}: {@code LVMVolumeDriver:<host>:<vg>:<type>:<mirrors>}. */
    private String locationInfo() {
        return "LVMVolumeDriver:" + volumeGroup + ":" + (thin ? "thin" : "default") + ":0";
    }

    /** {@code [size, free]} of the volume group in GiB. */
    private double[] vgInfo() throws DriverException {
        CommandRunner.Result result = runner.run(timeout, command(List.of("vgs", "--noheadings", "--unit=g", "-o",
                "name,size,free,lv_count,uuid", "--separator", ":", "--nosuffix", volumeGroup)));
        if (!result.ok()) {
            throw new RetriableDriverException("volume group " + volumeGroup + " is not available: "
                    + result.stderr().trim());
        }
        String[] fields = result.stdout().trim().split(":");
        if (fields.length < 3) {
            throw new DriverException(DriverErrorCode.INTERNAL, "cannot read vgs output: " + result.stdout().trim());
        }
        return new double[] {round(parse(fields[1])), round(parse(fields[2]))};
    }

    private boolean exists(String lv) throws DriverException {
        return runner.run(timeout, command(List.of("lvs", "--noheadings", "-o", "name", volumeGroup + "/" + lv))).ok();
    }

    private CommandRunner.Result lvm(List<String> args) throws DriverException {
        List<String> argv = command(args);
        CommandRunner.Result result = runner.run(timeout, argv);
        if (!result.ok()) {
            DriverErrorCode code = result.stderr().contains("insufficient free space") || result.stderr().contains("Insufficient")
                    ? DriverErrorCode.INSUFFICIENT_CAPACITY : DriverErrorCode.INTERNAL;
            throw new DriverException(code, String.join(" ", argv) + " failed (exit " + result.exitCode() + "): "
                    + result.stderr().trim());
        }
        return result;
    }

    private static List<String> command(List<String> args) {
        List<String> argv = new ArrayList<>(PREFIX);
        argv.addAll(args);
        return argv;
    }

    private static double parse(String number) throws DriverException {
        try {
            return Double.parseDouble(number.trim().replace(',', '.'));
        } catch (NumberFormatException e) {
            throw new DriverException(DriverErrorCode.INTERNAL, "cannot read an LVM size: '" + number + "'");
        }
    }

    private static double round(double gb) {
        return Math.round(gb * 100) / 100.0;
    }
}
