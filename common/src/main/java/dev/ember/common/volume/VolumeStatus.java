package dev.ember.common.volume;

import java.util.Set;

/** Cinder's volume status and attach status words ({@code cinder/objects/fields.py}). */
public final class VolumeStatus {
    public static final String CREATING = "creating";
    public static final String AVAILABLE = "available";
    public static final String DELETING = "deleting";
    public static final String ERROR = "error";
    public static final String ERROR_DELETING = "error_deleting";
    public static final String ERROR_MANAGING = "error_managing";
    public static final String ERROR_RESTORING = "error_restoring";
    public static final String ERROR_EXTENDING = "error_extending";
    public static final String EXTENDING = "extending";
    public static final String IN_USE = "in-use";
    public static final String RESERVED = "reserved";
    public static final String ATTACHING = "attaching";
    public static final String DETACHING = "detaching";
    public static final String DOWNLOADING = "downloading";
    public static final String REVERTING = "reverting";
    public static final String MAINTENANCE = "maintenance";
    public static final String RETYPING = "retyping";
    public static final String AWAITING_TRANSFER = "awaiting-transfer";

    /** Every status Cinder's API may set ({@code cinder/objects/fields.py VolumeStatus.ALL}), in Cinder's order. */
    public static final java.util.List<String> ALL = java.util.List.of(CREATING, AVAILABLE, DELETING, ERROR, ERROR_DELETING,
            ERROR_MANAGING, "managing", ATTACHING, IN_USE, DETACHING, MAINTENANCE, "restoring-backup", ERROR_RESTORING,
            RESERVED, AWAITING_TRANSFER, "backing-up", "error_backing-up", ERROR_EXTENDING, DOWNLOADING, "uploading",
            RETYPING, EXTENDING);
    /** Not a Cinder status: a soft-deleted row's last status. */
    public static final String DELETED = "deleted";

    /** The statuses a plain (not forced) delete accepts (cinder/volume/api.py {@code delete}). */
    public static final Set<String> DELETABLE =
            Set.of(AVAILABLE, ERROR, ERROR_RESTORING, ERROR_EXTENDING, ERROR_MANAGING);

    public static final String DETACHED = "detached";
    public static final String ATTACHED = "attached";

    private VolumeStatus() {
    }
}
