package dev.ember.volume.spi;

/**
 * A capacity in GiB, or one of Cinder's two words for capacities a backend cannot tell:
 * {@code "infinite"} and {@code "unknown"}.
 */
public record Capacity(Kind kind, double gb) {

    public enum Kind { GB, INFINITE, UNKNOWN }

    public static final Capacity INFINITE = new Capacity(Kind.INFINITE, 0);
    public static final Capacity UNKNOWN = new Capacity(Kind.UNKNOWN, 0);

    public Capacity {
        if (kind == null) {
            throw new NullPointerException("kind is null");
        }
        if (kind == Kind.GB && (gb < 0 || Double.isNaN(gb))) {
            throw new IllegalArgumentException("capacity must be a non-negative number of GiB: " + gb);
        }
    }

    public static Capacity gb(double gb) {
        return new Capacity(Kind.GB, gb);
    }

    public boolean isKnown() {
        return kind == Kind.GB;
    }

    /** The value as Cinder reports it: a number, or the string {@code infinite}/{@code unknown}. */
    public Object toCinder() {
        return switch (kind) {
            case GB -> gb;
            case INFINITE -> "infinite";
            case UNKNOWN -> "unknown";
        };
    }
}
