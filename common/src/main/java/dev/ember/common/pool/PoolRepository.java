package dev.ember.common.pool;

import dev.ember.common.db.Timestamps;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * The {@code pools} table: each pool's last capability report and the capacity claimed in it.
 *
 * <p>Claims are the only writers of {@code allocated_capacity_gb} and {@code volume_count}:
 * {@link #claim} in the scheduler's placement transaction, {@link #release} in the volume service's
 * deletion transaction. Reports never touch them.
 */
public class PoolRepository {

    private final JdbcTemplate jdbc;

    public PoolRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Writes a backend's latest report, one capabilities document per pool. */
    public void report(String backend, Map<String, String> capabilitiesByPool, Instant now) {
        Object ts = Timestamps.toDb(now);
        for (Map.Entry<String, String> pool : capabilitiesByPool.entrySet()) {
            int updated = jdbc.update("UPDATE pools SET capabilities = ?, reported_at = ? WHERE name = ?",
                    pool.getValue(), ts, pool.getKey());
            if (updated == 0) {
                jdbc.update("INSERT INTO pools (name, backend, capabilities, reported_at) VALUES (?, ?, ?, ?) "
                                + "ON DUPLICATE KEY UPDATE capabilities = VALUES(capabilities), reported_at = VALUES(reported_at)",
                        pool.getKey(), backend, pool.getValue(), ts);
            }
        }
    }

    public List<PoolRow> all() {
        return jdbc.query("SELECT * FROM pools ORDER BY name", ROW);
    }

    public List<PoolRow> ofBackend(String backend) {
        return jdbc.query("SELECT * FROM pools WHERE backend = ? ORDER BY name", ROW, backend);
    }

    /**
     * Claims {@code sizeGb} in {@code pool} if the claims would stay within {@code limitGb}: one atomic
     * conditional UPDATE, so racing schedulers can never over-allocate.
     *
     * @return whether the claim was made
     */
    public boolean claim(String pool, long sizeGb, long limitGb) {
        return jdbc.update("UPDATE pools SET allocated_capacity_gb = allocated_capacity_gb + ?, volume_count = volume_count + 1 "
                        + "WHERE name = ? AND allocated_capacity_gb + ? <= ?",
                sizeGb, pool, sizeGb, limitGb) > 0;
    }

    /** Gives back the claim of a volume that left the pool. */
    public void release(String pool, long sizeGb) {
        jdbc.update("UPDATE pools SET allocated_capacity_gb = allocated_capacity_gb - ?, volume_count = volume_count - 1 "
                + "WHERE name = ?", sizeGb, pool);
    }

    private static final RowMapper<PoolRow> ROW = (rs, row) -> new PoolRow(
            rs.getString("name"), rs.getString("backend"), rs.getLong("allocated_capacity_gb"),
            rs.getInt("volume_count"), rs.getString("capabilities"), Timestamps.read(rs, "reported_at"));
}
