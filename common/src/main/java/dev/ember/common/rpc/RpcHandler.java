package dev.ember.common.rpc;

import tools.jackson.databind.JsonNode;

/**
 * Handles one RPC method. The message is acknowledged only after {@link #handle} returns, so a handler
 * must commit its database work before returning, and must be idempotent: a message can arrive again
 * after a crash or a broker restart. Throwing a {@link Retriable} failure requeues the message;
 * throwing anything else drops it (and fails a call).
 */
@FunctionalInterface
public interface RpcHandler {

    /** @return the call's result (ignored for casts); may be null */
    JsonNode handle(RpcMessage message) throws Exception;
}
