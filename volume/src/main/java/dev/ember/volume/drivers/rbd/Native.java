package dev.ember.volume.drivers.rbd;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The C APIs of librados ({@code librados.so.2}) and librbd ({@code librbd.so.1}), as far as the driver uses
 * them. Every function returns 0 or a count on success and a negative errno on failure. Handles
 * ({@code rados_t}, {@code rados_ioctx_t}, {@code rbd_image_t}) are opaque pointers.
 */
final class Native {

    private Native() {
    }

    interface Rados extends Library {
        int rados_create2(PointerByReference cluster, String clusterName, String name, long flags);

        int rados_conf_read_file(Pointer cluster, String path);

        int rados_conf_set(Pointer cluster, String option, String value);

        int rados_connect(Pointer cluster);

        void rados_shutdown(Pointer cluster);

        int rados_ioctx_create(Pointer cluster, String pool, PointerByReference ioctx);

        void rados_ioctx_destroy(Pointer ioctx);

        int rados_mon_command(Pointer cluster, String[] cmd, long cmdLen, String inbuf, long inbufLen,
                PointerByReference outbuf, LongByReference outbufLen, PointerByReference outs, LongByReference outsLen);

        void rados_buffer_free(Pointer buffer);

        /** This client's address(es) as a string the caller frees with {@code rados_buffer_free}. */
        int rados_getaddrs(Pointer cluster, PointerByReference addrs);
    }

    interface Rbd extends Library {
        int rbd_create(Pointer ioctx, String name, long size, IntByReference order);

        int rbd_open(Pointer ioctx, String name, PointerByReference image, String snapName);

        int rbd_close(Pointer image);

        int rbd_remove(Pointer ioctx, String name);

        int rbd_rename(Pointer ioctx, String from, String to);

        int rbd_list(Pointer ioctx, Memory names, LongByReference size);

        int rbd_resize(Pointer image, long size);

        int rbd_get_size(Pointer image, LongByReference size);

        int rbd_get_features(Pointer image, LongByReference features);

        int rbd_snap_create(Pointer image, String name);

        int rbd_snap_remove(Pointer image, String name);

        int rbd_snap_protect(Pointer image, String name);

        int rbd_snap_unprotect(Pointer image, String name);

        int rbd_snap_is_protected(Pointer image, String name, IntByReference isProtected);

        int rbd_snap_rollback(Pointer image, String name);

        /** Fills {@code snaps} with {@code rbd_snap_info_t {uint64 id; uint64 size; const char *name}}. */
        int rbd_snap_list(Pointer image, Pointer snaps, IntByReference maxSnaps);

        void rbd_snap_list_end(Pointer snaps);

        /** {@code rbd_snap_namespace_type_t}: 0 user, 1 group, 2 trash, 3 mirror. */
        int rbd_snap_get_namespace_type(Pointer image, long snapId, IntByReference namespaceType);

        int rbd_snap_remove_by_id(Pointer image, long snapId);

        int rbd_snap_set(Pointer image, String snapName);

        int rbd_clone(Pointer parentIoctx, String parentName, String parentSnapName, Pointer childIoctx, String childName,
                long features, IntByReference childOrder);

        int rbd_flatten(Pointer image);

        /** Children of the snapshot the image is opened at: NUL-separated pool and image names. */
        int rbd_list_children(Pointer image, Memory pools, LongByReference poolsLen, Memory images,
                LongByReference imagesLen);

        int rbd_get_parent_info2(Pointer image, byte[] parentPoolName, long poolNameLen, byte[] parentName,
                long nameLen, byte[] parentId, long idLen, byte[] parentSnapName, long snapNameLen);
    }

    static Rados rados() {
        return Holder.RADOS;
    }

    static Rbd rbd() {
        return Holder.RBD;
    }

    /** Loaded on first use, so a host without librados fails only when an rbd backend starts. */
    private static final class Holder {
        static final Rados RADOS = com.sun.jna.Native.load("rados", Rados.class);
        static final Rbd RBD = com.sun.jna.Native.load("rbd", Rbd.class);
    }
}
