package dev.ember.api.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses oslo.policy's check-string language ({@code oslo_policy/_parser.py}): whitespace-separated checks joined by
 * {@code and} / {@code or} (and binds tighter), prefixed by {@code not}, grouped by parentheses. As in oslo.policy, a
 * string that does not parse is a check that never passes (and the caller is told why), and the empty string always
 * passes.
 */
public final class CheckParser {

    private final List<String> tokens;
    private int next;

    private CheckParser(List<String> tokens) {
        this.tokens = tokens;
    }

    /** The check a rule's string means; {@link Check.Never} when it is malformed. */
    public static Check parse(String rule) {
        try {
            return parseStrict(rule);
        } catch (IllegalArgumentException e) {
            return new Check.Never();
        }
    }

    /** As {@link #parse}, but a malformed string is an {@link IllegalArgumentException} saying why. */
    public static Check parseStrict(String rule) {
        if (rule == null || rule.isBlank()) {
            return new Check.Always();
        }
        CheckParser parser = new CheckParser(tokenize(rule));
        Check check = parser.or();
        if (parser.next != parser.tokens.size()) {
            throw new IllegalArgumentException("unexpected '" + parser.tokens.get(parser.next) + "' in: " + rule);
        }
        return check;
    }

    private Check or() {
        List<Check> checks = new ArrayList<>(List.of(and()));
        while (accept("or")) {
            checks.add(and());
        }
        return checks.size() == 1 ? checks.get(0) : new Check.Or(List.copyOf(checks));
    }

    private Check and() {
        List<Check> checks = new ArrayList<>(List.of(not()));
        while (accept("and")) {
            checks.add(not());
        }
        return checks.size() == 1 ? checks.get(0) : new Check.And(List.copyOf(checks));
    }

    private Check not() {
        if (accept("not")) {
            return new Check.Not(not());
        }
        if (accept("(")) {
            Check inner = or();
            if (!accept(")")) {
                throw new IllegalArgumentException("missing ')'");
            }
            return inner;
        }
        if (next >= tokens.size()) {
            throw new IllegalArgumentException("a check is missing at the end");
        }
        String token = tokens.get(next++);
        if (token.equals(")") || isKeyword(token)) {
            throw new IllegalArgumentException("unexpected '" + token + "'");
        }
        return atom(token);
    }

    private static Check atom(String token) {
        if (token.equals("@")) {
            return new Check.Always();
        }
        if (token.equals("!")) {
            return new Check.Never();
        }
        int colon = token.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("'" + token + "' is not KIND:MATCH");
        }
        String kind = token.substring(0, colon);
        String match = token.substring(colon + 1);
        return switch (kind) {
            case "rule" -> new Check.Rule(match);
            case "role" -> new Check.Role(match);
            case "http", "https" -> throw new IllegalArgumentException("http checks are not supported: " + token);
            default -> new Check.Generic(kind, match);
        };
    }

    private boolean accept(String keyword) {
        if (next < tokens.size() && tokens.get(next).toLowerCase(Locale.ROOT).equals(keyword)) {
            next++;
            return true;
        }
        return false;
    }

    private static boolean isKeyword(String token) {
        String lower = token.toLowerCase(Locale.ROOT);
        return lower.equals("and") || lower.equals("or") || lower.equals("not");
    }

    /** oslo's {@code _parse_tokenize}: words, with leading '(' and trailing ')' split off as their own tokens. */
    private static List<String> tokenize(String rule) {
        List<String> tokens = new ArrayList<>();
        for (String word : rule.strip().split("\\s+")) {
            int start = 0;
            while (start < word.length() && word.charAt(start) == '(') {
                tokens.add("(");
                start++;
            }
            int end = word.length();
            int closing = 0;
            while (end > start && word.charAt(end - 1) == ')') {
                end--;
                closing++;
            }
            if (end > start) {
                tokens.add(word.substring(start, end));
            }
            for (int i = 0; i < closing; i++) {
                tokens.add(")");
            }
        }
        return tokens;
    }
}
