package dev.ember.common.context;

import java.util.concurrent.Callable;
import org.slf4j.MDC;

/**
 * The request context of the current thread. Setting it also fills the logging MDC
 * ({@code request_id}, {@code user_id}, {@code project_id}), so every log line shows whom it is for.
 */
public final class CurrentContext {

    public static final String MDC_REQUEST_ID = "request_id";
    public static final String MDC_GLOBAL_REQUEST_ID = "global_request_id";
    public static final String MDC_USER_ID = "user_id";
    public static final String MDC_PROJECT_ID = "project_id";

    private static final ThreadLocal<RequestContext> CURRENT = new ThreadLocal<>();

    private CurrentContext() {
    }

    /** The current context, or an internal one when none was set. */
    public static RequestContext get() {
        RequestContext context = CURRENT.get();
        return context != null ? context : RequestContext.internal();
    }

    public static void set(RequestContext context) {
        CURRENT.set(context);
        MDC.put(MDC_REQUEST_ID, context.requestId());
        putOrRemove(MDC_GLOBAL_REQUEST_ID, context.globalRequestId());
        putOrRemove(MDC_USER_ID, context.userId());
        putOrRemove(MDC_PROJECT_ID, context.projectId());
    }

    public static void clear() {
        CURRENT.remove();
        MDC.remove(MDC_REQUEST_ID);
        MDC.remove(MDC_GLOBAL_REQUEST_ID);
        MDC.remove(MDC_USER_ID);
        MDC.remove(MDC_PROJECT_ID);
    }

    /** Runs {@code work} with {@code context} current, restoring the previous one afterwards. */
    public static <T> T call(RequestContext context, Callable<T> work) throws Exception {
        RequestContext previous = CURRENT.get();
        set(context);
        try {
            return work.call();
        } finally {
            if (previous != null) {
                set(previous);
            } else {
                clear();
            }
        }
    }

    public static void run(RequestContext context, Runnable work) {
        try {
            call(context, () -> {
                work.run();
                return null;
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putOrRemove(String key, String value) {
        if (value != null) {
            MDC.put(key, value);
        } else {
            MDC.remove(key);
        }
    }
}
