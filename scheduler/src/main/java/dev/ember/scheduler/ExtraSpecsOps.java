package dev.ember.scheduler;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Cinder's extra-spec operators ({@code cinder/scheduler/filters/extra_specs_ops.py}): {@code <is>},
 * {@code <in>}, {@code <or>}, {@code =} (at least), {@code ==}, {@code !=}, {@code >=}, {@code <=},
 * and the string comparisons {@code s==}, {@code s!=}, {@code s<}, {@code s<=}, {@code s>}, {@code s>=}.
 * A requirement whose first word is not an operator is compared for equality with a string capability.
 */
public final class ExtraSpecsOps {

    private static final List<String> OPERATORS =
            List.of("=", "<in>", "<is>", "==", "!=", ">=", "<=", "s==", "s!=", "s<", "s<=", "s>", "s>=", "<or>");

    private ExtraSpecsOps() {
    }

    /** Whether a capability value (a string, number, boolean or null) meets a requirement. */
    public static boolean match(Object value, String requirement) {
        if (requirement == null) {
            return value == null;
        }
        Deque<String> words = new ArrayDeque<>(Arrays.asList(requirement.trim().split("\\s+")));
        if (requirement.isBlank()) {
            words.clear();
        }
        String op = words.isEmpty() ? null : words.peekFirst();
        if (op == null || !OPERATORS.contains(op)) {
            return value instanceof String s && s.equals(requirement);
        }
        words.pollFirst();
        if (value == null) {
            return false;
        }
        if (op.equals("<or>")) {
            while (!words.isEmpty()) {
                if (words.pollFirst().equals(asString(value))) {
                    return true;
                }
                if (words.isEmpty()) {
                    break;
                }
                words.pollFirst();
            }
            return false;
        }
        if (words.isEmpty()) {
            return false;
        }
        String operand = words.peekFirst();
        try {
            return switch (op) {
                case "=", ">=" -> number(value) >= Double.parseDouble(operand);
                case "==" -> number(value) == Double.parseDouble(operand);
                case "!=" -> number(value) != Double.parseDouble(operand);
                case "<=" -> number(value) <= Double.parseDouble(operand);
                case "<in>" -> asString(value).contains(operand);
                case "<is>" -> bool(value) == bool(operand);
                case "s==" -> asString(value).equals(operand);
                case "s!=" -> !asString(value).equals(operand);
                case "s<" -> asString(value).compareTo(operand) < 0;
                case "s<=" -> asString(value).compareTo(operand) <= 0;
                case "s>" -> asString(value).compareTo(operand) > 0;
                case "s>=" -> asString(value).compareTo(operand) >= 0;
                default -> false;
            };
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String asString(Object value) {
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        return String.valueOf(value);
    }

    private static double number(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof Boolean b) {
            return b ? 1 : 0;
        }
        return Double.parseDouble(String.valueOf(value).trim());
    }

    /** oslo's {@code bool_from_string}: 1, t, true, on, y, yes (any case) are true; all else false. */
    private static boolean bool(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        return switch (String.valueOf(value).trim().toLowerCase(Locale.ROOT)) {
            case "1", "t", "true", "on", "y", "yes" -> true;
            default -> false;
        };
    }
}
