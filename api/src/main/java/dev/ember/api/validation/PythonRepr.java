package dev.ember.api.validation;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Python's {@code repr()} and {@code str()} of a parsed JSON value. Cinder's validation messages embed
 * them ({@code Value: {'size': 1, 'foo': 1}. 'foo' was unexpected}), and clients show those messages to
 * people, so they are reproduced as Python prints them.
 */
public final class PythonRepr {

    private PythonRepr() {
    }

    /** {@code str(value)}: strings bare, everything else as {@link #repr}. */
    public static String str(JsonNode value) {
        return value != null && value.isString() ? value.asString() : repr(value);
    }

    /** {@code repr(value)}. */
    public static String repr(JsonNode value) {
        StringBuilder out = new StringBuilder();
        append(out, value);
        return out.toString();
    }

    /** A list of strings as Python prints a tuple of them: {@code ('a', 'b')}. */
    public static String tuple(java.util.List<String> values) {
        return "(" + String.join(", ", values.stream().map(PythonRepr::repr).toList()) + ")";
    }

    /** A list of strings as Python prints it: {@code ['a', 'b']}. */
    public static String list(java.util.List<String> values) {
        return "[" + String.join(", ", values.stream().map(PythonRepr::repr).toList()) + "]";
    }

    public static String repr(String value) {
        StringBuilder out = new StringBuilder();
        appendString(out, value);
        return out.toString();
    }

    private static void append(StringBuilder out, JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            out.append("None");
        } else if (value.isBoolean()) {
            out.append(value.asBoolean() ? "True" : "False");
        } else if (value.isIntegralNumber()) {
            out.append(value.bigIntegerValue());
        } else if (value.isNumber()) {
            out.append(floatRepr(value.doubleValue()));
        } else if (value.isString()) {
            appendString(out, value.asString());
        } else if (value.isArray()) {
            out.append('[');
            Iterator<JsonNode> items = value.iterator();
            while (items.hasNext()) {
                append(out, items.next());
                if (items.hasNext()) {
                    out.append(", ");
                }
            }
            out.append(']');
        } else if (value.isObject()) {
            out.append('{');
            Iterator<Map.Entry<String, JsonNode>> fields = value.properties().iterator();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                appendString(out, field.getKey());
                out.append(": ");
                append(out, field.getValue());
                if (fields.hasNext()) {
                    out.append(", ");
                }
            }
            out.append('}');
        } else {
            out.append(value);
        }
    }

    /** Python's float repr: shortest round-trip digits, exponent form outside [1e-4, 1e16). */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        double abs = Math.abs(d);
        if (abs >= 1e-4 && abs < 1e16) {
            String plain = exact.toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        String digits = exact.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - exact.scale();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (d < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
    }

    private static void appendString(StringBuilder out, String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        out.append(quote);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == quote || cp == '\\') {
                out.append('\\').appendCodePoint(cp);
            } else if (cp == '\n') {
                out.append("\\n");
            } else if (cp == '\r') {
                out.append("\\r");
            } else if (cp == '\t') {
                out.append("\\t");
            } else if (printable(cp)) {
                out.appendCodePoint(cp);
            } else if (cp < 0x100) {
                out.append(String.format("\\x%02x", cp));
            } else if (cp < 0x10000) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.append(String.format("\\U%08x", cp));
            }
        }
        out.append(quote);
    }

    /** Python's {@code str.isprintable()} for one code point: not in categories C* or Z*, except space. */
    private static boolean printable(int cp) {
        if (cp == ' ') {
            return true;
        }
        switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE,
                    Character.UNASSIGNED, Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR:
                return false;
            default:
                return true;
        }
    }
}
