package dev.ember.common.pool;

import dev.ember.common.db.MonthPartitions;
import dev.ember.common.db.Timestamps;
import dev.ember.common.db.Tx;
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
    private final Tx tx;
    private final boolean multiTableUpdate;
    private final dev.ember.common.volume.AbandonedStorage abandoned;

    /**
     * @param multiTableUpdate whether the database runs MySQL's {@code UPDATE a JOIN b} (MariaDB and MySQL
     *     do; H2 does not), which lets a placement be one statement instead of a transaction of two
     */
    public PoolRepository(JdbcTemplate jdbc, Tx tx, boolean multiTableUpdate) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.multiTableUpdate = multiTableUpdate;
        this.abandoned = new dev.ember.common.volume.AbandonedStorage(jdbc);
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

    /**
     * What a placement needs of every pool in one query: its claims, when it last reported, and its
     * volume service's state; plus the newest heartbeat of any service. Capability documents are
     * not read here (they change once per report; see {@link #capabilities}).
     */
    public PlacementView placementView() {
        Instant[] newest = new Instant[1];
        List<PlacementRow> rows = jdbc.query("SELECT p.name, p.backend, p.allocated_capacity_gb, p.volume_count, "
                        + "p.reported_at, s.availability_zone, s.updated_at, s.created_at, s.modified_at, s.disabled, s.frozen, "
                        + "(SELECT MAX(COALESCE(updated_at, created_at)) FROM services) AS newest "
                        + "FROM pools p JOIN services s ON s.host = p.backend AND s.`binary` = 'cinder-volume' ORDER BY p.name",
                (rs, n) -> {
                    newest[0] = Timestamps.read(rs, "newest");
                    return new PlacementRow(rs.getString("name"), rs.getString("backend"), rs.getLong("allocated_capacity_gb"),
                            rs.getInt("volume_count"), Timestamps.read(rs, "reported_at"), rs.getString("availability_zone"),
                            Timestamps.read(rs, "updated_at") != null ? Timestamps.read(rs, "updated_at") : Timestamps.read(rs, "created_at"),
                            Timestamps.read(rs, "modified_at"), rs.getBoolean("disabled"), rs.getBoolean("frozen"));
                });
        return new PlacementView(rows, newest[0]);
    }

    /**
     * Places a volume still {@code creating} without a host in {@code pool}, claiming {@code sizeGb} there
     * if the claims stay within {@code limitGb}: both or neither. On MariaDB/MySQL one atomic statement;
     * elsewhere a transaction of two.
     *
     * @return whether the volume was placed; false when the pool is full or the volume is no longer waiting
     */
    public boolean claimAndPlace(String pool, long sizeGb, long limitGb, String volumeId, String zone, Instant now) {
        String ts = Timestamps.toDb(now);
        if (multiTableUpdate) {
            return jdbc.update("UPDATE pools p JOIN volumes v ON v.id = ? "
                            + "SET p.allocated_capacity_gb = p.allocated_capacity_gb + ?, p.volume_count = p.volume_count + 1, "
                            + "v.host = ?, v.availability_zone = ?, v.scheduled_at = ?, v.updated_at = ? "
                            + "WHERE p.name = ? AND p.allocated_capacity_gb + ? <= ? "
                            + "AND v.status = 'creating' AND v.host IS NULL "
                            + "AND v.deleted = FALSE AND v.purge_month = 0",
                    volumeId, sizeGb, pool, zone, ts, ts, pool, sizeGb, limitGb) > 0;
        }
        return tx.call(() -> {
            if (!claim(pool, sizeGb, limitGb)) {
                return false;
            }
            if (jdbc.update("UPDATE volumes SET host = ?, availability_zone = ?, scheduled_at = ?, updated_at = ? "
                    + "WHERE " + MonthPartitions.liveById(null) + " AND status = 'creating' AND host IS NULL",
                    pool, zone, ts, ts, volumeId) > 0) {
                return true;
            }
            release(pool, sizeGb);
            return false;
        });
    }

    /** One pool's capability document, or null. */
    public String capabilities(String pool) {
        List<String> found = jdbc.queryForList("SELECT capabilities FROM pools WHERE name = ?", String.class, pool);
        return found.isEmpty() ? null : found.get(0);
    }

    /** A pool as {@link #placementView} sees it; {@code heartbeat} is the service's last sign of life. */
    public record PlacementRow(String name, String backend, long allocatedCapacityGb, int volumeCount,
            Instant reportedAt, String availabilityZone, Instant heartbeat, Instant modifiedAt, boolean disabled,
            boolean frozen) {
    }

    /** Every pool with its service state, and the newest heartbeat of any service (null if none). */
    public record PlacementView(List<PlacementRow> pools, Instant newestHeartbeat) {
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

    /**
     * Takes a volume still {@code creating} back from {@code pool}, giving back its claim and noting that its
     * backend may hold storage for it ({@link dev.ember.common.volume.AbandonedStorage}): all or none. For
     * creates whose backend died before it finished them, so they can be placed elsewhere; the backend may have
     * made the storage and died before it said so.
     *
     * @return whether the volume was taken back (false if it moved on meanwhile)
     */
    public boolean unplace(String volumeId, String pool, long sizeGb, Instant now) {
        return tx.call(() -> {
            if (jdbc.update("UPDATE volumes SET host = NULL, scheduled_at = NULL, updated_at = ? "
                    + "WHERE " + MonthPartitions.liveById(null) + " AND status = 'creating' AND host = ?",
                    Timestamps.toDb(now), volumeId, pool) == 0) {
                return false;
            }
            release(pool, sizeGb);
            abandoned.record(volumeId, pool, (int) sizeGb, now);
            return true;
        });
    }

    /**
     * Claims the growth of a volume being extended ({@code extend_size - size}) in its pool if the claims stay
     * within {@code limitGb}, and marks it claimed: both or neither, and only once per extend.
     *
     * @return whether the growth was claimed now (false: no room, or claimed already, or the volume moved on)
     */
    public boolean claimGrowth(String volumeId, String pool, long limitGb, Instant now) {
        String ts = Timestamps.toDb(now);
        if (multiTableUpdate) {
            return jdbc.update("UPDATE pools p JOIN volumes v ON v.id = ? "
                            + "SET p.allocated_capacity_gb = p.allocated_capacity_gb + (v.extend_size - v.size), "
                            + "v.extend_claimed = TRUE, v.updated_at = ? "
                            + "WHERE p.name = ? AND v.host = ? AND v.status = 'extending' AND v.extend_claimed = FALSE "
                            + "AND v.deleted = FALSE AND v.extend_size > v.size "
                            + "AND p.allocated_capacity_gb + (v.extend_size - v.size) <= ?",
                    volumeId, ts, pool, pool, limitGb) > 0;
        }
        return tx.call(() -> {
            List<Long> growth = jdbc.queryForList("SELECT extend_size - size FROM volumes WHERE id = ? AND host = ? "
                    + "AND status = 'extending' AND extend_claimed = FALSE AND deleted = FALSE AND extend_size > size "
                    + "FOR UPDATE", Long.class, volumeId, pool);
            if (growth.isEmpty() || jdbc.update("UPDATE pools SET allocated_capacity_gb = allocated_capacity_gb + ? "
                    + "WHERE name = ? AND allocated_capacity_gb + ? <= ?", growth.get(0), pool, growth.get(0), limitGb) == 0) {
                return false;
            }
            jdbc.update("UPDATE volumes SET extend_claimed = TRUE, updated_at = ? WHERE id = ?", ts, volumeId);
            return true;
        });
    }

    /** Gives back a claimed growth that will not happen (the extend failed). */
    public void releaseGrowth(String pool, long growthGb) {
        jdbc.update("UPDATE pools SET allocated_capacity_gb = allocated_capacity_gb - ? WHERE name = ?", growthGb, pool);
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
