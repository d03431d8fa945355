package dev.ember.common.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The service's configuration, under Cinder's own option names: {@code [DEFAULT]} options are
 * {@code cinder.<option>}, {@code [database]} is {@code cinder.database.*}, and each backend section
 * {@code [<name>]} is {@code cinder.backends.<name>.*}. Options that Cinder does not have live under
 * {@code cinder.ember.*}. Spring's relaxed binding accepts both {@code service_down_time} and
 * {@code service-down-time}.
 *
 * @param host the name of this node ({@code [DEFAULT] host}); volume services register {@code host@backend}
 * @param storageAvailabilityZone the availability zone of this node's services
 * @param defaultAvailabilityZone the zone of new volumes that name none; defaults to the storage zone
 * @param defaultVolumeType the type of new volumes that name none
 * @param serviceDownTime seconds after the last heartbeat at which a service counts as down
 * @param reportInterval seconds between heartbeats
 * @param backendStatsPollingInterval seconds between capacity reports of each backend
 * @param controlExchange the AMQP topic exchange of RPC messages
 * @param transportUrl the broker, as oslo.messaging writes it: {@code rabbit://user:pass@host:port/vhost}
 * @param rpcResponseTimeout seconds an RPC call waits for its reply
 * @param osapiMaxLimit the largest page a list returns
 * @param publicEndpoint the base URL put in links instead of the request's own
 * @param enabledBackends the backend sections this volume service hosts
 * @param statePath where services keep files that must survive a restart
 * @param schedulerDefaultFilters the scheduler's filters, by Cinder's class names
 * @param schedulerDefaultWeighers the scheduler's weighers, by Cinder's class names or ours
 * @param quotaVolumes volumes a project may have, unless its quota or the default quota class says otherwise
 * @param quotaSnapshots snapshots a project may have
 * @param quotaGigabytes gigabytes of volumes and snapshots a project may have
 * @param quotaBackups backups a project may have
 * @param quotaBackupGigabytes gigabytes of backups a project may have
 * @param quotaGroups groups a project may have
 * @param perVolumeSizeLimit the largest volume a project may create, in GB (-1: no limit)
 * @param useDefaultQuotaClass whether the {@code default} quota class's limits override the options above
 * @param noSnapshotGbQuota whether snapshots do not count against the gigabytes quota
 * @param database {@code [database]}
 * @param ember options Cinder does not have
 * @param backends backend sections by name: option name to value
 */
@ConfigurationProperties(prefix = "cinder")
public record CinderProperties(
        String host,
        @DefaultValue("nova") String storageAvailabilityZone,
        String defaultAvailabilityZone,
        @DefaultValue("__DEFAULT__") String defaultVolumeType,
        @DefaultValue("60") int serviceDownTime,
        @DefaultValue("10") int reportInterval,
        @DefaultValue("60") int backendStatsPollingInterval,
        @DefaultValue("openstack") String controlExchange,
        @DefaultValue("rabbit://guest:guest@127.0.0.1:5672/") String transportUrl,
        @DefaultValue("60") int rpcResponseTimeout,
        @DefaultValue("1000") int osapiMaxLimit,
        String publicEndpoint,
        @DefaultValue List<String> enabledBackends,
        @DefaultValue("/var/lib/cinder") String statePath,
        @DefaultValue({"AvailabilityZoneFilter", "CapacityFilter", "CapabilitiesFilter"})
                List<String> schedulerDefaultFilters,
        @DefaultValue("LeastLoadedWeigher") List<String> schedulerDefaultWeighers,
        @DefaultValue("10") int quotaVolumes,
        @DefaultValue("10") int quotaSnapshots,
        @DefaultValue("1000") int quotaGigabytes,
        @DefaultValue("10") int quotaBackups,
        @DefaultValue("1000") int quotaBackupGigabytes,
        @DefaultValue("10") int quotaGroups,
        @DefaultValue("-1") int perVolumeSizeLimit,
        @DefaultValue("true") boolean useDefaultQuotaClass,
        @DefaultValue("false") boolean noSnapshotGbQuota,
        @DefaultValue Database database,
        @DefaultValue Ember ember,
        Map<String, Map<String, String>> backends) {

    /**
     * {@code [database]}.
     *
     * @param connection an SQLAlchemy URL as Cinder takes it ({@code mysql+pymysql://u:p@host/db}) or a JDBC URL
     * @param maxPoolSize connections each process may hold
     */
    public record Database(
            @DefaultValue("mysql+pymysql://cinder:cinder@127.0.0.1:3306/cinder") String connection,
            @DefaultValue("10") int maxPoolSize) {
    }

    /**
     * Ember's own options.
     *
     * @param redriveAfter seconds after which an operation whose message seems lost is sent again
     * @param rescheduleAfter seconds a backend may be down before the re-drive places its unfinished
     *     creates elsewhere; 0 means twice {@code service_down_time}
     * @param rpcConsumers concurrent message consumers per queue
     * @param rpcPrefetch unacknowledged messages a consumer may hold (and so the largest batch it handles)
     * @param persistentMessages whether casts are written to disk by the broker; off by default, since
     *     every cast is backed by a database row that the re-drive sends again if a broker restart loses it
     * @param exportCheckInterval seconds between checks that every attached volume's export still exists on the
     *     storage (re-created if a target daemon lost it)
     * @param healthcheckDisableFile while this file exists, {@code /healthcheck} answers 503 (oslo's {@code disable_by_file_path})
     */
    public record Ember(
            @DefaultValue("30") int redriveAfter,
            @DefaultValue("0") int rescheduleAfter,
            @DefaultValue("4") int rpcConsumers,
            @DefaultValue("16") int rpcPrefetch,
            @DefaultValue("false") boolean persistentMessages,
            @DefaultValue("60") int exportCheckInterval,
            @DefaultValue("/etc/cinder/healthcheck_disable") String healthcheckDisableFile) {
    }

    public CinderProperties {
        if (host == null || host.isBlank()) {
            host = localHostName();
        }
        if (defaultAvailabilityZone == null || defaultAvailabilityZone.isBlank()) {
            defaultAvailabilityZone = storageAvailabilityZone;
        }
        enabledBackends = enabledBackends == null ? List.of() : List.copyOf(enabledBackends);
        Map<String, Map<String, String>> sections = new TreeMap<>();
        if (backends != null) {
            backends.forEach((name, options) -> sections.put(name, normalise(options)));
        }
        backends = Map.copyOf(sections);
        if (reportInterval < 1) {
            throw new IllegalArgumentException("report_interval must be at least 1 second");
        }
        // As Cinder's basic_config_check: a down time not above the heartbeat interval would flap.
        if (serviceDownTime <= reportInterval) {
            serviceDownTime = (int) Math.ceil(2.5 * reportInterval);
        }
    }

    /** The options of backend section {@code name}, keys lower case with underscores. */
    public Map<String, String> backend(String name) {
        return backends.getOrDefault(name, Map.of());
    }

    private static Map<String, String> normalise(Map<String, String> options) {
        Map<String, String> out = new TreeMap<>();
        if (options != null) {
            options.forEach((key, value) -> out.put(key.toLowerCase(Locale.ROOT).replace('-', '_'), value));
        }
        return Map.copyOf(out);
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
