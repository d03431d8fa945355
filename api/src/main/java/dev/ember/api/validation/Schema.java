package dev.ember.api.validation;

import dev.ember.api.http.ApiException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * A small JSON-schema (draft 4) validator for request bodies, written so that its errors read exactly
 * like Cinder's: keywords are checked in the order they were declared, the first failure wins, and it
 * is reported as {@code Invalid input for field/attribute <name>. Value: <str(value)>. <jsonschema
 * message>}, or the bare message at the top level ({@code cinder/api/validation/validators.py}).
 *
 * <p>Build schemas once (they are immutable after construction) and call {@link #validate}.
 */
public final class Schema {

    /** One keyword check. Returns an error message, or null when the value passes. */
    @FunctionalInterface
    private interface Keyword {
        String check(JsonNode value, Deque<Object> path);
    }

    /** A {@code format}: returns false for "is not a 'format'", or throws its own {@link ApiException}. */
    @FunctionalInterface
    public interface Format {
        boolean test(String value);
    }

    private final List<Keyword> keywords = new ArrayList<>();
    private final Map<String, Schema> properties = new LinkedHashMap<>();
    private final Map<Pattern, Schema> patternProperties = new LinkedHashMap<>();

    private Schema() {
    }

    public static Schema of() {
        return new Schema();
    }

    /** Validates; throws a 400 {@link ApiException} with Cinder's message at the first failure. */
    public void validate(JsonNode body) {
        Deque<Object> path = new ArrayDeque<>();
        Failure failure = firstFailure(body, path);
        if (failure == null) {
            return;
        }
        if (failure.path().isEmpty()) {
            throw ApiException.badRequest(failure.message());
        }
        throw ApiException.badRequest("Invalid input for field/attribute " + failure.path().peekLast()
                + ". Value: " + PythonRepr.str(failure.instance()) + ". " + failure.message());
    }

    private record Failure(Deque<Object> path, JsonNode instance, String message) {
    }

    private Failure firstFailure(JsonNode value, Deque<Object> path) {
        for (Keyword keyword : keywords) {
            if (keyword instanceof Nested nested) {
                Failure inner = nested.descend(value, path);
                if (inner != null) {
                    return inner;
                }
                continue;
            }
            String message = keyword.check(value, path);
            if (message != null) {
                return new Failure(new ArrayDeque<>(path), value, message);
            }
        }
        return null;
    }

    /** Keywords that validate children and report the child's own failure. */
    private interface Nested extends Keyword {
        Failure descend(JsonNode value, Deque<Object> path);

        @Override
        default String check(JsonNode value, Deque<Object> path) {
            return null;
        }
    }

    // ----- keywords -------------------------------------------------------------------------------

    /** {@code type}: one or more of object, array, string, integer, number, boolean, null. */
    public Schema type(String... types) {
        String names = java.util.Arrays.stream(types).map(t -> "'" + t + "'").collect(Collectors.joining(", "));
        keywords.add((value, path) -> {
            for (String type : types) {
                if (isType(value, type)) {
                    return null;
                }
            }
            return PythonRepr.repr(value) + " is not of type " + names;
        });
        return this;
    }

    public Schema properties(Map<String, Schema> props) {
        properties.putAll(props);
        keywords.add((Nested) (value, path) -> {
            if (value == null || !value.isObject()) {
                return null;
            }
            for (Map.Entry<String, Schema> prop : props.entrySet()) {
                JsonNode child = value.get(prop.getKey());
                if (child != null) {
                    path.addLast(prop.getKey());
                    Failure failure = prop.getValue().firstFailure(child, path);
                    path.removeLast();
                    if (failure != null) {
                        return failure;
                    }
                }
            }
            return null;
        });
        return this;
    }

    public Schema property(String name, Schema schema) {
        Map<String, Schema> one = new LinkedHashMap<>();
        one.put(name, schema);
        return properties(one);
    }

    public Schema patternProperty(String regex, Schema schema) {
        Pattern pattern = Pattern.compile(regex);
        patternProperties.put(pattern, schema);
        keywords.add((Nested) (value, path) -> {
            if (value == null || !value.isObject()) {
                return null;
            }
            for (Map.Entry<String, JsonNode> field : value.properties()) {
                if (pattern.matcher(field.getKey()).find()) {
                    path.addLast(field.getKey());
                    Failure failure = schema.firstFailure(field.getValue(), path);
                    path.removeLast();
                    if (failure != null) {
                        return failure;
                    }
                }
            }
            return null;
        });
        return this;
    }

    /** {@code items}: every element of an array passes {@code schema}; a failure names the element's index. */
    public Schema items(Schema schema) {
        keywords.add((Nested) (value, path) -> {
            if (value == null || !value.isArray()) {
                return null;
            }
            for (int i = 0; i < value.size(); i++) {
                path.addLast(i);
                Failure failure = schema.firstFailure(value.get(i), path);
                path.removeLast();
                if (failure != null) {
                    return failure;
                }
            }
            return null;
        });
        return this;
    }

    /** {@code uniqueItems: true}. */
    public Schema uniqueItems() {
        keywords.add((value, path) -> {
            if (value == null || !value.isArray()) {
                return null;
            }
            java.util.Set<JsonNode> seen = new java.util.HashSet<>();
            for (JsonNode item : value) {
                if (!seen.add(item)) {
                    return PythonRepr.repr(value) + " has non-unique elements";
                }
            }
            return null;
        });
        return this;
    }

    /** {@code additionalProperties: false}: every key is a declared property or matches a pattern. */
    public Schema noAdditionalProperties() {
        keywords.add((value, path) -> {
            if (value == null || !value.isObject()) {
                return null;
            }
            List<String> extras = new ArrayList<>();
            for (String key : value.propertyNames()) {
                if (!properties.containsKey(key) && patternProperties.keySet().stream().noneMatch(p -> p.matcher(key).find())) {
                    extras.add(key);
                }
            }
            if (extras.isEmpty()) {
                return null;
            }
            String names = extras.stream().map(PythonRepr::repr).collect(Collectors.joining(", "));
            return "Additional properties are not allowed (" + names + (extras.size() == 1 ? " was" : " were") + " unexpected)";
        });
        return this;
    }

    public Schema required(String... names) {
        keywords.add((value, path) -> {
            if (value == null || !value.isObject()) {
                return null;
            }
            for (String name : names) {
                if (!value.has(name)) {
                    return PythonRepr.repr(name) + " is a required property";
                }
            }
            return null;
        });
        return this;
    }

    /** {@code anyOf: [{required: [a]}, {required: [b]}, ...]}: at least one of the keys is present. */
    public Schema requireAnyOf(String... names) {
        keywords.add((value, path) -> {
            if (value == null || !value.isObject()) {
                return null;
            }
            for (String name : names) {
                if (value.has(name)) {
                    return null;
                }
            }
            return PythonRepr.repr(value) + " is not valid under any of the given schemas";
        });
        return this;
    }

    public Schema minProperties(int min) {
        keywords.add((value, path) -> value != null && value.isObject() && value.size() < min
                ? PythonRepr.repr(value) + " does not have enough properties" : null);
        return this;
    }

    public Schema maxProperties(int max) {
        keywords.add((value, path) -> value != null && value.isObject() && value.size() > max
                ? PythonRepr.repr(value) + " has too many properties" : null);
        return this;
    }

    public Schema minLength(int min) {
        keywords.add((value, path) -> value != null && value.isString() && codePoints(value) < min
                ? PythonRepr.repr(value) + " is too short" : null);
        return this;
    }

    public Schema maxLength(int max) {
        keywords.add((value, path) -> value != null && value.isString() && codePoints(value) > max
                ? PythonRepr.repr(value) + " is too long" : null);
        return this;
    }

    /** {@code pattern}: Python's {@code re.search} on strings only. */
    public Schema pattern(String regex) {
        Pattern pattern = Pattern.compile(regex);
        keywords.add((value, path) -> value != null && value.isString() && !pattern.matcher(value.asString()).find()
                ? PythonRepr.repr(value) + " does not match " + PythonRepr.repr(regex) : null);
        return this;
    }

    /** {@code minimum}, applied as Cinder applies it: to numbers and to strings that read as numbers. */
    public Schema minimum(long min) {
        keywords.add((value, path) -> {
            Number n = number(value);
            return n != null && compare(n, min) < 0 ? numberRepr(n) + " is less than the minimum of " + min : null;
        });
        return this;
    }

    public Schema maximum(long max) {
        keywords.add((value, path) -> {
            Number n = number(value);
            return n != null && compare(n, max) > 0 ? numberRepr(n) + " is greater than the maximum of " + max : null;
        });
        return this;
    }

    /** {@code enum} over strings and booleans, reported with Python's repr of the list. */
    public Schema enumOf(Object... allowed) {
        String list = "[" + java.util.Arrays.stream(allowed).map(a -> a instanceof Boolean b ? (b ? "True" : "False")
                : PythonRepr.repr(String.valueOf(a))).collect(Collectors.joining(", ")) + "]";
        keywords.add((value, path) -> {
            for (Object a : allowed) {
                if (a instanceof Boolean b && value != null && value.isBoolean() && value.asBoolean() == b) {
                    return null;
                }
                if (a instanceof String s && value != null && value.isString() && value.asString().equals(s)) {
                    return null;
                }
            }
            return PythonRepr.repr(value) + " is not one of " + list;
        });
        return this;
    }

    /** {@code format} on strings. */
    public Schema format(String name, Format format) {
        keywords.add((value, path) -> value != null && value.isString() && !format.test(value.asString())
                ? PythonRepr.repr(value) + " is not a " + PythonRepr.repr(name) : null);
        return this;
    }

    /** {@code oneOf}: exactly one alternative holds. */
    public Schema oneOf(Schema... alternatives) {
        keywords.add((value, path) -> {
            int valid = 0;
            for (Schema alternative : alternatives) {
                if (alternative.firstFailure(value, new ArrayDeque<>()) == null) {
                    valid++;
                }
            }
            if (valid == 1) {
                return null;
            }
            return valid == 0 ? PythonRepr.repr(value) + " is not valid under any of the given schemas"
                    : PythonRepr.repr(value) + " is valid under each of the given schemas";
        });
        return this;
    }

    // ----- helpers --------------------------------------------------------------------------------

    private static boolean isType(JsonNode value, String type) {
        if (value == null) {
            return false;
        }
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isString();
            // Draft 4, as Cinder runs it: 1.0 is a float, not an integer; booleans are neither.
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            default -> throw new IllegalArgumentException("unknown JSON type " + type);
        };
    }

    private static int codePoints(JsonNode value) {
        String s = value.asString();
        return s.codePointCount(0, s.length());
    }

    /** The value as Cinder's {@code _number_from_str} sees it: numbers, and strings that parse as int or float. */
    private static Number number(JsonNode value) {
        if (value == null || value.isBoolean() || value.isNull()) {
            return null;
        }
        if (value.isIntegralNumber()) {
            return value.bigIntegerValue();
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        if (value.isString()) {
            String s = value.asString().strip();
            try {
                return new java.math.BigInteger(s.replace("_", ""));
            } catch (NumberFormatException e) {
                try {
                    return Double.parseDouble(s);
                } catch (NumberFormatException e2) {
                    return null;
                }
            }
        }
        return null;
    }

    private static int compare(Number n, long bound) {
        if (n instanceof java.math.BigInteger big) {
            return big.compareTo(java.math.BigInteger.valueOf(bound));
        }
        return Double.compare(n.doubleValue(), bound);
    }

    private static String numberRepr(Number n) {
        return n instanceof java.math.BigInteger ? n.toString() : PythonRepr.floatRepr(n.doubleValue());
    }
}
