package dev.ember.api.auth;

import dev.ember.common.context.RequestContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Turns a request's credentials into a {@link RequestContext} ({@code auth_strategy}). */
public interface Authenticator {

    /**
     * The caller, or null when this method already answered the request (for example noauth's 204 to
     * a request without a token, or a 401).
     */
    RequestContext authenticate(HttpServletRequest request, HttpServletResponse response, String requestId,
            String globalRequestId) throws IOException;
}
