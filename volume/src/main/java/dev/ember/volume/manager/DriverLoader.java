package dev.ember.volume.manager;

import dev.ember.volume.spi.DriverConfig;
import dev.ember.volume.spi.DriverOption;
import dev.ember.volume.spi.VolumeDriverFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Finds drivers through {@link ServiceLoader} and turns a backend section into a checked
 * {@link DriverConfig}: every key must be an option of the manager or of the driver, so a misspelt
 * option fails start-up instead of being ignored.
 */
public final class DriverLoader {

    /** Options of a backend section that the manager reads itself (Cinder's names). */
    public static final Set<String> MANAGER_OPTIONS =
            Set.of("volume_driver", "volume_backend_name", "backend_availability_zone");

    private final List<VolumeDriverFactory> factories;

    public DriverLoader() {
        this.factories = new ArrayList<>();
        ServiceLoader.load(VolumeDriverFactory.class).forEach(factories::add);
    }

    /** The factory named by a section's {@code volume_driver}: a short name or an alias. */
    public VolumeDriverFactory factory(String backend, String volumeDriver) {
        if (volumeDriver == null || volumeDriver.isBlank()) {
            throw new IllegalArgumentException("backend " + backend + ": volume_driver is not set (one of "
                    + names() + ")");
        }
        for (VolumeDriverFactory factory : factories) {
            if (factory.name().equals(volumeDriver) || factory.aliases().contains(volumeDriver)) {
                return factory;
            }
        }
        throw new IllegalArgumentException("backend " + backend + ": unknown volume_driver '" + volumeDriver
                + "' (one of " + names() + ")");
    }

    /**
     * The driver's configuration from a section.
     *
     * @throws IllegalArgumentException naming every option neither the manager nor the driver knows
     */
    public static DriverConfig config(VolumeDriverFactory factory, String backendName, String host,
            Map<String, String> section, Path stateDir) {
        Map<String, String> options = new TreeMap<>();
        Set<String> known = new TreeSet<>(MANAGER_OPTIONS);
        for (DriverOption option : factory.options()) {
            known.add(option.name());
            if (option.defaultValue() != null) {
                options.put(option.name(), option.defaultValue());
            }
        }
        Set<String> unknown = new TreeSet<>();
        section.forEach((key, value) -> {
            if (!known.contains(key)) {
                unknown.add(key);
            } else if (!MANAGER_OPTIONS.contains(key)) {
                options.put(key, value);
            }
        });
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("backend " + backendName + ": unknown option(s) " + unknown
                    + " for volume_driver " + factory.name() + "; known: " + known);
        }
        String volumeBackendName = section.getOrDefault("volume_backend_name", backendName);
        return new DriverConfig(backendName, host, volumeBackendName, stateDir, options);
    }

    private List<String> names() {
        return factories.stream().map(VolumeDriverFactory::name).toList();
    }
}
