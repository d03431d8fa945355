package dev.ember.common.rpc;

/**
 * Queue, routing key and exchange names, as Cinder and oslo.messaging name them
 * (CINDER-FACTS §3.1): topic {@code cinder-scheduler} shared by all schedulers, one queue per volume
 * backend {@code cinder-volume.<host>@<backend>}, fanout exchanges {@code <topic>_fanout}.
 */
public final class Topics {

    public static final String SCHEDULER = "cinder-scheduler";
    public static final String VOLUME = "cinder-volume";
    public static final String SCHEDULER_FANOUT = SCHEDULER + "_fanout";

    private Topics() {
    }

    /** The queue (and routing key) of one volume backend: {@code cinder-volume.host@backend}. */
    public static String volumeQueue(String backend) {
        return VOLUME + "." + backend;
    }

    /**
     * The routing key Cinder's volume RPC client uses for a backend: topic {@code cinder-volume.host@backend},
     * server {@code host}. Bound to the same queue, so a Python client's messages arrive too.
     */
    public static String volumeServerKey(String backend) {
        int at = backend.indexOf('@');
        String node = at < 0 ? backend : backend.substring(0, at);
        return volumeQueue(backend) + "." + node;
    }
}
