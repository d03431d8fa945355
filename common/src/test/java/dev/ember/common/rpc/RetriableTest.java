package dev.ember.common.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLNonTransientConnectionException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.transaction.TransactionSystemException;
import org.junit.jupiter.api.Test;

class RetriableTest {

    /** Chaos seed 20261204 with service_down_time 5: a create's transaction met the database restart. */
    @Test
    void aRollbackThatFailedBecauseTheDatabaseWentAwayIsRetriable() {
        TransactionSystemException rollbackFailed = new TransactionSystemException("JDBC rollback failed",
                new SQLNonTransientConnectionException("No operations allowed after connection closed."));
        rollbackFailed.initApplicationException(new RecoverableDataAccessException("INSERT INTO quota_usages ...",
                new java.sql.SQLRecoverableException("Communications link failure")));
        assertThat(Retriable.isRetriable(rollbackFailed)).isTrue();
    }

    @Test
    void aRollbackThatFailedAfterAnOrdinaryErrorIsNot() {
        TransactionSystemException rollbackFailed = new TransactionSystemException("JDBC rollback failed",
                new SQLNonTransientConnectionException("No operations allowed after connection closed."));
        rollbackFailed.initApplicationException(new IllegalStateException("a bug"));
        assertThat(Retriable.isRetriable(rollbackFailed)).isFalse();
        assertThat(Retriable.isRetriable(new IllegalStateException("a bug"))).isFalse();
    }
}
