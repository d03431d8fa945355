package dev.ember.common.logging;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import dev.ember.common.context.CurrentContext;
import dev.ember.common.json.Json;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes log events either as oslo.log's default text line ({@code pattern}) or, with {@code json} on
 * ({@code cinder.use-json}, oslo's {@code use_json}), as one JSON object per line with the field names of
 * oslo.log's {@code JSONFormatter}: {@code message, asctime, name, levelname, levelno, process, thread_name,
 * hostname, traceback, context{request_id, global_request_id, user, project}}.
 */
public final class OsloLogEncoder extends EncoderBase<ILoggingEvent> {

    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS")
            .withZone(ZoneId.systemDefault());

    private final PatternLayout layout = new PatternLayout();
    private boolean json;
    private String hostname = "localhost";

    public void setPattern(String pattern) {
        layout.setPattern(pattern);
    }

    public void setJson(boolean json) {
        this.json = json;
    }

    @Override
    public void start() {
        layout.setContext(getContext());
        layout.start();
        try {
            hostname = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            hostname = "localhost";
        }
        super.start();
    }

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        if (!json) {
            return layout.doLayout(event).getBytes(StandardCharsets.UTF_8);
        }
        Map<String, String> mdc = event.getMDCPropertyMap();
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("request_id", mdc.get(CurrentContext.MDC_REQUEST_ID));
        context.put("global_request_id", mdc.get(CurrentContext.MDC_GLOBAL_REQUEST_ID));
        context.put("user", mdc.get(CurrentContext.MDC_USER_ID));
        context.put("project", mdc.get(CurrentContext.MDC_PROJECT_ID));
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("message", event.getFormattedMessage());
        line.put("asctime", ASCTIME.format(Instant.ofEpochMilli(event.getTimeStamp())));
        line.put("name", event.getLoggerName());
        line.put("levelname", event.getLevel().toString());
        line.put("levelno", levelno(event));
        line.put("process", ProcessHandle.current().pid());
        line.put("thread_name", event.getThreadName());
        line.put("hostname", hostname);
        IThrowableProxy thrown = event.getThrowableProxy();
        line.put("traceback", thrown == null ? null : ThrowableProxyUtil.asString(thrown).lines().toList());
        line.put("context", context);
        return (Json.write(line) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Python's logging level numbers. */
    private static int levelno(ILoggingEvent event) {
        return switch (event.getLevel().toString()) {
            case "ERROR" -> 40;
            case "WARN" -> 30;
            case "INFO" -> 20;
            default -> 10;
        };
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }
}
