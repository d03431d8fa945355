package dev.ember.common.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * QEMU's own block layer as a hypervisor uses it: {@code qemu-io} opening a volume from nothing but the
 * {@code connection_info} a client received, to write and read bytes. The best proof that an attach works.
 * Secrets go to qemu through a file, never on the command line. Skips the test where qemu-utils or
 * qemu-block-extra is not installed.
 */
public final class QemuIo {

    private QemuIo() {
    }

    public static void assumeInstalled() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-io")),
                "qemu-io is not installed (apt-get install qemu-utils qemu-block-extra)");
    }

    /** What one qemu-io run printed, and whether it succeeded. */
    public record Outcome(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /**
     * Runs qemu-io commands (e.g. {@code write -P 0x5a 0 1M}) on an iSCSI volume described by a flat or
     * nested iSCSI {@code connection_info} data map, logging in as {@code initiatorName}.
     */
    public static Outcome iscsi(Map<String, ?> data, String initiatorName, String secretOverride, String... commands)
            throws Exception {
        Path secret = Files.createTempFile("ember-qemu-", ".secret",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            StringBuilder opts = new StringBuilder("driver=raw,file.driver=iscsi,file.transport=tcp")
                    .append(",file.portal=").append(data.get("target_portal"))
                    .append(",file.target=").append(data.get("target_iqn"))
                    .append(",file.lun=").append(data.get("target_lun"))
                    .append(",file.initiator-name=").append(initiatorName);
            List<String> command = new ArrayList<>(List.of("qemu-io"));
            if (data.get("auth_username") != null) {
                Object password = secretOverride != null ? secretOverride : data.get("auth_password");
                Files.writeString(secret, String.valueOf(password));
                command.addAll(List.of("--object", "secret,id=sec0,file=" + secret));
                opts.append(",file.user=").append(data.get("auth_username")).append(",file.password-secret=sec0");
            }
            command.add("--image-opts");
            for (String c : commands) {
                command.add("-c");
                command.add(c);
            }
            command.add(opts.toString());
            return run(command);
        } finally {
            Files.deleteIfExists(secret);
        }
    }

    /** Runs qemu-io commands on any image qemu can open by name ({@code rbd:pool/image:conf=...}, a file...). */
    public static Outcome image(String image, String... commands) throws Exception {
        List<String> command = new ArrayList<>(List.of("qemu-io", "-f", "raw"));
        for (String c : commands) {
            command.add("-c");
            command.add(c);
        }
        command.add(image);
        return run(command);
    }

    private static Outcome run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Outcome(-1, "timed out: " + out);
        }
        return new Outcome(p.exitValue(), out);
    }
}
