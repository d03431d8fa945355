package dev.ember.volume.targets;

import java.util.Objects;

/**
 * What a target's LUN reads and writes: a file or block device path, or an image of a userspace
 * backing store.
 *
 * @param type tgt's {@code --bstype} ({@code rdwr} for files and devices, {@code rbd} for Ceph images)
 * @param path a file or device path, or for {@code rbd} {@code pool/image}
 * @param options tgt's {@code --bsopts} (for {@code rbd}: {@code conf=...;id=...}), or null
 */
public record BackingStore(String type, String path, String options) {

    public static final String RDWR = "rdwr";
    public static final String RBD = "rbd";

    public BackingStore {
        Objects.requireNonNull(type, "type is null");
        Objects.requireNonNull(path, "path is null");
        if (!type.matches("[a-z_]+") || path.isBlank() || path.contains("\n") || (options != null && options.contains("\n"))) {
            throw new IllegalArgumentException("unsafe backing store: " + type + " " + path);
        }
    }

    public static BackingStore file(String path) {
        return new BackingStore(RDWR, path, null);
    }
}
