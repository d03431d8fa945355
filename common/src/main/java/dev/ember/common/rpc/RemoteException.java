package dev.ember.common.rpc;

/** The far side of an RPC call raised an error; its class name and message come with it. */
public class RemoteException extends RuntimeException {
    private final String remoteClass;

    public RemoteException(String remoteClass, String message) {
        super(message);
        this.remoteClass = remoteClass;
    }

    public String remoteClass() {
        return remoteClass;
    }
}
