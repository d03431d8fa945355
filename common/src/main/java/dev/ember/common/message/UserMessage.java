package dev.ember.common.message;

/**
 * The parts of a user message, as Cinder's {@code message_field}: the event id
 * {@code VOLUME_<resource>_<action>_<detail>} and the text {@code "<action>:<detail>"}.
 */
public final class UserMessage {

    private UserMessage() {
    }

    public enum Resource { VOLUME, VOLUME_SNAPSHOT }

    public enum Action {
        SCHEDULE_ALLOCATE_VOLUME("001", "schedule allocate volume"),
        ATTACH_VOLUME("002", "attach volume"),
        EXTEND_VOLUME("007", "extend volume"),
        CREATE_VOLUME_FROM_BACKEND("008", "create volume from backend storage"),
        SNAPSHOT_CREATE("009", "create snapshot"),
        SNAPSHOT_DELETE("010", "delete snapshot");

        public final String id;
        public final String text;

        Action(String id, String text) {
            this.id = id;
            this.text = text;
        }
    }

    public enum Detail {
        UNKNOWN_ERROR("001", "An unknown error occurred."),
        DRIVER_NOT_INITIALIZED("002", "Driver is not initialized at present."),
        NO_BACKEND_AVAILABLE("003", "Could not find any available weighted backend."),
        DRIVER_FAILED_EXTEND("010", "Volume Driver failed to extend volume."),
        DRIVER_FAILED_CREATE("012", "Driver failed to create the volume."),
        SNAPSHOT_CREATE_ERROR("013", "Snapshot failed to create."),
        SNAPSHOT_IS_BUSY("015", "Snapshot is busy."),
        SNAPSHOT_DELETE_ERROR("016", "Snapshot failed to delete.");

        public final String id;
        public final String text;

        Detail(String id, String text) {
            this.id = id;
            this.text = text;
        }
    }

    /**
     * Cinder's {@code "<action>:<detail>"} text of a stored message, from its ids; ids this version does not know
     * read as Cinder's unknown ones.
     */
    public static String text(String actionId, String detailId) {
        String action = "unknown action";
        for (Action a : Action.values()) {
            if (a.id.equals(actionId)) {
                action = a.text;
            }
        }
        String detail = Detail.UNKNOWN_ERROR.text;
        for (Detail d : Detail.values()) {
            if (d.id.equals(detailId)) {
                detail = d.text;
            }
        }
        return action + ":" + detail;
    }

    public static String eventId(Resource resource, Action action, Detail detail) {
        return "VOLUME_" + resource.name() + "_" + action.id + "_" + detail.id;
    }
}
