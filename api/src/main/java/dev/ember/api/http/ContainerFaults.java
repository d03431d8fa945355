package dev.ember.api.http;

import dev.ember.common.json.Json;
import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * Errors Tomcat answers itself, before any filter or controller runs (a request line or path it cannot parse:
 * a NUL, {@code %zz}, an encoded slash, a raw space): Cinder's fault shape as JSON instead of Tomcat's HTML
 * page, so that no answer of the API is outside the shape {@link FaultAdvice} gives. TRACE goes to the
 * dispatcher like any method, so that it gets the route-not-found answer of every unrouted method.
 * Imported by {@code ApiRole} (its component scan leaves out configuration classes).
 */
@Configuration(proxyBeanMethods = false)
public class ContainerFaults {

    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> cinderShapedContainerErrors() {
        return factory -> {
            // TRACE reaches the dispatcher (Tomcat refuses it itself by default), which has no route for it
            factory.addConnectorCustomizers(connector -> connector.setAllowTrace(true));
            factory.addContextCustomizers(context -> {
                if (context.getParent() instanceof StandardHost host) {
                    host.setErrorReportValveClass(JsonErrorReportValve.class.getName());
                    host.getPipeline().addValve(new JsonErrorReportValve());
                }
            });
        };
    }

    @Bean
    static BeanPostProcessor traceLikeAnyMethod() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String name) {
                if (bean instanceof DispatcherServlet dispatcher) {
                    dispatcher.setDispatchTraceRequest(true);
                }
                return bean;
            }
        };
    }

    /** The host's error report: {@code {"<fault>": {"code": N, "message": "..."}}} for any error status. */
    public static class JsonErrorReportValve extends ErrorReportValve {

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
                return;
            }
            String message = status == 400 || response.getMessage() == null ? "Malformed request url" : response.getMessage();
            byte[] body = Json.writeBytes(Faults.body(new ApiException(status, message)));
            try {
                response.setContentType("application/json");
                response.setContentLength(body.length);
                response.getOutputStream().write(body);
                response.finishResponse();
            } catch (IOException | IllegalStateException e) {
                // the client is gone: nothing to tell it
            }
        }
    }
}
