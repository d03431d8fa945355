package dev.ember.common.db;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Transactions, and the one place where deadlocks are retried. A unit of work passed here must be
 * safe to run again from the start: it sees a rolled-back database when it is retried.
 */
public final class Tx {

    private static final Logger LOG = LoggerFactory.getLogger(Tx.class);
    private static final int MAX_ATTEMPTS = 6;

    private final TransactionTemplate template;
    private final Counter deadlockRetries;

    public Tx(PlatformTransactionManager transactionManager, MeterRegistry meters) {
        this.template = new TransactionTemplate(transactionManager);
        this.deadlockRetries = Counter.builder("ember_db_deadlock_retries")
                .description("Transactions retried after a deadlock or lock wait timeout")
                .register(meters);
    }

    /** Runs {@code work} in one transaction, retrying it after a deadlock or lock wait timeout. */
    public <T> T call(Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return template.execute(status -> work.get());
            } catch (PessimisticLockingFailureException e) {
                if (attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
                deadlockRetries.increment();
                LOG.debug("retrying a transaction after a lock conflict (attempt {}): {}", attempt, e.getMessage());
                pause(attempt);
            }
        }
    }

    public void run(Runnable work) {
        call(() -> {
            work.run();
            return null;
        });
    }

    private static void pause(int attempt) {
        long millis = ThreadLocalRandom.current().nextLong(1, 5L << attempt);
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying a transaction", e);
        }
    }
}
