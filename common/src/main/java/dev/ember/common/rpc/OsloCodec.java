package dev.ember.common.rpc;

import dev.ember.common.context.RequestContext;
import dev.ember.common.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * oslo.messaging's rabbit wire format (CINDER-FACTS §3.3): the AMQP body is
 * {@code {"oslo.version": "2.0", "oslo.message": "<json string>"}}; inside, the method, args and
 * version, a {@code _unique_id}, the context flattened to {@code _context_<key>}, and for calls
 * {@code _msg_id}, {@code _reply_q} and {@code _timeout}. Replies are
 * {@code {"result", "failure", "ending": true, "_msg_id", "_unique_id"}} in the same envelope.
 */
public final class OsloCodec {

    private OsloCodec() {
    }

    public static byte[] encode(RpcMessage message, Integer timeoutSeconds) {
        ObjectNode inner = Json.object();
        inner.put("method", message.method());
        inner.set("args", message.args());
        inner.put("version", message.version());
        inner.put("_unique_id", uniqueId());
        putContext(inner, message.context());
        if (message.isCall()) {
            inner.put("_msg_id", message.msgId());
            inner.put("_reply_q", message.replyQueue());
            if (timeoutSeconds == null) {
                inner.putNull("_timeout");
            } else {
                inner.put("_timeout", timeoutSeconds);
            }
        }
        return envelope(inner);
    }

    public static RpcMessage decode(byte[] body) {
        JsonNode inner = open(body);
        String method = text(inner, "method");
        if (method == null) {
            throw new IllegalArgumentException("RPC message without a method");
        }
        JsonNode args = inner.get("args");
        return new RpcMessage(method,
                args instanceof ObjectNode object ? object : Json.object(),
                text(inner, "version") == null ? "3.0" : text(inner, "version"),
                readContext(inner),
                text(inner, "_msg_id"),
                text(inner, "_reply_q"));
    }

    /** A reply: exactly one of {@code result} (may be null) and {@code failure}. */
    public static byte[] encodeReply(String msgId, JsonNode result, RemoteFailure failure) {
        ObjectNode inner = Json.object();
        inner.set("result", result);
        if (failure == null) {
            inner.putNull("failure");
        } else {
            ObjectNode f = Json.object();
            f.put("class", failure.className());
            f.put("module", failure.module());
            f.put("message", failure.message());
            f.putArray("tb");
            f.putArray("args").add(failure.message());
            f.putObject("kwargs");
            inner.put("failure", Json.write(f));
        }
        inner.put("ending", true);
        inner.put("_msg_id", msgId);
        inner.put("_unique_id", uniqueId());
        return envelope(inner);
    }

    /** A decoded reply. */
    public record Reply(String msgId, JsonNode result, RemoteFailure failure) {
    }

    /** An exception raised on the far side of a call. */
    public record RemoteFailure(String className, String module, String message) {
    }

    public static Reply decodeReply(byte[] body) {
        JsonNode inner = open(body);
        RemoteFailure failure = null;
        JsonNode f = inner.get("failure");
        if (f != null && f.isString()) {
            JsonNode parsed = Json.parse(f.asString());
            failure = new RemoteFailure(text(parsed, "class"), text(parsed, "module"), text(parsed, "message"));
        }
        return new Reply(text(inner, "_msg_id"), inner.get("result"), failure);
    }

    private static byte[] envelope(ObjectNode inner) {
        ObjectNode outer = Json.object();
        outer.put("oslo.version", "2.0");
        outer.put("oslo.message", Json.write(inner));
        return Json.writeBytes(outer);
    }

    private static JsonNode open(byte[] body) {
        JsonNode outer = Json.parse(body);
        JsonNode message = outer.get("oslo.message");
        if (message != null && message.isString()) {
            return Json.parse(message.asString());
        }
        return outer;
    }

    private static void putContext(ObjectNode inner, RequestContext context) {
        inner.put("_context_request_id", context.requestId());
        if (context.globalRequestId() == null) {
            inner.putNull("_context_global_request_id");
        } else {
            inner.put("_context_global_request_id", context.globalRequestId());
        }
        inner.put("_context_user_id", context.userId());
        inner.put("_context_project_id", context.projectId());
        inner.put("_context_user", context.userId());
        inner.put("_context_is_admin", context.isAdmin());
        inner.putArray("_context_roles").addAll(context.roles().stream()
                .map(r -> (JsonNode) Json.mapper().getNodeFactory().stringNode(r)).toList());
        inner.put("_context_read_deleted", "no");
        RequestContext.Scope scope = context.scope();
        inner.put("_context_user_domain", scope.userDomainId());
        inner.put("_context_project_domain", scope.projectDomainId());
        inner.put("_context_domain", scope.domainId());
        inner.put("_context_system_scope", scope.systemScope());
    }

    private static RequestContext readContext(JsonNode inner) {
        String requestId = text(inner, "_context_request_id");
        List<String> roles = new ArrayList<>();
        JsonNode r = inner.get("_context_roles");
        if (r != null && r.isArray()) {
            r.forEach(role -> roles.add(role.asString()));
        }
        JsonNode admin = inner.get("_context_is_admin");
        return new RequestContext(
                requestId != null ? requestId : RequestContext.newRequestId(),
                text(inner, "_context_global_request_id"),
                text(inner, "_context_user_id"),
                text(inner, "_context_project_id"),
                admin != null && admin.asBoolean(),
                roles,
                new RequestContext.Scope(text(inner, "_context_user_domain"), text(inner, "_context_project_domain"),
                        text(inner, "_context_domain"), text(inner, "_context_system_scope")),
                List.of());
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    private static String uniqueId() {
        return UUID.randomUUID().toString().replace("-", "");
    }
}
