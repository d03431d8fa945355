package dev.ember.common.telemetry;

import dev.ember.common.pool.PoolCapabilities;
import dev.ember.common.pool.PoolRepository;
import dev.ember.common.pool.PoolRow;
import dev.ember.common.volume.VolumeStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Gauges of the stored state, refreshed from the database every {@code interval} (one GROUP BY and one pool
 * read, never per volume): {@code ember_volumes{status}} counts live volumes per status (every Cinder status,
 * 0 when none); {@code ember_volume_oldest_transitional_seconds{status}} is how long the longest-waiting volume
 * of each transitional status has been in it (0 when none), to alert on "stuck"; {@code ember_pool_*_gb{pool}}
 * are each pool's reported total and free and the allocated capacity. Labels are statuses and pools only.
 */
public final class StateGauges implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StateGauges.class);
    /** Statuses a volume passes through while work is under way; one staying long in them is stuck. */
    public static final Set<String> TRANSITIONAL = Set.of(VolumeStatus.CREATING, VolumeStatus.DELETING,
            VolumeStatus.EXTENDING, VolumeStatus.ATTACHING, VolumeStatus.DETACHING, VolumeStatus.RETYPING,
            VolumeStatus.REVERTING, VolumeStatus.DOWNLOADING, "uploading", "backing-up", "restoring-backup", "managing");

    private final JdbcTemplate jdbc;
    private final PoolRepository pools;
    private final MeterRegistry meters;
    private final Map<String, Double> counts = new ConcurrentHashMap<>();
    private final Map<String, Double> oldest = new ConcurrentHashMap<>();
    private final Map<String, double[]> capacity = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "state-gauges");
        t.setDaemon(true);
        return t;
    });

    public StateGauges(JdbcTemplate jdbc, PoolRepository pools, MeterRegistry meters, Duration interval) {
        this.jdbc = jdbc;
        this.pools = pools;
        this.meters = meters;
        for (String status : VolumeStatus.ALL) {
            counts.put(status, 0.0);
            Gauge.builder("ember_volumes", counts, c -> c.getOrDefault(status, 0.0)).tag("status", status)
                    .description("live volumes by status").register(meters);
        }
        for (String status : TRANSITIONAL) {
            oldest.put(status, 0.0);
            Gauge.builder("ember_volume_oldest_transitional", oldest, o -> o.getOrDefault(status, 0.0))
                    .tag("status", status).baseUnit("seconds")
                    .description("time the longest-waiting volume has been in this transitional status").register(meters);
        }
        timer.scheduleWithFixedDelay(this::refresh, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads the state once; a failure keeps the previous values (and is logged). */
    void refresh() {
        try {
            Instant now = Instant.now();
            Map<String, Double> seen = new ConcurrentHashMap<>();
            Map<String, Double> ages = new ConcurrentHashMap<>();
            jdbc.query("SELECT status, COUNT(*), MIN(COALESCE(updated_at, created_at)) FROM volumes WHERE deleted = 0 "
                    + "GROUP BY status", rs -> {
                String status = rs.getString(1);
                seen.put(status, (double) rs.getLong(2));
                Timestamp since = rs.getTimestamp(3);
                if (TRANSITIONAL.contains(status) && since != null) {
                    ages.put(status, Math.max(0, Duration.between(since.toInstant(), now).toMillis() / 1000.0));
                }
            });
            counts.replaceAll((status, old) -> seen.getOrDefault(status, 0.0));
            oldest.replaceAll((status, old) -> ages.getOrDefault(status, 0.0));
            List<PoolRow> rows = pools.all();
            for (PoolRow row : rows) {
                PoolCapabilities caps = row.capabilities() == null ? null : PoolCapabilities.parse(row.capabilities());
                double[] values = {caps == null ? 0 : caps.totalCapacityGb(), caps == null ? 0 : caps.freeCapacityGb(),
                        row.allocatedCapacityGb()};
                if (capacity.put(row.name(), values) == null) {
                    register(row.name());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("could not refresh the state gauges: {}", e.getMessage());
        }
    }

    private void register(String pool) {
        String[] names = {"ember_pool_total_capacity", "ember_pool_free_capacity", "ember_pool_allocated_capacity"};
        for (int i = 0; i < names.length; i++) {
            int index = i;
            Gauge.builder(names[i], capacity, c -> c.containsKey(pool) ? c.get(pool)[index] : Double.NaN)
                    .tag("pool", pool).baseUnit("gigabytes").register(meters);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
