package dev.ember.api.policy;

import dev.ember.api.http.ApiException;
import dev.ember.api.http.ApiRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Checks the route's {@link Authorize} rules before its handler runs (after the microversion gate, as Cinder's
 * versioned-method lookup comes before its policy checks). A refusal is Cinder's 403.
 */
public final class PolicyInterceptor implements HandlerInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyInterceptor.class);

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod method)) {
            return true;
        }
        Authorize authorize = method.getMethodAnnotation(Authorize.class);
        if (authorize == null) {
            LOG.error("{} has no @Authorize: refused", method.getShortLogMessage());
            throw ApiException.forbidden("Policy doesn't allow " + method.getMethod().getName() + " to be performed.");
        }
        if (authorize.value().length > 0) {
            ApiRequest api = ApiRequest.of(request);
            for (String rule : authorize.value()) {
                api.authorize(rule);
            }
        }
        return true;
    }
}
