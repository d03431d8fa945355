package dev.ember.volume.targets;

import dev.ember.volume.spi.DriverErrorCode;
import dev.ember.volume.spi.DriverException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The target helpers' own record of their targets: one file per target in Cinder's {@code volumes_dir},
 * named after the volume, in the stanza format Cinder's tgt helper writes and {@code tgt-admin} reads
 * ({@code <target iqn> backing-store ... incominguser ... </target>}), plus one {@code initiator-name}
 * line per allowed initiator. Files are readable by their owner only: they hold the CHAP secret.
 */
final class TargetFiles {

    private final Path directory;

    TargetFiles(Path directory) {
        this.directory = directory;
    }

    void check() throws DriverException {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new DriverException(DriverErrorCode.INVALID_CONFIGURATION, "cannot create volumes_dir " + directory, e);
        }
    }

    /** The target kept under this name, or null. */
    IscsiTarget read(String iqn) throws DriverException {
        Path file = file(iqn);
        if (!Files.exists(file)) {
            return null;
        }
        IscsiTarget target = parse(file);
        return target != null && target.iqn().equals(iqn) ? target : null;
    }

    void write(IscsiTarget target) throws DriverException {
        StringBuilder text = new StringBuilder();
        text.append("<target ").append(target.iqn()).append(">\n");
        text.append("    backing-store ").append(target.backing().path()).append('\n');
        if (!BackingStore.RDWR.equals(target.backing().type())) {
            text.append("    bs-type ").append(target.backing().type()).append('\n');
        }
        if (target.backing().options() != null) {
            text.append("    bsopts \"").append(target.backing().options()).append("\"\n");
        }
        text.append("    driver iscsi\n");
        if (target.chap() != null) {
            text.append("    incominguser ").append(target.chap().username()).append(' ')
                    .append(target.chap().secret()).append('\n');
        }
        for (String initiator : target.initiators()) {
            text.append("    initiator-name ").append(initiator).append('\n');
        }
        text.append("    write-cache on\n");
        text.append("</target>\n");
        Path file = file(target.iqn());
        try {
            Files.createDirectories(directory);
            Path temp = Files.createTempFile(directory, ".target-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new DriverException(DriverErrorCode.INTERNAL, "cannot write the target file " + file + ": " + e.getMessage(), e);
        }
    }

    void delete(String iqn) throws DriverException {
        try {
            Files.deleteIfExists(file(iqn));
        } catch (IOException e) {
            throw new DriverException(DriverErrorCode.INTERNAL, "cannot delete the target file of " + iqn, e);
        }
    }

    /** The names of every target kept here. */
    Set<String> iqns() throws DriverException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.exists(directory) ? Files.list(directory) : Stream.empty()) {
            for (Path file : files.filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
                IscsiTarget target = parse(file);
                if (target != null) {
                    names.add(target.iqn());
                }
            }
        } catch (IOException e) {
            throw new DriverException(DriverErrorCode.INTERNAL, "cannot list " + directory, e);
        }
        return names;
    }

    private Path file(String iqn) {
        String name = iqn.substring(iqn.lastIndexOf(':') + 1);
        if (!name.matches("[A-Za-z0-9_.-]+") || name.startsWith(".")) {
            throw new IllegalArgumentException("unsafe target name: " + iqn);
        }
        return directory.resolve(name);
    }

    /** Reads a stanza this class wrote; null if the file is not one. */
    static IscsiTarget parse(Path file) throws DriverException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DriverException(DriverErrorCode.INTERNAL, "cannot read the target file " + file, e);
        }
        String iqn = null;
        String path = null;
        String type = BackingStore.RDWR;
        String options = null;
        ChapCredentials chap = null;
        Set<String> initiators = new TreeSet<>();
        for (String raw : lines) {
            String line = raw.trim();
            if (line.startsWith("<target ") && line.endsWith(">")) {
                iqn = line.substring("<target ".length(), line.length() - 1).trim();
            } else if (line.startsWith("backing-store ")) {
                path = line.substring("backing-store ".length()).trim();
            } else if (line.startsWith("bs-type ")) {
                type = line.substring("bs-type ".length()).trim();
            } else if (line.startsWith("bsopts ")) {
                options = line.substring("bsopts ".length()).trim().replaceAll("^\"|\"$", "");
            } else if (line.startsWith("incominguser ")) {
                String[] words = line.split("\\s+");
                if (words.length == 3) {
                    chap = new ChapCredentials(words[1], words[2]);
                }
            } else if (line.startsWith("initiator-name ")) {
                initiators.add(line.substring("initiator-name ".length()).trim());
            }
        }
        if (iqn == null || path == null) {
            return null;
        }
        return new IscsiTarget(iqn, new BackingStore(type, path, options), chap, initiators);
    }
}
