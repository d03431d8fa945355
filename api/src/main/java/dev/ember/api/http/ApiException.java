package dev.ember.api.http;

import java.util.Map;

/**
 * An error answered in Cinder's fault shape, {@code {"<faultName>": {"code": N, "message": "..."}}}
 * ({@code cinder/api/openstack/wsgi.py Fault}). The fault name follows from the status.
 */
public class ApiException extends RuntimeException {

    private static final Map<Integer, String> FAULT_NAMES = Map.of(
            400, "badRequest",
            401, "unauthorized",
            403, "forbidden",
            404, "itemNotFound",
            405, "badMethod",
            409, "conflictingRequest",
            413, "overLimit",
            415, "badMediaType",
            501, "notImplemented",
            503, "serviceUnavailable");

    private final int status;

    public ApiException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** Cinder's fault name for the status; anything unlisted (406, 500...) is {@code computeFault}. */
    public String faultName() {
        return FAULT_NAMES.getOrDefault(status, "computeFault");
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    /** Cinder's {@code InvalidInput}: "Invalid input received: ...". */
    public static ApiException invalidInput(String reason) {
        return new ApiException(400, "Invalid input received: " + reason);
    }

    /** Cinder's {@code InvalidVolume}: "Invalid volume: ...". */
    public static ApiException invalidVolume(String reason) {
        return new ApiException(400, "Invalid volume: " + reason);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    public static ApiException volumeNotFound(String id) {
        return new ApiException(404, "Volume " + id + " could not be found.");
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, message);
    }

    /** The generic 400 webob gives when a request makes no sense at all. */
    public static ApiException malformed() {
        return new ApiException(400,
                "The server could not comply with the request since it is either malformed or otherwise incorrect.");
    }
}
