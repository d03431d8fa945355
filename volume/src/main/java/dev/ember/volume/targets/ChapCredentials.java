package dev.ember.volume.targets;

import java.security.SecureRandom;
import java.util.Objects;

/**
 * One-way CHAP credentials of one target, stored on the volume as Cinder stores them:
 * {@code provider_auth = "CHAP <username> <secret>"}. The secret is never printed by {@link #toString()}.
 */
public record ChapCredentials(String username, String secret) {

    /** Cinder's {@code DEFAULT_PASSWORD_SYMBOLS}: digits and letters without the look-alikes 0, 1, I, O, l. */
    private static final String[] GROUPS = {"23456789", "ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz"};
    private static final String ALPHABET = String.join("", GROUPS);
    private static final SecureRandom RANDOM = new SecureRandom();

    public ChapCredentials {
        Objects.requireNonNull(username, "username is null");
        Objects.requireNonNull(secret, "secret is null");
        if (!username.matches("[A-Za-z0-9._:-]+") || !secret.matches("[A-Za-z0-9]+")) {
            throw new IllegalArgumentException("CHAP username and secret must be plain words");
        }
    }

    /**
     * New random credentials, as Cinder's {@code volume_utils.generate_username}/{@code generate_password}:
     * a 20-character user and a 16-character secret (iSCSI initiators accept secrets of 12 to 16 characters),
     * each with at least one digit, one upper-case and one lower-case letter.
     */
    public static ChapCredentials generate() {
        return new ChapCredentials(random(20), random(16));
    }

    /** Parses {@code "CHAP <username> <secret>"}; null for null or anything else. */
    public static ChapCredentials parse(String providerAuth) {
        if (providerAuth == null) {
            return null;
        }
        String[] words = providerAuth.trim().split("\\s+");
        if (words.length != 3 || !words[0].equals("CHAP")) {
            return null;
        }
        return new ChapCredentials(words[1], words[2]);
    }

    /** {@code "CHAP <username> <secret>"}. */
    public String providerAuth() {
        return "CHAP " + username + " " + secret;
    }

    private static String random(int length) {
        java.util.List<Character> chars = new java.util.ArrayList<>(length);
        for (String group : GROUPS) {
            chars.add(group.charAt(RANDOM.nextInt(group.length())));
        }
        while (chars.size() < length) {
            chars.add(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        java.util.Collections.shuffle(chars, RANDOM);
        StringBuilder out = new StringBuilder(length);
        chars.forEach(out::append);
        return out.toString();
    }

    @Override
    public String toString() {
        return "ChapCredentials[username=" + username + ", secret=***]";
    }
}
