package dev.ember.common.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The {@code cinder.conf} files a process was started with, as oslo.config takes them:
 * {@code --config-file F} (repeatable) and {@code --config-dir D} (its {@code *.conf} files in name
 * order), read in command-line order, a later value of an option replacing an earlier one. Each option
 * becomes the Spring property the naming rule gives ({@link CinderOptions#property}); a backend section
 * (named in {@code enabled_backends}, or holding a {@code volume_driver}) becomes
 * {@code cinder.backends.<section>.*}, with {@code [backend_defaults]} filling what it does not set and
 * Cinder's other names of an option ({@link CinderOptions#BACKEND_RENAMES}) read as the name Ember's drivers use.
 *
 * @param properties the Spring properties, lower precedence than {@code --name=value} arguments
 * @param warnings one line per unknown or ignored option, for the start-up log
 * @param files the files read, in order
 * @param remaining the arguments that were not configuration-file options
 */
public record CinderConf(Map<String, String> properties, List<String> warnings, List<Path> files, String[] remaining) {

    /** Cinder's section of options shared by every backend section. */
    public static final String BACKEND_DEFAULTS = "backend_defaults";

    /** Splits the {@code --config-file}/{@code --config-dir} options off a command line and reads the files. */
    public static CinderConf fromArgs(String[] args) {
        List<Path> files = new ArrayList<>();
        List<String> remaining = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            boolean dir = false;
            for (String option : List.of("--config-file", "--config-dir")) {
                if (arg.equals(option)) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(option + " needs a value");
                    }
                    value = args[++i];
                } else if (arg.startsWith(option + "=")) {
                    value = arg.substring(option.length() + 1);
                }
                if (value != null) {
                    dir = option.equals("--config-dir");
                    break;
                }
            }
            if (value == null) {
                remaining.add(arg);
            } else if (dir) {
                files.addAll(confFiles(Path.of(value)));
            } else {
                Path file = Path.of(value);
                if (!Files.isRegularFile(file)) {
                    throw new IllegalArgumentException("--config-file " + value + ": no such file");
                }
                files.add(file);
            }
        }
        return read(files, remaining.toArray(String[]::new));
    }

    /** Reads the files, in order. */
    public static CinderConf read(List<Path> files, String[] remaining) {
        Map<String, Map<String, String>> merged = new LinkedHashMap<>();
        for (Path file : files) {
            IniFile.read(file).sections().forEach((section, options) ->
                    merged.computeIfAbsent(section, s -> new LinkedHashMap<>()).putAll(options));
        }
        Map<String, String> properties = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        Set<String> backends = new TreeSet<>();
        String enabled = merged.getOrDefault(IniFile.DEFAULT, Map.of()).get("enabled_backends");
        if (enabled != null) {
            Arrays.stream(enabled.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(backends::add);
        }
        merged.forEach((section, options) -> {
            if (options.containsKey("volume_driver")) {
                backends.add(section);
            }
        });
        Set<String> knownGroups = CinderOptions.groups();
        Map<String, String> backendDefaults = merged.getOrDefault(BACKEND_DEFAULTS, Map.of());
        merged.forEach((section, options) -> {
            if (backends.contains(section)) {
                Map<String, String> effective = new LinkedHashMap<>(backendDefaults);
                effective.putAll(options);
                effective.forEach((given, value) -> {
                    String name = CinderOptions.BACKEND_RENAMES.getOrDefault(given, given);
                    if (!name.equals(given) && effective.containsKey(name)) {
                        warnings.add("[" + section + "] " + given + " is ignored: " + name + " is set too");
                    } else if (CinderOptions.find(CinderOptions.BACKEND, name).isPresent()) {
                        warnings.add("[" + section + "] " + name + " is a Cinder backend option Ember does not support: ignored");
                    } else {
                        properties.put(CinderOptions.backendProperty(section, name), value);
                    }
                });
                return;
            }
            if (section.equals(BACKEND_DEFAULTS)) {
                return;
            }
            if (!knownGroups.contains(section)) {
                warnings.add("[" + section + "] is not a section Ember knows (nor a backend in enabled_backends): "
                        + "its options " + options.keySet() + " are mapped to cinder." + CinderOptions.kebab(section)
                        + ".* and probably unused");
            }
            options.forEach((name, value) -> {
                properties.put(CinderOptions.property(section, name), value);
                if (!knownGroups.contains(section)) {
                    return;
                }
                var option = CinderOptions.find(section, name);
                if (option.isEmpty()) {
                    warnings.add("[" + section + "] " + name + " is not an option Ember knows: ignored");
                } else if (option.get().status() == CinderOptions.Status.IGNORED) {
                    warnings.add("[" + section + "] " + name + " is a Cinder option Ember does not support: ignored");
                }
            });
        });
        for (String backend : backends) {
            if (!merged.containsKey(backend)) {
                warnings.add("enabled_backends names [" + backend + "], which no configuration file has");
            }
        }
        return new CinderConf(Map.copyOf(properties), List.copyOf(warnings), List.copyOf(files), remaining);
    }

    private static List<Path> confFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--config-dir " + dir + ": no such directory");
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> p.getFileName().toString().endsWith(".conf") && Files.isRegularFile(p)).sorted()
                    .toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("--config-dir " + dir + ": " + e.getMessage(), e);
        }
    }
}
