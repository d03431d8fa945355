package dev.ember.api.http;

import java.util.Locale;

/** Query and body flags read as Cinder reads them ({@code cinder/utils.py get_bool_param}). */
public final class Params {

    private Params() {
    }

    /** oslo's strict {@code bool_from_string}; anything else is a 400 naming the parameter. */
    public static boolean bool(String name, String value) {
        if (value == null) {
            return false;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "1", "t", "true", "on", "y", "yes" -> true;
            case "0", "f", "false", "off", "n", "no" -> false;
            default -> throw ApiException.invalidInput("Invalid value '" + value + "' for " + name + ".");
        };
    }

    /** Strips a name or description as Cinder's {@code validate_name_and_description} does; null stays null. */
    public static String strip(String value) {
        return value == null ? null : value.strip();
    }
}
