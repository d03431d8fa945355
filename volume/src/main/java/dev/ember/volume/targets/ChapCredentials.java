package dev.ember.volume.targets;

import java.security.SecureRandom;
import java.util.Objects;

/**
 * One-way CHAP credentials of one target, stored on the volume as Cinder stores them:
 * {@code provider_auth = "CHAP <username> <secret>"}. The secret is never printed by {@link #toString()}.
 */
public record ChapCredentials(String username, String secret) {

    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
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
     * a 20-character user and a 16-character secret (iSCSI initiators accept secrets of 12 to 16 characters).
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
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "ChapCredentials[username=" + username + ", secret=***]";
    }
}
