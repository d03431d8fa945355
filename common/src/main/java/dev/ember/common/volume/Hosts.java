package dev.ember.common.volume;

/**
 * Cinder's host strings, {@code host@backend#pool} ({@code volume_utils.extract_host}).
 */
public final class Hosts {

    /** The pool Cinder assumes for a backend that reports none. */
    public static final String DEFAULT_POOL = "_pool0";

    private Hosts() {
    }

    /** {@code host@backend} of {@code host@backend#pool}; null stays null. */
    public static String backend(String host) {
        if (host == null) {
            return null;
        }
        int hash = host.indexOf('#');
        return hash < 0 ? host : host.substring(0, hash);
    }

    /** {@code pool} of {@code host@backend#pool}, or the default pool. */
    public static String pool(String host) {
        if (host == null) {
            return null;
        }
        int hash = host.indexOf('#');
        return hash < 0 ? DEFAULT_POOL : host.substring(hash + 1);
    }

    public static String join(String backend, String pool) {
        return backend + "#" + pool;
    }
}
