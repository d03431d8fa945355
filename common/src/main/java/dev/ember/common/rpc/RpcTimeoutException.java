package dev.ember.common.rpc;

/** An RPC call got no reply within its timeout (oslo.messaging's {@code MessagingTimeout}). */
public class RpcTimeoutException extends RuntimeException {
    public RpcTimeoutException(String message) {
        super(message);
    }
}
