package dev.ember.api.auth;

import dev.ember.common.context.RequestContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;

/**
 * Cinder's {@code noauth} strategy ({@code cinder/api/middleware/auth.py NoAuthMiddleware}): the token
 * {@code user:project} names the caller; without a token the answer is a 204 carrying a token to use.
 * Unlike Cinder, where noauth makes everyone admin, only the user or project named {@code admin} is
 * admin here, so that non-admin behaviour can be exercised without Keystone.
 */
public final class NoAuth implements Authenticator {

    @Override
    public RequestContext authenticate(HttpServletRequest request, HttpServletResponse response, String requestId,
            String globalRequestId) {
        String token = request.getHeader("X-Auth-Token");
        if (token == null) {
            String user = headerOr(request, "X-Auth-User", "admin");
            String project = headerOr(request, "X-Auth-Project-Id", "admin");
            String url = request.getRequestURL().toString().replaceAll("/+$", "");
            response.setStatus(204);
            response.setContentType("text/plain");
            response.setHeader("X-Auth-Token", user + ":" + project);
            response.setHeader("X-Server-Management-Url", url);
            return null;
        }
        int colon = token.indexOf(':');
        String user = colon < 0 ? token : token.substring(0, colon);
        String project = colon < 0 || colon == token.length() - 1 ? user : token.substring(colon + 1);
        boolean admin = "admin".equals(user) || "admin".equals(project);
        return new RequestContext(requestId, globalRequestId, user, project, admin,
                admin ? List.of("admin", "member", "reader") : List.of("member", "reader"));
    }

    private static String headerOr(HttpServletRequest request, String name, String fallback) {
        String value = request.getHeader(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
