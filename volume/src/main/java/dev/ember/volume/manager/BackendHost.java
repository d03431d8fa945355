package dev.ember.volume.manager;

import dev.ember.common.attachment.AttachmentRepository;
import dev.ember.common.snapshot.SnapshotRepository;
import dev.ember.common.config.CinderProperties;
import dev.ember.common.context.CurrentContext;
import dev.ember.common.context.RequestContext;
import dev.ember.common.db.Timestamps;
import dev.ember.common.db.Tx;
import dev.ember.common.quota.Quotas;
import dev.ember.common.message.MessageRepository;
import dev.ember.common.pool.PoolRepository;
import dev.ember.common.rpc.BatchRpcHandler;
import dev.ember.common.rpc.Retriable;
import dev.ember.common.rpc.RpcHandler;
import dev.ember.common.rpc.RpcMessage;
import dev.ember.common.rpc.RpcServer;
import dev.ember.common.rpc.SchedulerRpc;
import dev.ember.common.rpc.Topics;
import dev.ember.common.rpc.Topology;
import dev.ember.common.rpc.VolumeObjects;
import dev.ember.common.rpc.VolumeRpc;
import dev.ember.common.service.Heartbeat;
import dev.ember.common.service.ServiceRecord;
import dev.ember.common.service.ServiceRepository;
import dev.ember.common.type.VolumeTypeCache;
import dev.ember.common.volume.Hosts;
import dev.ember.common.volume.VolumeRepository;
import dev.ember.volume.spi.BackendStats;
import dev.ember.volume.spi.DriverConfig;
import dev.ember.volume.spi.DriverException;
import dev.ember.volume.spi.PoolStats;
import dev.ember.volume.spi.VolumeDriver;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One backend ({@code host@backend}) of a volume service, from start to stop:
 * <ol>
 *   <li>starts the driver, retrying in the background while the storage is unreachable;
 *   <li>then finishes what a crash interrupted ({@link VolumeManager#recover()}), re-creates the exports
 *       the storage lost (at start and every {@code export_check_interval}), consumes its queue
 *       {@code cinder-volume.host@backend}, heartbeats its {@code services} row, and reports pool
 *       capacity to the database and (fanout) to the schedulers.
 * </ol>
 * While the driver cannot report, the heartbeat stops, so the backend shows as down and the
 * schedulers stop placing volumes on it.
 */
public final class BackendHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BackendHost.class);

    private final String backend;
    private final DriverConfig config;
    private final VolumeDriver driver;
    private final CinderProperties properties;
    private final String availabilityZone;
    private final PoolRepository pools;
    private final SchedulerRpc schedulerRpc;
    private final RpcServer rpcServer;
    private final Topology topology;
    private final Heartbeat heartbeat;
    private final VolumeManager manager;
    private final AttachmentManager attachmentManager;
    private final SnapshotManager snapshotManager;
    private final GroupManager groupManager;
    private final ScheduledExecutorService timer;
    private volatile boolean driverStarted;
    private volatile boolean healthy;
    private volatile boolean sharedTargets;

    public BackendHost(String backendName, DriverConfig config, VolumeDriver driver, CinderProperties properties,
            VolumeRepository volumes, AttachmentRepository attachments, SnapshotRepository snapshots,
            VolumeTypeCache types, PoolRepository pools,
            ServiceRepository services, MessageRepository messages, Tx tx, Quotas quotas,
            dev.ember.common.volume.Retypes retypes, dev.ember.common.qos.QosRepository qosSpecs, SchedulerRpc schedulerRpc,
            RpcServer rpcServer, Topology topology, MeterRegistry meters, dev.ember.common.group.GroupRepository groups,
            dev.ember.common.notify.VolumeNotifications notifications, dev.ember.common.volume.AbandonedStorage abandoned) {
        this.backend = properties.host() + "@" + backendName;
        this.config = config;
        this.driver = driver;
        this.properties = properties;
        this.availabilityZone = properties.backend(backendName)
                .getOrDefault("backend_availability_zone", properties.storageAvailabilityZone());
        this.pools = pools;
        this.schedulerRpc = schedulerRpc;
        this.rpcServer = rpcServer;
        this.topology = topology;
        this.heartbeat = new Heartbeat(services, backend, ServiceRepository.VOLUME, Topics.VOLUME, availabilityZone,
                () -> healthy);
        VolumeLocks locks = new VolumeLocks();
        this.manager = new VolumeManager(backend, driver, volumes, attachments, snapshots, types, pools, messages, tx,
                meters, Duration.ofSeconds(properties.serviceDownTime()), this::serviceUuid, () -> sharedTargets, locks,
                quotas, retypes, notifications, abandoned);
        this.snapshotManager = new SnapshotManager(backend, driver, volumes, snapshots, messages, tx, locks,
                new DriverTimer(backend, meters), manager, Duration.ofSeconds(properties.serviceDownTime()), quotas,
                notifications);
        this.groupManager = new GroupManager(backend, groups, volumes, snapshots, manager, snapshotManager, quotas, tx);
        this.attachmentManager = new AttachmentManager(backend, driver, volumes, attachments, types, qosSpecs, tx, locks,
                new DriverTimer(backend, meters), manager, notifications);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "backend-" + backend);
            t.setDaemon(true);
            return t;
        });
    }

    public String backend() {
        return backend;
    }

    /** Starts in the background; returns at once. */
    public void start() {
        VolumeRpc.declareBackendQueue(topology, backend);
        timer.execute(this::startDriver);
        heartbeat.start(properties.reportInterval());
    }

    private void startDriver() {
        try {
            driver.start();
            driverStarted = true;
            LOG.info("backend {} started (driver {})", backend, config.backendName());
        } catch (DriverException | RuntimeException e) {
            LOG.warn("backend {} cannot start yet: {}", backend, e.getMessage());
            timer.schedule(this::startDriver, properties.reportInterval(), TimeUnit.SECONDS);
            return;
        }
        reportStats();
        Map<String, BatchRpcHandler> casts = Map.of(
                VolumeRpc.CREATE_VOLUME, messages -> {
                    List<RpcMessage> retry = requeue(messages, manager.createVolumes(requests(messages)));
                    groupManager.volumesCreated(messages.stream().map(m -> VolumeObjects.groupId(m.args().get("volume")))
                            .filter(java.util.Objects::nonNull).distinct().toList());
                    return retry;
                },
                VolumeRpc.DELETE_VOLUME, messages -> requeue(messages, manager.deleteVolumes(requests(messages))),
                VolumeRpc.CREATE_SNAPSHOT, messages -> requeueSnapshots(messages,
                        snapshotManager.createSnapshots(snapshotRequests(messages))),
                VolumeRpc.DELETE_SNAPSHOT, messages -> requeueSnapshots(messages,
                        snapshotManager.deleteSnapshots(snapshotRequests(messages))));
        Map<String, RpcHandler> handlers = new java.util.HashMap<>(Map.of(
                VolumeRpc.EXTEND_VOLUME, message -> {
                    if (manager.extendVolume(VolumeObjects.id(message.args().get("volume")), message.context())) {
                        throw new Retriable.RetryLaterException("the storage is unreachable", null);
                    }
                    return null;
                },
                VolumeRpc.RETYPE, message -> {
                    if (manager.retype(VolumeObjects.id(message.args().get("volume")), message.context())) {
                        throw new Retriable.RetryLaterException("the storage is unreachable", null);
                    }
                    return null;
                },
                VolumeRpc.REVERT_TO_SNAPSHOT, message -> {
                    if (snapshotManager.revert(VolumeObjects.id(message.args().get("volume")),
                            VolumeObjects.id(message.args().get("snapshot")), message.context())) {
                        throw new Retriable.RetryLaterException("the storage is unreachable", null);
                    }
                    return null;
                },
                VolumeRpc.ATTACHMENT_UPDATE, attachmentManager::attachmentUpdate,
                VolumeRpc.ATTACHMENT_DELETE, attachmentManager::attachmentDelete,
                VolumeRpc.INITIALIZE_CONNECTION, attachmentManager::initializeConnection,
                VolumeRpc.TERMINATE_CONNECTION, attachmentManager::terminateConnection,
                VolumeRpc.DETACH_VOLUME, attachmentManager::detachVolume));
        handlers.putAll(groupHandlers());
        // Creates first in each batch: after an outage a consumer's batch can hold a backlog of slow deletes
        // (an RBD image's removal walks its objects), and a new create must not wait for all of them.
        rpcServer.listen(Topics.volumeQueue(backend), handlers, casts, properties.ember().rpcConsumers(),
                Set.of(VolumeRpc.CREATE_VOLUME));
        int interval = Math.max(1, Math.min(properties.backendStatsPollingInterval(), properties.reportInterval()));
        every(interval, "reporting stats", this::reportStats);
        every(interval, "removing abandoned storage", this::removeAbandonedStorage);
        every(Math.max(1, properties.ember().exportCheckInterval()), "the export check",
                () -> CurrentContext.run(RequestContext.internal(), attachmentManager::ensureExports));
        // What a crash left unfinished is resumed beside new work, not before it: one operation the storage
        // holds up (an RBD image whose lock a dead process still owns, for up to the OSDs' watch timeout) must not
        // keep every new request of the backend waiting. Handlers are idempotent and take the volume's lock, so a
        // recovered operation and a redelivered message for the same volume do the work once.
        Thread recovery = new Thread(() -> {
            CurrentContext.run(RequestContext.internal(), manager::recover);
            CurrentContext.run(RequestContext.internal(), snapshotManager::recover);
            CurrentContext.run(RequestContext.internal(), attachmentManager::ensureExports);
        }, "recover-" + backend);
        recovery.setDaemon(true);
        recovery.start();
    }

    /**
     * Runs {@code task} every {@code seconds}. A run that throws (the database away, say) is logged and the
     * next one still comes: a {@code ScheduledExecutorService} never runs a task again once it has thrown, which
     * once left a backend without its export check after a database restart, so a later tgtd restart lost
     * every export for good.
     */
    private void every(int seconds, String what, Runnable task) {
        timer.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("{} on {} failed, will run again in {} s: {}", what, backend, seconds, e.getMessage());
            }
        }, seconds, seconds, TimeUnit.SECONDS);
    }

    /** The generic group casts ({@link GroupManager}). */
    private Map<String, RpcHandler> groupHandlers() {
        return Map.of(
                VolumeRpc.CREATE_GROUP, message -> {
                    groupManager.createGroup(VolumeObjects.id(message.args().get("group")));
                    return null;
                },
                VolumeRpc.DELETE_GROUP, message -> {
                    groupManager.deleteGroup(VolumeObjects.id(message.args().get("group")), message.context());
                    return null;
                },
                VolumeRpc.CREATE_GROUP_SNAPSHOT, message -> {
                    groupManager.createGroupSnapshot(VolumeObjects.id(message.args().get("group_snapshot")),
                            message.context());
                    return null;
                },
                VolumeRpc.DELETE_GROUP_SNAPSHOT, message -> {
                    groupManager.deleteGroupSnapshot(VolumeObjects.id(message.args().get("group_snapshot")),
                            message.context());
                    return null;
                });
    }

    private static List<VolumeManager.Request> requests(List<RpcMessage> messages) {
        return messages.stream()
                .map(m -> new VolumeManager.Request(VolumeObjects.id(m.args().get("volume")), m.context()))
                .filter(r -> r.volumeId() != null)
                .toList();
    }

    private static List<SnapshotManager.Request> snapshotRequests(List<RpcMessage> messages) {
        return messages.stream()
                .map(m -> new SnapshotManager.Request(VolumeObjects.id(m.args().get("snapshot")), m.context()))
                .filter(r -> r.snapshotId() != null)
                .toList();
    }

    private static List<RpcMessage> requeueSnapshots(List<RpcMessage> messages, List<SnapshotManager.Request> retry) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        retry.forEach(r -> ids.add(r.snapshotId()));
        return messages.stream().filter(m -> ids.contains(VolumeObjects.id(m.args().get("snapshot")))).toList();
    }

    /** The messages whose requests are to be retried. */
    private static List<RpcMessage> requeue(List<RpcMessage> messages, List<VolumeManager.Request> retry) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        retry.forEach(r -> ids.add(r.volumeId()));
        return messages.stream().filter(m -> ids.contains(VolumeObjects.id(m.args().get("volume")))).toList();
    }

    /**
     * Asks the driver for capacity and writes one document per pool; a driver that cannot answer makes
     * the backend unhealthy until it can.
     */
    private void reportStats() {
        BackendStats stats;
        try {
            stats = driver.stats();
        } catch (DriverException | RuntimeException e) {
            if (healthy) {
                LOG.warn("backend {} cannot report its stats, marking it down: {}", backend, e.getMessage());
            }
            healthy = false;
            return;
        }
        sharedTargets = stats.sharedTargets();
        String timestamp = Timestamps.format(Timestamps.now());
        Map<String, ObjectNode> documents = new LinkedHashMap<>();
        for (PoolStats pool : stats.pools()) {
            documents.put(Hosts.join(backend, pool.name()),
                    CapabilityDocuments.pool(config.volumeBackendName(), stats, pool, timestamp));
        }
        try {
            Map<String, String> json = new LinkedHashMap<>();
            documents.forEach((name, doc) -> json.put(name, doc.toString()));
            pools.report(backend, json, Timestamps.now());
            if (!healthy) {
                LOG.info("backend {} is reporting", backend);
            }
            healthy = true;
        } catch (RuntimeException e) {
            LOG.warn("backend {} could not write its stats: {}", backend, e.getMessage());
            return;
        }
        try {
            schedulerRpc.updateServiceCapabilities(RequestContext.internal(), backend,
                    CapabilityDocuments.backend(config.volumeBackendName(), stats, documents), timestamp);
        } catch (RuntimeException e) {
            LOG.debug("capability fanout of {} failed: {}", backend, e.getMessage());
        }
    }

    private void removeAbandonedStorage() {
        try {
            CurrentContext.run(RequestContext.internal(), manager::removeAbandonedStorage);
        } catch (RuntimeException e) {
            LOG.debug("removing abandoned storage on {} failed, will try again: {}", backend, e.getMessage());
        }
    }

    private String serviceUuid() {
        ServiceRecord record = heartbeat.record();
        return record == null ? null : record.uuid();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        heartbeat.close();
        driver.close();
    }
}
