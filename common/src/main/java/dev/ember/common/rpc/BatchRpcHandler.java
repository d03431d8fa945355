package dev.ember.common.rpc;

import java.util.List;

/**
 * Handles many casts of one method at once: everything the consumer already holds, so that under load
 * one database read and one transaction serve a whole batch instead of one message. The same rules as
 * {@link RpcHandler}: commit before returning, be idempotent. Throwing a {@link Retriable} failure
 * requeues the whole batch; anything else drops it.
 */
@FunctionalInterface
public interface BatchRpcHandler {

    /** @return the messages to requeue and try again later (usually none) */
    List<RpcMessage> handle(List<RpcMessage> messages) throws Exception;
}
