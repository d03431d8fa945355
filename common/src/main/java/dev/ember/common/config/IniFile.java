package dev.ember.common.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One configuration file as oslo.config reads it: {@code [section]} headers, {@code name = value} or
 * {@code name: value} lines, whole-line comments starting with {@code #} or {@code ;}, and continuation
 * lines (indented lines add to the previous value). Options before any header are in {@code DEFAULT}.
 * A name set twice keeps the later value.
 *
 * @param path where the file was read from, for messages
 * @param sections section name to (option name to value), in file order
 */
public record IniFile(Path path, Map<String, Map<String, String>> sections) {

    public static final String DEFAULT = "DEFAULT";

    public static IniFile read(Path path) {
        try {
            return parse(path, Files.readAllLines(path));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read configuration file " + path + ": " + e.getMessage(), e);
        }
    }

    /** @throws IllegalArgumentException naming the file and line of a line that is none of the forms above */
    public static IniFile parse(Path path, List<String> lines) {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        String section = DEFAULT;
        String lastName = null;
        for (int i = 0; i < lines.size(); i++) {
            String raw = lines.get(i);
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (Character.isWhitespace(raw.charAt(0)) && lastName != null) {
                Map<String, String> options = sections.get(section);
                options.put(lastName, options.get(lastName) + "\n" + line);
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]") || line.length() < 3) {
                    throw new IllegalArgumentException(path + ":" + (i + 1) + ": invalid section header: " + line);
                }
                section = line.substring(1, line.length() - 1).strip();
                sections.computeIfAbsent(section, s -> new LinkedHashMap<>());
                lastName = null;
                continue;
            }
            int equals = line.indexOf('=');
            int colon = line.indexOf(':');
            int split = equals < 0 ? colon : colon < 0 ? equals : Math.min(equals, colon);
            if (split <= 0) {
                throw new IllegalArgumentException(path + ":" + (i + 1) + ": expected 'name = value': " + line);
            }
            lastName = line.substring(0, split).strip();
            sections.computeIfAbsent(section, s -> new LinkedHashMap<>()).put(lastName, unquote(line.substring(split + 1).strip()));
        }
        return new IniFile(path, sections);
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }
}
