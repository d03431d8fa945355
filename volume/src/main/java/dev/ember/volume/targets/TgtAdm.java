package dev.ember.volume.targets;

import dev.ember.volume.command.CommandRunner;
import dev.ember.volume.spi.DriverErrorCode;
import dev.ember.volume.spi.DriverException;
import dev.ember.volume.spi.RetriableDriverException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code target_helper = tgtadm}: targets of the userspace tgt daemon, driven with {@code tgtadm}.
 *
 * <p>Each target is also kept as a {@link TargetFiles} stanza. tgtd keeps nothing across a restart;
 * {@link #ensure} re-creates its targets from these files, so connection info hosts already hold keeps
 * working.
 *
 * <p>One tgtd serves one volume service: target ids are chosen here, under one lock.
 */
public final class TgtAdm implements TargetHelper {

    private static final Logger LOG = LoggerFactory.getLogger(TgtAdm.class);
    /** tgt serves LUN 0 as its controller; the volume is LUN 1, as with Cinder's tgtadm helper. */
    private static final int LUN = 1;
    private static final int ENOTCONN = 107;

    private final CommandRunner runner;
    private final TargetFiles files;
    private final Integer controlPort;
    private final Duration timeout;
    private final Object lock = new Object();

    /**
     * @param volumesDir where target files are kept (Cinder's {@code volumes_dir})
     * @param controlPort tgtd's control port ({@code tgtd -C N}), or null for tgtd's default
     * @param timeout how long one {@code tgtadm} call may take before it is killed
     */
    public TgtAdm(CommandRunner runner, Path volumesDir, Integer controlPort, Duration timeout) {
        this.runner = runner;
        this.files = new TargetFiles(volumesDir);
        this.controlPort = controlPort;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "tgtadm";
    }

    @Override
    public int lun() {
        return LUN;
    }

    @Override
    public void check() throws DriverException {
        files.check();
        show();
    }

    @Override
    public int create(IscsiTarget target) throws DriverException {
        synchronized (lock) {
            files.write(target);
            return apply(target, show());
        }
    }

    @Override
    public void ensure(List<String> iqns) throws DriverException {
        synchronized (lock) {
            Shown shown = null;
            for (String iqn : iqns) {
                IscsiTarget target = files.read(iqn);
                if (target == null) {
                    continue;
                }
                if (shown == null) {
                    shown = show();
                }
                if (!shown.matches(target, LUN)) {
                    LOG.info("re-creating iSCSI target {}", iqn);
                    apply(target, shown);
                    shown = null;
                }
            }
        }
    }

    @Override
    public void allow(String iqn, String initiator) throws DriverException {
        synchronized (lock) {
            IscsiTarget target = require(iqn).withInitiator(initiator);
            files.write(target);
            apply(target, show());
        }
    }

    @Override
    public void disallow(String iqn, String initiator) throws DriverException {
        synchronized (lock) {
            IscsiTarget target = files.read(iqn);
            if (target == null) {
                return;
            }
            target = target.withoutInitiator(initiator);
            files.write(target);
            apply(target, show());
        }
    }

    @Override
    public void remove(String iqn) throws DriverException {
        synchronized (lock) {
            IscsiTarget kept = files.read(iqn);
            Shown shown;
            try {
                shown = show();
            } catch (DriverException e) {
                // The record goes even so: a daemon that crashed holds nothing, and one that comes back must not
                // get the target again from this file (ensure). The caller retries the rest (or not, undoing a
                // failed export).
                files.delete(iqn);
                throw e;
            }
            ShownTarget live = shown.targets.get(iqn);
            if (live != null) {
                // --force also ends the sessions of initiators still logged in.
                tgtadm(List.of("--mode", "target", "--op", "delete", "--force", "--tid", Integer.toString(live.tid)));
            }
            if (kept != null && kept.chap() != null && shown.accounts.contains(kept.chap().username())) {
                tgtadm(List.of("--mode", "account", "--op", "delete", "--user", kept.chap().username()));
            }
            files.delete(iqn);
        }
    }

    @Override
    public Set<String> targets() throws DriverException {
        synchronized (lock) {
            Set<String> names = new TreeSet<>(show().targets.keySet());
            names.addAll(files.iqns());
            return names;
        }
    }

    /**
     * Makes the daemon's target match {@code target}: target, LUN, CHAP account and binding, ACLs.
     *
     * @return the target id
     */
    private int apply(IscsiTarget target, Shown shown) throws DriverException {
        ShownTarget live = shown.targets.get(target.iqn());
        if (live == null) {
            int tid = shown.nextTid();
            tgtadm(List.of("--mode", "target", "--op", "new", "--tid", Integer.toString(tid), "--targetname", target.iqn()));
            live = new ShownTarget(tid);
            shown.targets.put(target.iqn(), live);
        }
        String tid = Integer.toString(live.tid);
        if (!live.luns.contains(LUN)) {
            List<String> lun = new ArrayList<>(List.of("--mode", "logicalunit", "--op", "new", "--tid", tid,
                    "--lun", Integer.toString(LUN), "--backing-store", target.backing().path()));
            if (!BackingStore.RDWR.equals(target.backing().type())) {
                lun.addAll(List.of("--bstype", target.backing().type()));
            }
            if (target.backing().options() != null) {
                lun.addAll(List.of("--bsopts", target.backing().options()));
            }
            tgtadm(lun);
            live.luns.add(LUN);
        }
        if (target.chap() != null) {
            String user = target.chap().username();
            if (!shown.accounts.contains(user)) {
                tgtadm(List.of("--mode", "account", "--op", "new", "--user", user, "--password", target.chap().secret()),
                        Set.of(target.chap().secret()));
                shown.accounts.add(user);
            }
            if (!live.accounts.contains(user)) {
                tgtadm(List.of("--mode", "account", "--op", "bind", "--tid", tid, "--user", user));
                live.accounts.add(user);
            }
        }
        for (String initiator : target.initiators()) {
            if (!live.acls.contains(initiator)) {
                tgtadm(List.of("--mode", "target", "--op", "bind", "--tid", tid, "--initiator-name", initiator));
                live.acls.add(initiator);
            }
        }
        for (String acl : List.copyOf(live.acls)) {
            if (!target.initiators().contains(acl)) {
                tgtadm(List.of("--mode", "target", "--op", "unbind", "--tid", tid, "--initiator-name", acl));
                live.acls.remove(acl);
            }
        }
        return live.tid;
    }

    // ----- tgtd's view ------------------------------------------------------------------------------

    /** One target as {@code tgtadm --op show} prints it. */
    static final class ShownTarget {
        final int tid;
        final Set<Integer> luns = new HashSet<>();
        final Set<String> accounts = new HashSet<>();
        final Set<String> acls = new LinkedHashSet<>();

        ShownTarget(int tid) {
            this.tid = tid;
        }
    }

    /** Every target of the daemon by name, and every CHAP account it knows. */
    static final class Shown {
        final Map<String, ShownTarget> targets = new HashMap<>();
        final Set<String> accounts = new HashSet<>();

        int nextTid() {
            int tid = 1;
            Set<Integer> used = new HashSet<>();
            targets.values().forEach(t -> used.add(t.tid));
            while (used.contains(tid)) {
                tid++;
            }
            return tid;
        }

        /** Whether the daemon serves the target exactly as described. */
        boolean matches(IscsiTarget target, int lun) {
            ShownTarget live = targets.get(target.iqn());
            return live != null && live.luns.contains(lun)
                    && (target.chap() == null || live.accounts.contains(target.chap().username()))
                    && new HashSet<>(live.acls).equals(target.initiators());
        }
    }

    private Shown show() throws DriverException {
        Shown shown = parseTargets(tgtadm(List.of("--mode", "target", "--op", "show")).stdout());
        for (String line : tgtadm(List.of("--mode", "account", "--op", "show")).stdout().split("\n")) {
            String word = line.trim();
            if (!word.isEmpty() && !word.endsWith(":")) {
                shown.accounts.add(word.split("\\s+")[0]);
            }
        }
        return shown;
    }

    /** Parses {@code tgtadm --mode target --op show}. */
    static Shown parseTargets(String output) {
        Shown shown = new Shown();
        ShownTarget current = null;
        String section = "";
        for (String raw : output.split("\n")) {
            String line = raw.trim();
            if (raw.startsWith("Target ")) {
                int colon = raw.indexOf(':');
                current = new ShownTarget(Integer.parseInt(raw.substring("Target ".length(), colon).trim()));
                shown.targets.put(raw.substring(colon + 1).trim(), current);
                section = "";
            } else if (current == null || line.isEmpty()) {
                continue;
            } else if (line.endsWith("information:")) {
                section = line;
            } else if (section.startsWith("LUN") && line.startsWith("LUN: ")) {
                current.luns.add(Integer.parseInt(line.substring("LUN: ".length()).trim()));
            } else if (section.startsWith("Account")) {
                current.accounts.add(line.split("\\s+")[0]);
            } else if (section.startsWith("ACL")) {
                current.acls.add(line);
            }
        }
        return shown;
    }

    private CommandRunner.Result tgtadm(List<String> args) throws DriverException {
        return tgtadm(args, Set.of());
    }

    private CommandRunner.Result tgtadm(List<String> args, Set<String> secrets) throws DriverException {
        List<String> argv = new ArrayList<>();
        argv.add("tgtadm");
        if (controlPort != null) {
            argv.add("-C");
            argv.add(controlPort.toString());
        }
        argv.add("--lld");
        argv.add("iscsi");
        argv.addAll(args);
        CommandRunner.Result result = runner.run(timeout, argv, secrets);
        if (!result.ok()) {
            String why = (result.stderr() + result.stdout()).trim();
            // tgtadm exits with ENOTCONN (107) when no tgtd listens on its control socket.
            if (result.exitCode() == ENOTCONN || why.contains("Transport endpoint is not connected")) {
                throw new RetriableDriverException("tgtd is not reachable: " + why);
            }
            throw new DriverException(DriverErrorCode.INTERNAL,
                    CommandRunner.display(argv, secrets) + " failed (exit " + result.exitCode() + "): " + why);
        }
        return result;
    }

    private IscsiTarget require(String iqn) throws DriverException {
        IscsiTarget target = files.read(iqn);
        if (target == null) {
            throw new DriverException(DriverErrorCode.NOT_FOUND, "no iSCSI target " + iqn + " is exported");
        }
        return target;
    }
}
