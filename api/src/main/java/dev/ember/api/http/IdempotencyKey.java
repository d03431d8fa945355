package dev.ember.api.http;

import jakarta.servlet.http.HttpServletRequest;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A create's {@code Idempotency-Key} header (IETF httpapi draft): a client that lost the answer to a create
 * sends it again with the same key and body, and gets what the first one made instead of a second resource.
 * Not a Cinder header: clients that do not send it see Cinder's behaviour.
 *
 * @param key the header's value, 1 to 255 printable ASCII characters
 * @param fingerprint SHA-256 of the request body: a key sent again with another body is refused
 */
public record IdempotencyKey(String key, String fingerprint) {

    public static final String HEADER = "Idempotency-Key";

    /** The request's key, or null when it sends none; a malformed one is a 400. */
    public static IdempotencyKey of(HttpServletRequest http, byte[] body) {
        String key = http.getHeader(HEADER);
        if (key == null) {
            return null;
        }
        if (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw ApiException.badRequest("Invalid " + HEADER + " header: it must be 1 to 255 printable ASCII characters.");
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body == null ? new byte[0] : body);
            return new IdempotencyKey(key, HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return key;
    }
}
