package dev.ember.common.rpc;

import java.util.Arrays;
import java.util.Objects;

/**
 * A failure a volume service reports to the API over an RPC call, in Cinder's exception vocabulary: the
 * reply names the exception class as Cinder would ({@code InvalidInput}, {@code InvalidVolume}...), and the
 * API turns it back into the same HTTP status and message. The message is the complete user-facing text.
 */
public class CinderFault extends RuntimeException {

    /** Cinder's exception classes the API maps to statuses ({@code cinder/exception.py}). */
    public enum Kind {
        /** 400: the request carried something unusable (a connector without an initiator). */
        INVALID_INPUT("InvalidInput", 400),
        /** 400: the volume is not in a state that allows the operation. */
        INVALID_VOLUME("InvalidVolume", 400),
        /** 404: the volume or attachment does not exist (any more). */
        NOT_FOUND("NotFound", 404),
        /** 409: the operation conflicts with the volume's other attachments. */
        CONFLICT("ResourceConflict", 409),
        /** 500: the storage failed the operation. */
        BACKEND("VolumeBackendAPIException", 500),
        /** 503: the backend cannot be reached now; trying later may work. */
        UNAVAILABLE("DriverNotInitialized", 503);

        private final String wireClass;
        private final int httpStatus;

        Kind(String wireClass, int httpStatus) {
            this.wireClass = wireClass;
            this.httpStatus = httpStatus;
        }

        public String wireClass() {
            return wireClass;
        }

        public int httpStatus() {
            return httpStatus;
        }

        /** The kind a reply's exception class names; {@link #BACKEND} for classes not listed. */
        public static Kind ofWireClass(String className) {
            return Arrays.stream(values()).filter(k -> k.wireClass.equals(className)).findFirst().orElse(BACKEND);
        }
    }

    private final Kind kind;

    public CinderFault(Kind kind, String message) {
        super(Objects.requireNonNull(message, "message is null"), null, false, false);
        this.kind = Objects.requireNonNull(kind, "kind is null");
    }

    public Kind kind() {
        return kind;
    }

    /** The fault a remote call reported, rebuilt on the caller's side. */
    public static CinderFault of(RemoteException remote) {
        return new CinderFault(Kind.ofWireClass(remote.remoteClass()), String.valueOf(remote.getMessage()));
    }
}
