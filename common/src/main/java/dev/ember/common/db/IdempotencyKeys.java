package dev.ember.common.db;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The {@code idempotency_keys} table: creates a client may send again after losing the answer. A create
 * carrying a key {@link #record}s it with the resource it made in the create's own transaction, so the row and
 * the key commit together or not at all; a retry within {@link #RETENTION} then {@link #find}s the resource
 * instead of making a second one. Keys are scoped by project and by kind of resource ({@code volume}, ...).
 * Expired keys are removed a few at a time as new ones are recorded.
 */
public class IdempotencyKeys {

    /** How long a key stands for what it made (the IETF Idempotency-Key draft's usual 24 hours). */
    public static final Duration RETENTION = Duration.ofHours(24);

    private static final int SWEEP_EVERY = 256;
    private static final int SWEEP_ROWS = 500;

    /** What an earlier request with the key made, and the fingerprint of that request. */
    public record Entry(String resourceId, String fingerprint) {
    }

    private final JdbcTemplate jdbc;
    private final AtomicInteger recorded = new AtomicInteger();

    public IdempotencyKeys(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The live entry of {@code key}, if a request with it was applied less than {@link #RETENTION} ago. */
    public Optional<Entry> find(String projectId, String kind, String key, Instant now) {
        List<Entry> found = jdbc.query("SELECT resource_id, fingerprint FROM idempotency_keys WHERE project_id = ? AND kind = ? "
                + "AND idem_key = ? AND created_at >= ?", (rs, n) -> new Entry(rs.getString(1), rs.getString(2)),
                projectId, kind, key, Timestamps.toDb(now.minus(RETENTION)));
        return found.stream().findFirst();
    }

    /**
     * Records that the request with {@code key} made {@code resourceId}; call inside the transaction that
     * makes it. An expired entry of the key gives way.
     *
     * @throws org.springframework.dao.DuplicateKeyException when a live entry holds the key (a concurrent
     *     retry won): the caller rolls back and {@link #find}s what that one made
     */
    public void record(String projectId, String kind, String key, String resourceId, String fingerprint, Instant now) {
        String cutoff = Timestamps.toDb(now.minus(RETENTION));
        jdbc.update("DELETE FROM idempotency_keys WHERE project_id = ? AND kind = ? AND idem_key = ? AND created_at < ?",
                projectId, kind, key, cutoff);
        jdbc.update("INSERT INTO idempotency_keys (project_id, kind, idem_key, resource_id, fingerprint, created_at) "
                + "VALUES (?, ?, ?, ?, ?, ?)", projectId, kind, key, resourceId, fingerprint, Timestamps.toDb(now));
        if (recorded.incrementAndGet() % SWEEP_EVERY == 0) {
            jdbc.update("DELETE FROM idempotency_keys WHERE created_at < ? LIMIT " + SWEEP_ROWS, cutoff);
        }
    }
}
