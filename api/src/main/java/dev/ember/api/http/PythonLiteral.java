package dev.ember.api.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code ast.literal_eval} for the small literals Cinder accepts in list filters
 * ({@code metadata={'k': 'v'}}, {@code size=1}, {@code status=['a','b']}). Anything else is not a
 * literal, and Cinder then keeps the raw string: {@link #eval} returns null for that.
 */
public final class PythonLiteral {

    private final String s;
    private int i;

    private PythonLiteral(String s) {
        this.s = s;
    }

    /** The literal's value (Long, Double, String, Boolean, List, Map, or {@link #NONE}), or null if not a literal. */
    static Object eval(String text) {
        PythonLiteral p = new PythonLiteral(text);
        try {
            p.skip();
            Object value = p.value();
            p.skip();
            return p.i == text.length() ? value : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Python's None. */
    static final Object NONE = new Object();

    private Object value() {
        char c = s.charAt(i);
        if (c == '\'' || c == '"') {
            return string(c);
        }
        if (c == '[' || c == '(') {
            return list(c == '[' ? ']' : ')');
        }
        if (c == '{') {
            return dict();
        }
        if (s.startsWith("True", i)) {
            i += 4;
            return Boolean.TRUE;
        }
        if (s.startsWith("False", i)) {
            i += 5;
            return Boolean.FALSE;
        }
        if (s.startsWith("None", i)) {
            i += 4;
            return NONE;
        }
        return number();
    }

    private String string(char quote) {
        StringBuilder out = new StringBuilder();
        i++;
        while (s.charAt(i) != quote) {
            char c = s.charAt(i++);
            if (c == '\\') {
                char e = s.charAt(i++);
                out.append(switch (e) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    default -> e;
                });
            } else {
                out.append(c);
            }
        }
        i++;
        return out.toString();
    }

    private List<Object> list(char close) {
        List<Object> items = new ArrayList<>();
        i++;
        skip();
        while (s.charAt(i) != close) {
            items.add(value());
            skip();
            if (s.charAt(i) == ',') {
                i++;
                skip();
            } else if (s.charAt(i) != close) {
                throw new IllegalArgumentException("expected , or " + close);
            }
        }
        i++;
        return items;
    }

    private Map<Object, Object> dict() {
        Map<Object, Object> map = new LinkedHashMap<>();
        i++;
        skip();
        while (s.charAt(i) != '}') {
            Object key = value();
            skip();
            if (s.charAt(i++) != ':') {
                throw new IllegalArgumentException("expected :");
            }
            skip();
            map.put(key, value());
            skip();
            if (s.charAt(i) == ',') {
                i++;
                skip();
            } else if (s.charAt(i) != '}') {
                throw new IllegalArgumentException("expected , or }");
            }
        }
        i++;
        return map;
    }

    private Object number() {
        int start = i;
        if (s.charAt(i) == '-' || s.charAt(i) == '+') {
            i++;
        }
        while (i < s.length() && "0123456789._eE+-".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        String text = s.substring(start, i).replace("_", "");
        if (text.isEmpty()) {
            throw new IllegalArgumentException("not a literal");
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            double value = Double.parseDouble(text);
            // Python makes 1e400 inf, which no column holds and no driver binds (MySQL reads it as a column
            // name): it is not taken as a number, so the filter keeps the raw string and matches nothing
            if (Double.isInfinite(value) || Double.isNaN(value)) {
                throw new IllegalArgumentException("not a finite number");
            }
            return value;
        }
    }

    private void skip() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }
}
