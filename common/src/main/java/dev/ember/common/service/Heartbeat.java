package dev.ember.common.service;

import dev.ember.common.db.Timestamps;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one {@code services} row alive: registers it at start and bumps {@code updated_at} every
 * {@code report_interval} seconds. A service that reports itself unhealthy skips its heartbeat on
 * purpose, so that it shows as down and the scheduler stops using it (Cinder's {@code report_state}).
 * Survives database outages: failed beats are logged and the next one tries again.
 */
public final class Heartbeat implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

    private final ServiceRepository services;
    private final String host;
    private final String binary;
    private final String topic;
    private final String availabilityZone;
    private final BooleanSupplier healthy;
    private final ScheduledExecutorService timer;
    private volatile ServiceRecord record;

    public Heartbeat(ServiceRepository services, String host, String binary, String topic, String availabilityZone,
            BooleanSupplier healthy) {
        this.services = services;
        this.host = host;
        this.binary = binary;
        this.topic = topic;
        this.availabilityZone = availabilityZone;
        this.healthy = healthy;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heartbeat-" + host);
            t.setDaemon(true);
            return t;
        });
    }

    /** Registers now (retrying in the background if the database is down) and beats every {@code intervalSeconds}. */
    public Heartbeat start(int intervalSeconds) {
        timer.scheduleWithFixedDelay(this::beat, 0, intervalSeconds, TimeUnit.SECONDS);
        return this;
    }

    /** The registered row, or null until registration succeeded. */
    public ServiceRecord record() {
        return record;
    }

    private void beat() {
        try {
            if (!healthy.getAsBoolean()) {
                LOG.debug("{} {} is unhealthy: skipping its heartbeat", binary, host);
                return;
            }
            ServiceRecord current = record;
            if (current == null || !services.heartbeat(current.id(), Timestamps.now())) {
                record = services.register(host, binary, topic, availabilityZone, Timestamps.now());
                LOG.info("registered {} {} (service id {})", binary, host, record.id());
            }
        } catch (RuntimeException e) {
            LOG.warn("heartbeat of {} {} failed: {}", binary, host, e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
