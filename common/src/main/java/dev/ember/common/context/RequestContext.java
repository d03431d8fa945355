package dev.ember.common.context;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Who asked for an operation and under which request id. Made by the API from the request, carried
 * with every RPC message ({@code _context_*} keys, as oslo.messaging does) and put into every log line
 * the operation causes.
 *
 * @param requestId this request's id, {@code req-<uuid>}
 * @param globalRequestId the caller's id when it sent one ({@code X-OpenStack-Request-ID}), else null
 * @param userId the user, or null for internal work
 * @param projectId the project, or null for internal work
 * @param isAdmin whether the caller has the admin role
 * @param roles role names
 */
public record RequestContext(
        String requestId, String globalRequestId, String userId, String projectId, boolean isAdmin, List<String> roles) {

    public RequestContext {
        Objects.requireNonNull(requestId, "requestId is null");
        roles = roles == null ? List.of() : List.copyOf(roles);
    }

    public static String newRequestId() {
        return "req-" + UUID.randomUUID();
    }

    /** The context of work the service starts by itself (recovery, periodic tasks). */
    public static RequestContext internal() {
        return new RequestContext(newRequestId(), null, null, null, true, List.of("admin"));
    }
}
