package dev.ember.volume.drivers.rbd;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.ember.volume.spi.DriverErrorCode;
import dev.ember.volume.spi.DriverException;
import dev.ember.volume.spi.RetriableDriverException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One connection to a Ceph cluster as one user, with one pool open: librados and librbd in-process,
 * through {@link Native}. Every operation runs on this client's own threads and waits at most the
 * configured timeout (librados's own op timeouts are set to it too), so a cluster that stops answering
 * makes calls fail with a retriable error instead of hanging the volume service. Failures carry the
 * errno's meaning as a {@link DriverErrorCode}.
 */
final class RbdClient implements AutoCloseable {

    /** Linux errno values librados and librbd return (negated). */
    static final int ENOENT = 2;
    static final int EEXIST = 17;
    static final int EBUSY = 16;
    static final int ENOTEMPTY = 39;
    static final int ERANGE = 34;
    static final int SNAP_NAMESPACE_TRASH = 2;
    static final int EINVAL = 22;

    private static final long NATIVE_STACK_BYTES = 16L << 20;

    /** Bound on a client thread: loading librados runs Ceph's static initialisers on the loading thread's stack. */
    private volatile Native.Rados rados;
    private volatile Native.Rbd rbd;
    private final Duration timeout;
    private final ExecutorService calls;
    private Pointer cluster;
    private Pointer ioctx;

    /**
     * A snapshot as librbd lists it.
     *
     * @param namespace its {@code rbd_snap_namespace_type_t} (0 user, 1 group, 2 trash, 3 mirror), or the
     *     negative errno of asking for it
     */
    record Snap(long id, long size, String name, int namespace) {
        /**
         * In librbd's trash namespace (under a UUID name): a removal that was interrupted, or one that waits
         * for its clones to go.
         */
        boolean trashed() {
            return namespace == SNAP_NAMESPACE_TRASH;
        }
    }

    /** An image's parent: the snapshot it was cloned from. */
    record Parent(String pool, String image, String snapshot) {
    }

    /**
     * Connects.
     *
     * @param conf settings applied after the file ({@code keyring}, timeouts...)
     */
    RbdClient(String clusterName, String user, String confFile, Map<String, String> conf, String pool, Duration timeout)
            throws DriverException {
        this.timeout = timeout;
        ThreadPoolExecutor threads = new ThreadPoolExecutor(16, 16, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1024), r -> {
            // Loading librados builds Ceph's whole option table on the caller's stack: give it room whatever
            // -Xss the JVM runs with.
            Thread t = new Thread(null, r, "rbd-" + pool, NATIVE_STACK_BYTES);
            t.setDaemon(true);
            return t;
        });
        threads.allowCoreThreadTimeOut(true);
        this.calls = threads;
        call("connect", () -> {
            rados = Native.rados();
            rbd = Native.rbd();
            PointerByReference handle = new PointerByReference();
            check("rados_create2", rados.rados_create2(handle, clusterName, "client." + user, 0));
            Pointer c = handle.getValue();
            try {
                if (confFile != null && !confFile.isBlank()) {
                    check("rados_conf_read_file " + confFile, rados.rados_conf_read_file(c, confFile));
                } else {
                    check("rados_conf_read_file", rados.rados_conf_read_file(c, null));
                }
                long seconds = Math.max(1, timeout.toSeconds());
                for (String option : List.of("rados_mon_op_timeout", "rados_osd_op_timeout", "client_mount_timeout")) {
                    check("rados_conf_set " + option, rados.rados_conf_set(c, option, Long.toString(seconds)));
                }
                for (Map.Entry<String, String> entry : conf.entrySet()) {
                    check("rados_conf_set " + entry.getKey(), rados.rados_conf_set(c, entry.getKey(), entry.getValue()));
                }
                check("rados_connect", rados.rados_connect(c));
                PointerByReference io = new PointerByReference();
                check("rados_ioctx_create " + pool, rados.rados_ioctx_create(c, pool, io));
                cluster = c;
                ioctx = io.getValue();
            } catch (DriverException | RuntimeException e) {
                rados.rados_shutdown(c);
                throw e;
            }
            return null;
        });
    }

    // ----- images -----------------------------------------------------------------------------------

    void create(String name, long bytes) throws DriverException {
        call("create " + name, () -> check("rbd_create " + name, rbd.rbd_create(ioctx, name, bytes, new IntByReference(0))));
    }

    boolean exists(String name) throws DriverException {
        return call("open " + name, () -> {
            PointerByReference image = new PointerByReference();
            int r = rbd.rbd_open(ioctx, name, image, null);
            if (r == -ENOENT) {
                return false;
            }
            check("rbd_open " + name, r);
            rbd.rbd_close(image.getValue());
            return true;
        });
    }

    long size(String name) throws DriverException {
        return withImage(name, null, image -> {
            LongByReference size = new LongByReference();
            check("rbd_get_size " + name, rbd.rbd_get_size(image, size));
            return size.getValue();
        });
    }

    void resize(String name, long bytes) throws DriverException {
        withImage(name, null, image -> check("rbd_resize " + name, rbd.rbd_resize(image, bytes)));
    }

    /** Removes the image; fails with {@link DriverErrorCode#BUSY} while it has snapshots or watchers. */
    void remove(String name) throws DriverException {
        call("remove " + name, () -> check("rbd_remove " + name, rbd.rbd_remove(ioctx, name)));
    }

    void rename(String from, String to) throws DriverException {
        call("rename " + from, () -> check("rbd_rename " + from, rbd.rbd_rename(ioctx, from, to)));
    }

    List<String> list() throws DriverException {
        return call("list", () -> {
            long capacity = 4096;
            while (true) {
                Memory names = zeroed(capacity);
                LongByReference size = new LongByReference(capacity);
                int r = rbd.rbd_list(ioctx, names, size);
                if (r == -ERANGE) {
                    capacity = Math.max(size.getValue(), capacity * 2);
                    continue;
                }
                check("rbd_list", r);
                // On success librbd returns the bytes it wrote and leaves *size as it was.
                return split(names, r);
            }
        });
    }

    Parent parent(String name) throws DriverException {
        return withImage(name, null, image -> {
            byte[] pool = new byte[256];
            byte[] parent = new byte[512];
            byte[] id = new byte[128];
            byte[] snap = new byte[512];
            int r = rbd.rbd_get_parent_info2(image, pool, pool.length, parent, parent.length, id, id.length, snap, snap.length);
            if (r == -ENOENT) {
                return null;
            }
            check("rbd_get_parent_info2 " + name, r);
            return new Parent(cString(pool), cString(parent), cString(snap));
        });
    }

    void flatten(String name) throws DriverException {
        withImage(name, null, image -> check("rbd_flatten " + name, rbd.rbd_flatten(image)));
    }

    // ----- snapshots and clones ---------------------------------------------------------------------

    List<Snap> snapshots(String name) throws DriverException {
        return withImage(name, null, image -> {
            int max = 16;
            while (true) {
                Memory snaps = new Memory(24L * (max + 1));
                IntByReference count = new IntByReference(max);
                int r = rbd.rbd_snap_list(image, snaps, count);
                if (r == -ERANGE) {
                    max = Math.max(count.getValue(), max * 2);
                    continue;
                }
                check("rbd_snap_list " + name, r);
                List<Snap> out = new ArrayList<>();
                for (int i = 0; i < r; i++) {
                    Pointer namePtr = snaps.getPointer(24L * i + 16);
                    long id = snaps.getLong(24L * i);
                    IntByReference namespace = new IntByReference();
                    int asked = rbd.rbd_snap_get_namespace_type(image, id, namespace);
                    out.add(new Snap(id, snaps.getLong(24L * i + 8),
                            namePtr == null ? "" : namePtr.getString(0, StandardCharsets.UTF_8.name()),
                            asked < 0 ? asked : namespace.getValue()));
                }
                rbd.rbd_snap_list_end(snaps);
                return out;
            }
        });
    }

    void snapCreate(String image, String snap) throws DriverException {
        withImage(image, null, h -> check("rbd_snap_create " + image + "@" + snap, rbd.rbd_snap_create(h, snap)));
    }

    /** Removes a snapshot by id (a trashed one has no name of its own); false while clones of it remain. */
    boolean snapRemoveById(String image, long snapId) throws DriverException {
        return withImage(image, null, h -> {
            int r = rbd.rbd_snap_remove_by_id(h, snapId);
            if (r == -EBUSY) {
                return false;
            }
            if (r != -ENOENT) {
                check("rbd_snap_remove_by_id " + image + "@" + snapId, r);
            }
            return true;
        });
    }

    void snapRemove(String image, String snap) throws DriverException {
        withImage(image, null, h -> check("rbd_snap_remove " + image + "@" + snap, rbd.rbd_snap_remove(h, snap)));
    }

    void snapProtect(String image, String snap) throws DriverException {
        withImage(image, null, h -> {
            IntByReference prot = new IntByReference();
            check("rbd_snap_is_protected", rbd.rbd_snap_is_protected(h, snap, prot));
            if (prot.getValue() == 0) {
                check("rbd_snap_protect " + image + "@" + snap, rbd.rbd_snap_protect(h, snap));
            }
            return null;
        });
    }

    /** Unprotects; fails with {@link DriverErrorCode#BUSY} while the snapshot has clones. */
    void snapUnprotect(String image, String snap) throws DriverException {
        withImage(image, null, h -> {
            IntByReference prot = new IntByReference();
            check("rbd_snap_is_protected", rbd.rbd_snap_is_protected(h, snap, prot));
            if (prot.getValue() != 0) {
                check("rbd_snap_unprotect " + image + "@" + snap, rbd.rbd_snap_unprotect(h, snap));
            }
            return null;
        });
    }

    void snapRollback(String image, String snap) throws DriverException {
        withImage(image, null, h -> check("rbd_snap_rollback " + image + "@" + snap, rbd.rbd_snap_rollback(h, snap)));
    }

    /** The images cloned from {@code image@snap}, as {@code pool/image}. */
    List<String> children(String image, String snap) throws DriverException {
        return withImage(image, snap, h -> {
            long capacity = 1024;
            while (true) {
                Memory pools = zeroed(capacity);
                Memory images = zeroed(capacity);
                LongByReference poolsLen = new LongByReference(capacity);
                LongByReference imagesLen = new LongByReference(capacity);
                int r = rbd.rbd_list_children(h, pools, poolsLen, images, imagesLen);
                if (r == -ERANGE) {
                    capacity = Math.max(Math.max(poolsLen.getValue(), imagesLen.getValue()), capacity * 2);
                    continue;
                }
                check("rbd_list_children " + image + "@" + snap, r);
                List<String> poolNames = split(pools, poolsLen.getValue());
                List<String> imageNames = split(images, imagesLen.getValue());
                List<String> out = new ArrayList<>();
                for (int i = 0; i < Math.min(poolNames.size(), imageNames.size()); i++) {
                    out.add(poolNames.get(i) + "/" + imageNames.get(i));
                }
                return out;
            }
        });
    }

    /** Clones {@code parent@snap} (protected) into {@code child} in the same pool, with the parent's features. */
    void clone(String parent, String snap, String child) throws DriverException {
        long features = withImage(parent, null, h -> {
            LongByReference f = new LongByReference();
            check("rbd_get_features " + parent, rbd.rbd_get_features(h, f));
            return f.getValue();
        });
        call("clone " + parent + "@" + snap, () -> check("rbd_clone " + parent + "@" + snap + " -> " + child,
                rbd.rbd_clone(ioctx, parent, snap, ioctx, child, features, new IntByReference(0))));
    }

    // ----- the cluster ------------------------------------------------------------------------------

    /** A monitor command ({@code {"prefix": "df", "format": "json"}}); returns its output. */
    /** This client's address as the OSDs know it ({@code 127.0.0.1:0/3561847734}), what a blocklist entry names. */
    String address() throws DriverException {
        return call("rados_getaddrs", () -> {
            PointerByReference addrs = new PointerByReference();
            check("rados_getaddrs", rados.rados_getaddrs(cluster, addrs));
            try {
                return addrs.getValue().getString(0, StandardCharsets.UTF_8.name());
            } finally {
                rados.rados_buffer_free(addrs.getValue());
            }
        });
    }

    /**
     * Blocklists a client that is gone ({@code ceph osd blocklist add}): the OSDs drop its watches at once, so
     * the image locks it held can be taken without waiting for them to time out.
     */
    void blocklist(String address) throws DriverException {
        monCommand("{\"prefix\": \"osd blocklist\", \"blocklistop\": \"add\", \"addr\": "
                + dev.ember.common.json.Json.write(address) + "}");
    }

    String monCommand(String json) throws DriverException {
        return call("mon_command", () -> {
            PointerByReference out = new PointerByReference();
            LongByReference outLen = new LongByReference();
            PointerByReference status = new PointerByReference();
            LongByReference statusLen = new LongByReference();
            int r = rados.rados_mon_command(cluster, new String[] {json}, 1, "", 0, out, outLen, status, statusLen);
            try {
                check("mon_command " + json, r);
                return outLen.getValue() == 0 ? "" : new String(out.getValue().getByteArray(0, (int) outLen.getValue()),
                        StandardCharsets.UTF_8);
            } finally {
                if (out.getValue() != null) {
                    rados.rados_buffer_free(out.getValue());
                }
                if (status.getValue() != null) {
                    rados.rados_buffer_free(status.getValue());
                }
            }
        });
    }

    // ----- plumbing ---------------------------------------------------------------------------------

    /** Work on an open image; the image is closed whatever happens. */
    private interface ImageWork<T> {
        T run(Pointer image) throws DriverException;
    }

    private <T> T withImage(String name, String snap, ImageWork<T> work) throws DriverException {
        return call(name, () -> {
            PointerByReference image = new PointerByReference();
            check("rbd_open " + name + (snap == null ? "" : "@" + snap), rbd.rbd_open(ioctx, name, image, snap));
            try {
                return work.run(image.getValue());
            } finally {
                rbd.rbd_close(image.getValue());
            }
        });
    }

    private interface Call<T> {
        T run() throws DriverException;
    }

    /**
     * Runs {@code work} on a client thread and waits at most the timeout (plus a grace for librados's own
     * timeout to fire first); a call still running then is left to finish on its own.
     */
    private <T> T call(String what, Call<T> work) throws DriverException {
        Future<T> future;
        try {
            future = calls.submit(() -> work.run());
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new RetriableDriverException("the Ceph cluster is not answering (too many calls waiting): " + what);
        }
        try {
            return future.get(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new RetriableDriverException("the Ceph cluster did not answer within " + timeout.toSeconds() + " s: " + what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableDriverException("interrupted waiting for the Ceph cluster: " + what);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof DriverException d) {
                throw d;
            }
            throw new DriverException(DriverErrorCode.INTERNAL, what + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** Turns a negative errno into the driver error it means. */
    private static int check(String what, int result) throws DriverException {
        if (result >= 0) {
            return result;
        }
        int errno = -result;
        String message = what + " failed: " + errnoName(errno) + " (" + errno + ")";
        switch (errno) {
            case ENOENT -> throw new DriverException(DriverErrorCode.NOT_FOUND, message);
            case EBUSY, ENOTEMPTY -> throw new DriverException(DriverErrorCode.BUSY, message);
            case EEXIST -> throw new DriverException(DriverErrorCode.ALREADY_EXISTS, message);
            case EINVAL -> throw new DriverException(DriverErrorCode.INVALID_ARGUMENT, message);
            case 28, 122 -> throw new DriverException(DriverErrorCode.INSUFFICIENT_CAPACITY, message);
            case 1, 13 -> throw new DriverException(DriverErrorCode.INVALID_CONFIGURATION, message + ": check rbd_user and its keyring");
            case 110, 108, 107, 111, 11, 4, 112, 113 -> throw new RetriableDriverException(message);
            default -> throw new DriverException(DriverErrorCode.INTERNAL, message);
        }
    }

    private static String errnoName(int errno) {
        return switch (errno) {
            case 1 -> "EPERM";
            case 2 -> "ENOENT";
            case 4 -> "EINTR";
            case 11 -> "EAGAIN";
            case 13 -> "EACCES";
            case 16 -> "EBUSY";
            case 17 -> "EEXIST";
            case 22 -> "EINVAL";
            case 28 -> "ENOSPC";
            case 39 -> "ENOTEMPTY";
            case 107 -> "ENOTCONN";
            case 108 -> "ESHUTDOWN";
            case 110 -> "ETIMEDOUT";
            case 111 -> "ECONNREFUSED";
            case 122 -> "EDQUOT";
            default -> "errno";
        };
    }

    /** A buffer for librbd to fill with NUL-separated names; JNA's {@link Memory} is not zeroed by itself. */
    private static Memory zeroed(long bytes) {
        Memory memory = new Memory(bytes);
        memory.clear();
        return memory;
    }

    /** The NUL-separated names in the first {@code length} bytes of the buffer. */
    private static List<String> split(Memory buffer, long length) {
        List<String> out = new ArrayList<>();
        byte[] bytes = buffer.getByteArray(0, (int) Math.min(length, buffer.size()));
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                if (i > start) {
                    out.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                }
                start = i + 1;
            }
        }
        return out;
    }

    private static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /** Disconnects on a client thread (native teardown wants its stack too), waiting at most the timeout. */
    @Override
    public void close() {
        Pointer io = ioctx;
        Pointer c = cluster;
        ioctx = null;
        cluster = null;
        if (c != null) {
            try {
                calls.submit(() -> {
                    if (io != null) {
                        rados.rados_ioctx_destroy(io);
                    }
                    rados.rados_shutdown(c);
                }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
                // a cluster that does not answer keeps its handle; the process is going away
            }
        }
        calls.shutdown();
    }
}
