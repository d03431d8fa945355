package dev.ember.api.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/** Applies each route's {@link Since}: the one place a whole route is gated by microversion. */
public final class MicroversionInterceptor implements HandlerInterceptor {

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) throws Exception {
        if (!(handler instanceof HandlerMethod method)) {
            return true;
        }
        Since since = method.getMethodAnnotation(Since.class);
        if (since == null) {
            return true;
        }
        ApiRequest api = ApiRequest.of(request);
        if (!since.projectInUrl() && api.projectInUrl()) {
            response.setStatus(404);
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.getOutputStream().write(Faults.routeNotFoundBody());
            return false;
        }
        api.requireVersion(since.value());
        return true;
    }
}
