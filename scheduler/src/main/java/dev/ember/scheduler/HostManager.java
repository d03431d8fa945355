package dev.ember.scheduler;

import dev.ember.common.pool.PoolCapabilities;
import dev.ember.common.pool.PoolRepository;
import dev.ember.common.pool.PoolRow;
import dev.ember.common.service.ServiceRecord;
import dev.ember.common.service.ServiceRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
    private final ServiceRepository services;
    private final Duration serviceDownTime;
    /** Parsed database documents, re-parsed only when a pool's row changes. */
    private final Map<String, Parsed> fromDatabase = new ConcurrentHashMap<>();
    /** Documents from fanout reports, which may be newer than the database's. */
    private final Map<String, PoolCapabilities> fromFanout = new ConcurrentHashMap<>();

    private record Parsed(String raw, PoolCapabilities capabilities) {
    }

    public HostManager(PoolRepository pools, ServiceRepository services, Duration serviceDownTime) {
        this.pools = pools;
        this.services = services;
        this.serviceDownTime = serviceDownTime;
    }

    /**
     * Every pool of every registered volume service, active or not.
     *
     * <p>A backend counts as up when its heartbeat is at most {@code service_down_time} older than the
     * newest heartbeat of any service (this scheduler's own included), not older than "now": after a
     * database outage every heartbeat is equally stale for a moment, and a backend that was merely
     * unable to write its heartbeat must not look dead while one that really stopped still does.
     */
    public List<BackendState> backends(Instant now) {
        List<ServiceRecord> all = services.list(null, null);
        Instant newest = null;
        for (ServiceRecord service : all) {
            Instant beat = service.updatedAt() != null ? service.updatedAt() : service.createdAt();
            if (newest == null || beat.isAfter(newest)) {
                newest = beat;
            }
        }
        Instant reference = newest == null || newest.isAfter(now) ? now : newest;
        Map<String, ServiceRecord> byHost = new HashMap<>();
        for (ServiceRecord service : all) {
            if (ServiceRepository.VOLUME.equals(service.binary())) {
                byHost.put(service.host(), service);
            }
        }
        List<BackendState> states = new ArrayList<>();
        for (PoolRow row : pools.all()) {
            ServiceRecord service = byHost.get(row.backend());
            if (service == null) {
                continue;
            }
            boolean active = service.isUp(reference, serviceDownTime) && !service.disabled() && !service.frozen();
            states.add(new BackendState(row.name(), row.backend(), service.availabilityZone(), active,
                    row.allocatedCapacityGb(), row.volumeCount(), capabilitiesOf(row)));
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
    private PoolCapabilities capabilitiesOf(PoolRow row) {
        String raw = row.capabilities() == null ? "" : row.capabilities();
        PoolCapabilities stored = fromDatabase.compute(row.name(), (name, old) ->
                old != null && old.raw().equals(raw) ? old : new Parsed(raw, PoolCapabilities.parse(raw))).capabilities();
        PoolCapabilities reported = fromFanout.get(row.name());
        return reported != null && timestamp(reported).compareTo(timestamp(stored)) > 0 ? reported : stored;
    }

    private static String timestamp(PoolCapabilities capabilities) {
        JsonNode ts = capabilities.get("timestamp");
        return ts == null || ts.isNull() ? "" : ts.asString();
    }
}
