package dev.ember.common.rpc;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;

/**
 * Marks failures that may pass if the same work is tried again later (the database or broker is
 * down, a lock timed out). Retrying is decided here, by type, and nowhere by parsing messages.
 */
public interface Retriable {

    /**
     * Whether {@code failure}, or anything in its cause chain, is worth retrying later. A transaction whose
     * rollback failed counts by the failure that made it roll back: when the database goes away mid-transaction
     * the rollback fails too, and its cause (a closed connection) says less than the original failure.
     */
    static boolean isRetriable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof org.springframework.transaction.TransactionSystemException tse
                    && tse.getApplicationException() != null && isRetriable(tse.getApplicationException())) {
                return true;
            }
            if (t instanceof Retriable
                    || t instanceof TransientDataAccessException
                    || t instanceof DataAccessResourceFailureException
                    || t instanceof RecoverableDataAccessException
                    || t instanceof BusUnavailableException
                    || t instanceof java.sql.SQLTransientException
                    || t instanceof java.sql.SQLRecoverableException) {
                return true;
            }
        }
        return false;
    }

    /** A handler's explicit "not now": requeue the message and try again later. */
    final class RetryLaterException extends RuntimeException implements Retriable {
        public RetryLaterException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
