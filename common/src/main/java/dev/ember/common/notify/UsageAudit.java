package dev.ember.common.notify;

import dev.ember.common.context.RequestContext;
import dev.ember.common.volume.Volume;
import dev.ember.common.volume.VolumeRepository;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Cinder's usage audit ({@code cinder-volume-usage-audit}): one {@code volume.exists} per volume that existed
 * during an audit period, payload the volume usage plus {@code audit_period_beginning}/{@code _ending}.
 * {@link #audit} may be called by a command; {@link #schedule} runs it every period over the period just ended.
 * Live volumes only: those deleted during the period are not reported (a known gap against Cinder).
 */
public final class UsageAudit implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UsageAudit.class);
    private static final int PAGE = 500;

    private final JdbcTemplate jdbc;
    private final VolumeRepository volumes;
    private final VolumeNotifications notifications;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "usage-audit");
        t.setDaemon(true);
        return t;
    });

    public UsageAudit(JdbcTemplate jdbc, VolumeRepository volumes, VolumeNotifications notifications) {
        this.jdbc = jdbc;
        this.volumes = volumes;
        this.notifications = notifications;
    }

    /** Sends {@code volume.exists} for each live volume created before {@code end}; returns how many. */
    public int audit(Instant begin, Instant end) {
        RequestContext context = RequestContext.internal();
        Map<String, Object> period = Map.of("audit_period_beginning", VolumeNotifications.str(begin),
                "audit_period_ending", VolumeNotifications.str(end));
        int sent = 0;
        String after = "";
        while (true) {
            List<String> ids = jdbc.queryForList("SELECT id FROM volumes WHERE deleted = 0 AND created_at < ? AND id > ? "
                    + "ORDER BY id LIMIT " + PAGE, String.class, Timestamp.from(end), after);
            if (ids.isEmpty()) {
                break;
            }
            Map<String, Volume> page = volumes.findManyWithoutMetadata(ids);
            for (String id : ids) {
                Volume volume = page.get(id);
                if (volume != null) {
                    notifications.volume(context, volume, "exists", period);
                    sent++;
                }
            }
            after = ids.get(ids.size() - 1);
        }
        LOG.info("usage audit {} .. {}: {} volume.exists sent", begin, end, sent);
        return sent;
    }

    /** Audits every {@code period}, each time over the period just ended. */
    public void schedule(Duration period) {
        timer.scheduleAtFixedRate(() -> {
            try {
                Instant end = Instant.now();
                audit(end.minus(period), end);
            } catch (RuntimeException e) {
                LOG.warn("usage audit failed: {}", e.getMessage());
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
