package dev.ember.common.snapshot;

/** Cinder's snapshot status words ({@code cinder/objects/fields.py SnapshotStatus}). */
public final class SnapshotStatus {
    public static final String CREATING = "creating";
    public static final String AVAILABLE = "available";
    public static final String DELETING = "deleting";
    public static final String DELETED = "deleted";
    public static final String ERROR = "error";
    public static final String ERROR_DELETING = "error_deleting";
    public static final String RESTORING = "restoring";
    public static final String UPDATING = "updating";
    public static final String BACKING_UP = "backing-up";
    public static final String UNMANAGING = "unmanaging";

    private SnapshotStatus() {
    }
}
