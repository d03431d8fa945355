package dev.ember.api.policy;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One parsed oslo.policy check string: {@code @}, {@code !}, {@code rule:NAME}, {@code role:NAME},
 * {@code KEY:VALUE} (a credential compared with a literal or a {@code %(attr)s} of the target), and
 * {@code and} / {@code or} / {@code not} / parentheses. The semantics are oslo.policy's
 * ({@code oslo_policy/_checks.py}); {@link CheckParser} builds them.
 */
public sealed interface Check {

    /**
     * @param credentials the caller, as oslo's {@code to_policy_values()}: {@code roles} is a list, the rest strings
     *        or booleans
     * @param target the object acted on ({@code project_id}, {@code user_id}, ...)
     * @param rules looks up a named rule for {@code rule:}; null when there is none
     */
    boolean test(Map<String, Object> credentials, Map<String, Object> target, Function<String, Check> rules);

    /** {@code @} and the empty check string: always passes. */
    record Always() implements Check {
        @Override
        public boolean test(Map<String, Object> credentials, Map<String, Object> target, Function<String, Check> rules) {
            return true;
        }

        @Override
        public String toString() {
            return "@";
        }
    }

    /** {@code !}, and any check string oslo.policy would fail to parse: never passes. */
    record Never() implements Check {
        @Override
        public boolean test(Map<String, Object> credentials, Map<String, Object> target, Function<String, Check> rules) {
            return false;
        }

        @Override
        public String toString() {
            return "!";
        }
    }

    /** {@code rule:NAME}: the named rule; an unknown name fails. */
    record Rule(String name) implements Check {
        @Override
        public boolean test(Map<String, Object> credentials, Map<String, Object> target, Function<String, Check> rules) {
            Check rule = rules.apply(name);
            return rule != null && rule.test(credentials, target, rules);
        }

        @Override
        public String toString() {
            return "rule:" + name;
        }
    }

    /** {@code role:NAME}: the caller has the role, compared case-insensitively; the name may use the target. */
    record Role(String match) implements Check {
        @Override
        public boolean test(Map<String, Object> credentials, Map<String, Object> target, Function<String, Check> rules) {
            String role = substitute(match, target);
            if (role == null || !(credentials.get("roles") instanceof List<?> roles)) {
                return false;
            }
            String wanted = role.toLowerCase(Locale.ROOT);
            return roles.stream().anyMatch(r -> String.valueOf(r).toLowerCase(Locale.ROOT).equals(wanted));
        }

        @Override
        public String toString() {
            return "role:" + match;
        }
    }

    /**
     * {@code KEY:VALUE}: the credential {@code KEY} (dots walk into nested maps) equals VALUE after the target's
     * {@code %(attr)s} are put in; a list credential passes when it contains VALUE. A quoted KEY is a literal
     * compared with VALUE (oslo's {@code ast.literal_eval} of the kind). A missing credential or target attribute
     * fails.
     */
    record Generic(String kind, String match) implements Check {
        @Override
        public boolean test(Map<String, Object> credentials, Map<String, Object> target, Function<String, Check> rules) {
            String value = substitute(match, target);
            if (value == null) {
                return false;
            }
            if (isQuoted(kind)) {
                return value.equals(kind.substring(1, kind.length() - 1));
            }
            if (kind.matches("True|False|None|-?\\d+")) {
                return false; // Python compares the string with a non-string literal: never equal
            }
            Object left = credentials;
            for (String segment : kind.split("\\.")) {
                if (!(left instanceof Map<?, ?> map) || !map.containsKey(segment)) {
                    return false;
                }
                left = map.get(segment);
            }
            if (left instanceof List<?> list) {
                return list.stream().anyMatch(x -> pythonStr(x).equals(value));
            }
            return value.equals(pythonStr(left));
        }

        @Override
        public String toString() {
            return kind + ":" + match;
        }
    }

    record Not(Check check) implements Check {
        @Override
        public boolean test(Map<String, Object> credentials, Map<String, Object> target, Function<String, Check> rules) {
            return !check.test(credentials, target, rules);
        }

        @Override
        public String toString() {
            return "not " + check;
        }
    }

    record And(List<Check> checks) implements Check {
        @Override
        public boolean test(Map<String, Object> credentials, Map<String, Object> target, Function<String, Check> rules) {
            return checks.stream().allMatch(c -> c.test(credentials, target, rules));
        }

        @Override
        public String toString() {
            return "(" + String.join(" and ", checks.stream().map(Object::toString).toList()) + ")";
        }
    }

    record Or(List<Check> checks) implements Check {
        @Override
        public boolean test(Map<String, Object> credentials, Map<String, Object> target, Function<String, Check> rules) {
            return checks.stream().anyMatch(c -> c.test(credentials, target, rules));
        }

        @Override
        public String toString() {
            return "(" + String.join(" or ", checks.stream().map(Object::toString).toList()) + ")";
        }
    }

    Pattern TEMPLATE = Pattern.compile("%\\(([^)]+)\\)s");

    /** Python's {@code match % target}: each {@code %(attr)s} replaced by the target's value; null if one is missing. */
    static String substitute(String match, Map<String, Object> target) {
        Matcher m = TEMPLATE.matcher(match);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            if (!target.containsKey(m.group(1))) {
                return null;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(pythonStr(target.get(m.group(1)))));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Python's {@code str()} of a JSON-ish value, so that {@code is_admin:True} matches a boolean. */
    static String pythonStr(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        return value.toString();
    }

    static boolean isQuoted(String s) {
        return s.length() >= 2 && (s.startsWith("'") && s.endsWith("'") || s.startsWith("\"") && s.endsWith("\""));
    }
}
