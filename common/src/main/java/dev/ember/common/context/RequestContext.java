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
 * @param isAdmin whether the caller passes Cinder's {@code context_is_admin} rule (by default: has the admin role)
 * @param roles role names
 * @param scope the token's domains and system scope; {@link Scope#NONE} when unknown (noauth, internal work)
 * @param serviceRoles roles of a valid {@code X-Service-Token} sent with the request (Nova's), else empty; never
 *        carried over the bus
 */
public record RequestContext(
        String requestId, String globalRequestId, String userId, String projectId, boolean isAdmin, List<String> roles,
        Scope scope, List<String> serviceRoles) {

    /**
     * Where the token is scoped, as oslo.context keeps it.
     *
     * @param userDomainId the user's domain
     * @param projectDomainId the project's domain (project-scoped tokens)
     * @param domainId the domain of a domain-scoped token
     * @param systemScope {@code all} for a system-scoped token, else null
     */
    public record Scope(String userDomainId, String projectDomainId, String domainId, String systemScope) {
        public static final Scope NONE = new Scope(null, null, null, null);
    }

    public RequestContext {
        Objects.requireNonNull(requestId, "requestId is null");
        roles = roles == null ? List.of() : List.copyOf(roles);
        scope = scope == null ? Scope.NONE : scope;
        serviceRoles = serviceRoles == null ? List.of() : List.copyOf(serviceRoles);
    }

    public RequestContext(
            String requestId, String globalRequestId, String userId, String projectId, boolean isAdmin, List<String> roles) {
        this(requestId, globalRequestId, userId, projectId, isAdmin, roles, Scope.NONE, List.of());
    }

    public static String newRequestId() {
        return "req-" + UUID.randomUUID();
    }

    /** The context of work the service starts by itself (recovery, periodic tasks). */
    public static RequestContext internal() {
        return new RequestContext(newRequestId(), null, null, null, true, List.of("admin"));
    }

    /** The same caller with {@code isAdmin} decided by the policy's {@code context_is_admin}. */
    public RequestContext withAdmin(boolean admin) {
        return new RequestContext(requestId, globalRequestId, userId, projectId, admin, roles, scope, serviceRoles);
    }
}
