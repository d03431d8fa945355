package dev.ember.volume.targets;

import dev.ember.volume.command.CommandRunner;
import dev.ember.volume.spi.DriverErrorCode;
import dev.ember.volume.spi.DriverException;
import dev.ember.volume.spi.RetriableDriverException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code target_helper = lioadm}: the kernel's LIO target, driven with {@code targetcli} (targetcli-fb),
 * for hosts whose kernel has LIO and configfs. Per volume: a backstore named after the volume
 * ({@code fileio} for files, {@code block} for devices), a target with one TPG serving it as LUN 0 on the
 * configured portals, one ACL per allowed initiator carrying the volume's CHAP credentials (LIO keeps
 * CHAP per ACL), and {@code saveconfig} after every change so the kernel's configuration survives a reboot.
 * Targets are also kept as {@link TargetFiles} stanzas, from which {@link #ensure} re-creates what LIO lost.
 *
 * <p>The command lines follow targetcli-fb's syntax; they are checked by unit tests, since LIO cannot run
 * on machines without configfs (see docs/ipsan.md).
 */
public final class LioAdm implements TargetHelper {

    private final CommandRunner runner;
    private final TargetFiles files;
    private final List<String> portals;
    private final Duration timeout;
    private final Object lock = new Object();

    /**
     * @param portals {@code ip:port} portals every target listens on ({@code target_ip_address}:{@code target_port}
     *     and the secondary addresses)
     */
    public LioAdm(CommandRunner runner, Path volumesDir, List<String> portals, Duration timeout) {
        this.runner = runner;
        this.files = new TargetFiles(volumesDir);
        this.portals = List.copyOf(portals);
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "lioadm";
    }

    @Override
    public int lun() {
        return 0;
    }

    @Override
    public void check() throws DriverException {
        files.check();
        CommandRunner.Result result = runner.run(timeout, List.of("targetcli", "ls", "/iscsi", "1"));
        if (!result.ok()) {
            throw new RetriableDriverException("LIO is not available: " + (result.stderr() + result.stdout()).trim());
        }
    }

    @Override
    public int create(IscsiTarget target) throws DriverException {
        synchronized (lock) {
            files.write(target);
            if (!exists(target.iqn())) {
                build(target);
                saveconfig();
            }
            return 1;
        }
    }

    @Override
    public void ensure(List<String> iqns) throws DriverException {
        synchronized (lock) {
            boolean changed = false;
            for (String iqn : iqns) {
                IscsiTarget target = files.read(iqn);
                if (target != null && !exists(iqn)) {
                    build(target);
                    changed = true;
                }
            }
            if (changed) {
                saveconfig();
            }
        }
    }

    @Override
    public void allow(String iqn, String initiator) throws DriverException {
        synchronized (lock) {
            IscsiTarget target = files.read(iqn);
            if (target == null) {
                throw new DriverException(DriverErrorCode.NOT_FOUND, "no iSCSI target " + iqn + " is exported");
            }
            if (target.initiators().contains(initiator) && exists(iqn)) {
                return;
            }
            files.write(target.withInitiator(initiator));
            if (!exists(iqn)) {
                build(target.withInitiator(initiator));
            } else {
                addAcl(target, initiator);
            }
            saveconfig();
        }
    }

    @Override
    public void disallow(String iqn, String initiator) throws DriverException {
        synchronized (lock) {
            IscsiTarget target = files.read(iqn);
            if (target == null || !target.initiators().contains(initiator)) {
                return;
            }
            files.write(target.withoutInitiator(initiator));
            if (exists(iqn)) {
                targetcli(List.of(tpg(iqn) + "/acls", "delete", initiator), Set.of());
                saveconfig();
            }
        }
    }

    @Override
    public void remove(String iqn) throws DriverException {
        synchronized (lock) {
            IscsiTarget target = files.read(iqn);
            if (exists(iqn)) {
                targetcli(List.of("/iscsi", "delete", iqn), Set.of());
            }
            if (target != null) {
                String backstore = backstore(target);
                CommandRunner.Result present = runner.run(timeout, List.of("targetcli", "ls", backstore));
                if (present.ok()) {
                    targetcli(List.of(backstore.substring(0, backstore.lastIndexOf('/')), "delete", storageName(target)),
                            Set.of());
                }
            }
            saveconfig();
            files.delete(iqn);
        }
    }

    @Override
    public Set<String> targets() throws DriverException {
        synchronized (lock) {
            return new TreeSet<>(files.iqns());
        }
    }

    /** Every command that makes {@code target} from nothing. */
    private void build(IscsiTarget target) throws DriverException {
        String path = target.backing().path();
        if (!BackingStore.RDWR.equals(target.backing().type())) {
            throw new DriverException(DriverErrorCode.INVALID_CONFIGURATION,
                    "LIO cannot serve a " + target.backing().type() + " backing store; use target_helper = tgtadm");
        }
        String name = storageName(target);
        if (path.startsWith("/dev/")) {
            targetcli(List.of("/backstores/block", "create", "name=" + name, "dev=" + path), Set.of());
        } else {
            targetcli(List.of("/backstores/fileio", "create", "name=" + name, "file_or_dev=" + path, "write_back=false"),
                    Set.of());
        }
        targetcli(List.of("/iscsi", "create", target.iqn()), Set.of());
        String tpg = tpg(target.iqn());
        // targetcli adds a 0.0.0.0:3260 portal to every new TPG; serve only the configured portals.
        targetcli(List.of(tpg + "/portals", "delete", "0.0.0.0", "3260"), Set.of());
        for (String portal : portals) {
            int colon = portal.lastIndexOf(':');
            targetcli(List.of(tpg + "/portals", "create", portal.substring(0, colon), portal.substring(colon + 1)), Set.of());
        }
        targetcli(List.of(tpg + "/luns", "create", backstore(target)), Set.of());
        targetcli(List.of(tpg, "set", "attribute", "authentication=" + (target.chap() != null ? 1 : 0),
                "generate_node_acls=0", "demo_mode_write_protect=0"), Set.of());
        for (String initiator : target.initiators()) {
            addAcl(target, initiator);
        }
    }

    private void addAcl(IscsiTarget target, String initiator) throws DriverException {
        String tpg = tpg(target.iqn());
        targetcli(List.of(tpg + "/acls", "create", initiator), Set.of());
        if (target.chap() != null) {
            targetcli(List.of(tpg + "/acls/" + initiator, "set", "auth", "userid=" + target.chap().username(),
                    "password=" + target.chap().secret()), Set.of(target.chap().secret()));
        }
    }

    private boolean exists(String iqn) throws DriverException {
        return runner.run(timeout, List.of("targetcli", "ls", "/iscsi/" + iqn)).ok();
    }

    private void saveconfig() throws DriverException {
        targetcli(List.of("saveconfig"), Set.of());
    }

    private static String tpg(String iqn) {
        return "/iscsi/" + iqn + "/tpg1";
    }

    private static String storageName(IscsiTarget target) {
        return target.iqn().substring(target.iqn().lastIndexOf(':') + 1);
    }

    private static String backstore(IscsiTarget target) {
        return (target.backing().path().startsWith("/dev/") ? "/backstores/block/" : "/backstores/fileio/")
                + storageName(target);
    }

    private void targetcli(List<String> args, Set<String> secrets) throws DriverException {
        List<String> argv = new ArrayList<>();
        argv.add("targetcli");
        argv.addAll(args);
        CommandRunner.Result result = runner.run(timeout, argv, secrets);
        if (!result.ok()) {
            throw new DriverException(DriverErrorCode.INTERNAL, CommandRunner.display(argv, secrets) + " failed (exit "
                    + result.exitCode() + "): " + (result.stderr() + result.stdout()).trim());
        }
    }
}
