package dev.ember.volume.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The configuration one driver instance receives: its backend's identity and the options of its
 * section, already checked against {@link VolumeDriverFactory#options()} and filled with defaults.
 *
 * @param backendName the section name, e.g. {@code lvm-1}
 * @param host the service host of this backend, {@code host@backend}
 * @param volumeBackendName the {@code volume_backend_name} reported in stats
 * @param stateDir a directory the driver may use for its own files; it survives restarts
 * @param options option name to value; absent means unset with no default
 */
public record DriverConfig(
        String backendName, String host, String volumeBackendName, Path stateDir, Map<String, String> options) {

    public DriverConfig {
        Objects.requireNonNull(backendName, "backendName is null");
        Objects.requireNonNull(host, "host is null");
        Objects.requireNonNull(volumeBackendName, "volumeBackendName is null");
        Objects.requireNonNull(stateDir, "stateDir is null");
        options = Map.copyOf(Objects.requireNonNull(options, "options is null"));
    }

    /** The option's value, or null when unset. */
    public String get(String name) {
        return options.get(name);
    }

    /** The option's value; fails with {@link DriverErrorCode#INVALID_CONFIGURATION} when unset. */
    public String require(String name) throws DriverException {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new DriverException(DriverErrorCode.INVALID_CONFIGURATION,
                    "backend " + backendName + ": option " + name + " is required");
        }
        return value;
    }

    public long getLong(String name, long fallback) throws DriverException {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw invalid(name, value, "an integer");
        }
    }

    public double getDouble(String name, double fallback) throws DriverException {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw invalid(name, value, "a number");
        }
    }

    /** Booleans as oslo.config reads them: true/false, yes/no, on/off, 1/0, any case. */
    public boolean getBoolean(String name, boolean fallback) throws DriverException {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw invalid(name, value, "a boolean");
        };
    }

    /** A duration in seconds, as Cinder's timeout options are given. */
    public Duration getSeconds(String name, Duration fallback) throws DriverException {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Duration.ofMillis(Math.round(Double.parseDouble(value.trim()) * 1000));
        } catch (NumberFormatException e) {
            throw invalid(name, value, "a number of seconds");
        }
    }

    private DriverException invalid(String name, String value, String expected) {
        return new DriverException(DriverErrorCode.INVALID_CONFIGURATION,
                "backend " + backendName + ": option " + name + " must be " + expected + ", not '" + value + "'");
    }
}
