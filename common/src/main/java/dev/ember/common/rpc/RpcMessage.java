package dev.ember.common.rpc;

import dev.ember.common.context.RequestContext;
import java.util.Objects;
import tools.jackson.databind.node.ObjectNode;

/**
 * An RPC request as oslo.messaging carries it: a method name, keyword arguments, a version, the
 * caller's context, and for calls the id the reply must carry and the queue it goes to.
 *
 * @param method Cinder's RPC method name, e.g. {@code create_volume}
 * @param args keyword arguments by Cinder's names
 * @param version the RPC API version the sender speaks
 * @param context who asked
 * @param msgId the call's id; null for casts
 * @param replyQueue where the reply goes; null for casts
 */
public record RpcMessage(
        String method, ObjectNode args, String version, RequestContext context, String msgId, String replyQueue) {

    public RpcMessage {
        Objects.requireNonNull(method, "method is null");
        Objects.requireNonNull(args, "args is null");
        Objects.requireNonNull(version, "version is null");
        Objects.requireNonNull(context, "context is null");
    }

    public static RpcMessage cast(String method, ObjectNode args, String version, RequestContext context) {
        return new RpcMessage(method, args, version, context, null, null);
    }

    public boolean isCall() {
        return msgId != null;
    }
}
