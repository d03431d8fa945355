package dev.ember.scheduler;

import dev.ember.common.pool.PoolCapabilities;
import dev.ember.common.pool.PoolRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The scheduler's view of every pool. Read from the database at each placement — claims and
 * heartbeats are shared by all schedulers, so a fresh scheduler knows every backend at once and never
 * waits for reports — with capability documents parsed once per report and refreshed early by the
 * volume services' fanout reports.
 */
public final class HostManager {

    private final PoolRepository pools;
    private final Duration serviceDownTime;
    private final Duration reportInterval;
    /** Parsed database documents by pool, re-read only when the pool reports again. */
    private final Map<String, Parsed> fromDatabase = new ConcurrentHashMap<>();
    /** Documents from fanout reports, which may be newer than the database's. */
    private final Map<String, PoolCapabilities> fromFanout = new ConcurrentHashMap<>();

    private record Parsed(Instant reportedAt, PoolCapabilities capabilities) {
    }

    public HostManager(PoolRepository pools, Duration serviceDownTime, Duration reportInterval) {
        this.pools = pools;
        this.serviceDownTime = serviceDownTime;
        this.reportInterval = reportInterval;
    }

    /**
     * Every pool of every registered volume service, active or not.
     *
     * <p>A backend counts as up when its heartbeat is at most {@code service_down_time} old, measured
     * against now — exactly what {@code os-services} shows — unless no service at all has beaten its
     * heart within a {@code report_interval} (the database was unreachable): then against the newest
     * heartbeat plus one interval, so that after a database outage, when every heartbeat is equally stale
     * for a moment, a backend that merely could not write its heartbeat does not look dead while one
     * that really stopped still does.
     */
    public List<BackendState> backends(Instant now) {
        PoolRepository.PlacementView view = pools.placementView();
        Instant newest = view.newestHeartbeat();
        Instant reference = newest == null || newest.plus(reportInterval).isAfter(now) ? now : newest.plus(reportInterval);
        List<BackendState> states = new ArrayList<>();
        for (PoolRepository.PlacementRow row : view.pools()) {
            Instant lastSign = row.modifiedAt() != null && row.modifiedAt().isAfter(row.heartbeat())
                    ? row.modifiedAt() : row.heartbeat();
            boolean up = Duration.between(lastSign, reference).abs().compareTo(serviceDownTime) <= 0;
            boolean active = up && !row.disabled() && !row.frozen();
            states.add(new BackendState(row.name(), row.backend(), row.availabilityZone(), active,
                    row.allocatedCapacityGb(), row.volumeCount(), capabilitiesOf(row), lastSign));
        }
        return states;
    }

    /** A fanout report ({@code update_service_capabilities}) of one backend. */
    public void update(String backend, JsonNode backendReport) {
        JsonNode poolList = backendReport == null ? null : backendReport.get("pools");
        if (poolList == null || !poolList.isArray() || backend == null) {
            return;
        }
        for (JsonNode pool : poolList) {
            if (pool instanceof ObjectNode doc && doc.get("pool_name") != null) {
                fromFanout.put(backend + "#" + doc.get("pool_name").asString(), new PoolCapabilities(doc));
            }
        }
    }

    /** The fresher of the pool's database document and its last fanout report. */
    private PoolCapabilities capabilitiesOf(PoolRepository.PlacementRow row) {
        PoolCapabilities stored = fromDatabase.compute(row.name(), (name, old) ->
                old != null && java.util.Objects.equals(old.reportedAt(), row.reportedAt()) ? old
                        : new Parsed(row.reportedAt(), PoolCapabilities.parse(pools.capabilities(name)))).capabilities();
        PoolCapabilities reported = fromFanout.get(row.name());
        return reported != null && timestamp(reported).compareTo(timestamp(stored)) > 0 ? reported : stored;
    }

    private static String timestamp(PoolCapabilities capabilities) {
        JsonNode ts = capabilities.get("timestamp");
        return ts == null || ts.isNull() ? "" : ts.asString();
    }
}
