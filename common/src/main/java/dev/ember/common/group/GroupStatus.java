package dev.ember.common.group;

import java.util.List;

/** Cinder's {@code fields.GroupStatus} and {@code fields.GroupSnapshotStatus}. */
public final class GroupStatus {

    public static final String ERROR = "error";
    public static final String AVAILABLE = "available";
    public static final String CREATING = "creating";
    public static final String DELETING = "deleting";
    public static final String DELETED = "deleted";
    public static final String UPDATING = "updating";
    public static final String IN_USE = "in-use";
    public static final String ERROR_DELETING = "error_deleting";

    /** Every group status, in Cinder's order. */
    public static final List<String> GROUP = List.of(ERROR, AVAILABLE, CREATING, DELETING, DELETED, UPDATING, IN_USE,
            ERROR_DELETING);

    /** Every group snapshot status, in Cinder's order. */
    public static final List<String> GROUP_SNAPSHOT = List.of(ERROR, AVAILABLE, CREATING, DELETING, DELETED, UPDATING,
            ERROR_DELETING);

    private GroupStatus() {
    }
}
