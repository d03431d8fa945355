package dev.ember.common.volume;

import dev.ember.common.db.Timestamps;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The {@code abandoned_storage} table: volumes whose storage a backend may still hold although the volume
 * left that backend. The re-drive takes an unfinished create back from a backend that has been down too long
 * ({@code PoolRepository.unplace}); the backend may have made the volume's storage just before it died, and
 * nothing else would ever remove it (the volume is placed again elsewhere, or ends in {@code error} without a
 * host, or is deleted by the API as a volume that has none). {@link #record} is called in the unplace's
 * transaction; the backend, once it runs again, removes the storage unless the volume came back to it, and
 * then {@link #forget}s the entry.
 */
public class AbandonedStorage {

    /** One volume's storage that {@code backend} may hold, in {@code pool}, of {@code sizeGb} GiB. */
    public record Entry(String backend, String volumeId, String pool, int sizeGb) {
    }

    private final JdbcTemplate jdbc;

    public AbandonedStorage(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Notes that the backend of {@code host} ({@code host@backend#pool}) may hold the volume's storage. */
    public void record(String volumeId, String host, int sizeGb, Instant now) {
        String backend = Hosts.backend(host);
        // A volume can leave the same backend twice (placed there again in between): one entry is enough.
        jdbc.update("DELETE FROM abandoned_storage WHERE backend = ? AND volume_id = ?", backend, volumeId);
        jdbc.update("INSERT INTO abandoned_storage (backend, volume_id, pool, size, created_at) VALUES (?, ?, ?, ?, ?)",
                backend, volumeId, Hosts.pool(host), sizeGb, Timestamps.toDb(now));
    }

    /** What {@code backend} ({@code host@backend}) may still hold, oldest first. */
    public List<Entry> onBackend(String backend) {
        return jdbc.query("SELECT backend, volume_id, pool, size FROM abandoned_storage WHERE backend = ? "
                + "ORDER BY created_at", (rs, n) -> new Entry(rs.getString("backend"), rs.getString("volume_id"),
                        rs.getString("pool"), rs.getInt("size")), backend);
    }

    /** The backend no longer holds the volume's storage (or holds it for the volume again). */
    public void forget(String backend, String volumeId) {
        jdbc.update("DELETE FROM abandoned_storage WHERE backend = ? AND volume_id = ?", backend, volumeId);
    }
}
