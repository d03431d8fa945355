package dev.ember.scheduler;

import dev.ember.common.config.CinderProperties;
import dev.ember.common.db.Timestamps;
import dev.ember.common.db.Tx;
import dev.ember.common.quota.Quotas;
import dev.ember.common.message.MessageRepository;
import dev.ember.common.pool.PoolRepository;
import dev.ember.common.rpc.Retriable;
import dev.ember.common.rpc.RpcHandler;
import dev.ember.common.rpc.VolumeObjects;
import dev.ember.common.rpc.RpcServer;
import dev.ember.common.rpc.SchedulerRpc;
import dev.ember.common.rpc.Topics;
import dev.ember.common.rpc.Topology;
import dev.ember.common.rpc.VolumeRpc;
import dev.ember.common.service.Heartbeat;
import dev.ember.common.service.ServiceRepository;
import dev.ember.common.type.VolumeTypeCache;
import dev.ember.common.snapshot.SnapshotRepository;
import dev.ember.common.volume.VolumeRepository;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The cinder-scheduler role: consumes {@code cinder-scheduler}, listens to capability reports, re-drives. */
@Configuration(proxyBeanMethods = false)
public class SchedulerRole {

    private static final Logger LOG = LoggerFactory.getLogger(SchedulerRole.class);
    /** Cinder's {@code message_reap_interval} default. */
    private static final Duration MESSAGE_REAP_INTERVAL = Duration.ofDays(1);

    @Bean
    public HostManager hostManager(PoolRepository pools, CinderProperties properties) {
        return new HostManager(pools, Duration.ofSeconds(properties.serviceDownTime()),
                Duration.ofSeconds(properties.reportInterval()));
    }

    @Bean
    public SchedulerManager schedulerManager(HostManager hosts, CinderProperties properties, VolumeRepository volumes,
            SnapshotRepository snapshots, VolumeTypeCache types, PoolRepository pools, MessageRepository messages,
            VolumeRpc volumeRpc, Tx tx, Quotas quotas, dev.ember.common.volume.Retypes retypes,
            dev.ember.common.group.GroupRepository groups) {
        return new SchedulerManager(hosts,
                properties.schedulerDefaultFilters().stream().map(BackendFilter::byName).toList(),
                properties.schedulerDefaultWeighers().stream().map(Weigher::byName).toList(),
                volumes, snapshots, types, pools, messages, volumeRpc, tx, quotas, retypes, groups,
                Duration.ofSeconds(properties.serviceDownTime() + 2L * properties.reportInterval()));
    }

    /**
     * The usage audit ({@code volume.exists}), run every {@code cinder.ember.usage-audit-interval}
     * seconds when that is positive (off by default; Cinder runs it from cron with {@code cinder-volume-usage-audit}).
     */
    @Bean(destroyMethod = "close")
    public dev.ember.common.notify.UsageAudit usageAudit(org.springframework.jdbc.core.JdbcTemplate jdbc,
            VolumeRepository volumes, dev.ember.common.notify.VolumeNotifications notifications,
            org.springframework.core.env.Environment environment) {
        dev.ember.common.notify.UsageAudit audit = new dev.ember.common.notify.UsageAudit(jdbc, volumes, notifications);
        int interval = environment.getProperty("cinder.ember.usage-audit-interval", Integer.class, 0);
        if (interval > 0) {
            audit.schedule(Duration.ofSeconds(interval));
        }
        return audit;
    }

    @Bean
    public GroupScheduler groupScheduler(HostManager hosts, CinderProperties properties, VolumeTypeCache types,
            dev.ember.common.group.GroupRepository groups, VolumeRpc volumeRpc) {
        return new GroupScheduler(hosts,
                properties.schedulerDefaultFilters().stream().map(BackendFilter::byName).toList(),
                properties.schedulerDefaultWeighers().stream().map(Weigher::byName).toList(),
                types, groups, volumeRpc, Duration.ofSeconds(properties.serviceDownTime() + 2L * properties.reportInterval()));
    }

    @Bean
    public SchedulerService schedulerService(SchedulerManager manager, GroupScheduler groupScheduler, HostManager hosts, CinderProperties properties,
            VolumeRepository volumes, SnapshotRepository snapshots, PoolRepository pools, VolumeRpc volumeRpc,
            ServiceRepository services, RpcServer rpcServer, Topology topology, CachingConnectionFactory connectionFactory,
            MeterRegistry meters, MessageRepository messages) {
        SchedulerService service = new SchedulerService(manager, groupScheduler, hosts, properties, volumes, snapshots, pools, volumeRpc,
                services, rpcServer, topology, meters, messages);
        connectionFactory.addConnectionListener(connection -> service.redriver.afterReconnect());
        return service;
    }

    /** Starts consuming, heartbeating and re-driving once the application is up. */
    public static final class SchedulerService implements SmartLifecycle {
        private final SchedulerManager manager;
        private final GroupScheduler groupScheduler;
        private final HostManager hosts;
        private final CinderProperties properties;
        private final RpcServer rpcServer;
        private final Topology topology;
        private final Heartbeat heartbeat;
        private final Redriver redriver;
        private final MessageRepository messages;
        private final ScheduledExecutorService groupRedriver = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "group-redriver");
            t.setDaemon(true);
            return t;
        });
        private final ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "message-reaper");
            t.setDaemon(true);
            return t;
        });
        private volatile boolean running;

        SchedulerService(SchedulerManager manager, GroupScheduler groupScheduler, HostManager hosts,
                CinderProperties properties,
                VolumeRepository volumes, SnapshotRepository snapshots, PoolRepository pools, VolumeRpc volumeRpc,
                ServiceRepository services, RpcServer rpcServer, Topology topology, MeterRegistry meters,
                MessageRepository messages) {
            this.manager = manager;
            this.groupScheduler = groupScheduler;
            this.messages = messages;
            this.hosts = hosts;
            this.properties = properties;
            this.rpcServer = rpcServer;
            this.topology = topology;
            this.heartbeat = new Heartbeat(services, properties.host(), ServiceRepository.SCHEDULER, Topics.SCHEDULER,
                    properties.storageAvailabilityZone(), () -> true);
            this.redriver = new Redriver(volumes, snapshots, pools, hosts, manager, volumeRpc,
                    Duration.ofSeconds(properties.ember().redriveAfter()),
                    Duration.ofSeconds(properties.ember().rescheduleAfter() > 0 ? properties.ember().rescheduleAfter()
                            : 2L * properties.serviceDownTime()), meters);
        }

        @Override
        public void start() {
            heartbeat.start(properties.reportInterval());
            topology.durableTopicQueue(Topics.SCHEDULER);
            RpcHandler capabilities = message -> {
                var host = message.args().get("host");
                hosts.update(host == null ? null : host.asString(), message.args().get("capabilities"));
                return null;
            };
            RpcHandler extend = message -> {
                if (manager.extendVolume(message.context(), VolumeObjects.id(message.args().get("volume")))) {
                    throw new Retriable.RetryLaterException("no backend is up to claim the growth in yet", null);
                }
                return null;
            };
            RpcHandler retype = message -> {
                if (manager.retype(message.context(), VolumeObjects.id(message.args().get("volume")))) {
                    throw new Retriable.RetryLaterException("the volume's backend is down; waiting for it", null);
                }
                return null;
            };
            RpcHandler createGroup = message -> {
                if (groupScheduler.createGroup(message.context(), VolumeObjects.id(message.args().get("group")))) {
                    throw new Retriable.RetryLaterException("no backend is up to place the group on yet", null);
                }
                return null;
            };
            rpcServer.listen(Topics.SCHEDULER, Map.of(SchedulerRpc.UPDATE_SERVICE_CAPABILITIES, capabilities,
                    SchedulerRpc.EXTEND_VOLUME, extend, SchedulerRpc.RETYPE, retype,
                    SchedulerRpc.CREATE_GROUP, createGroup), Map.of(SchedulerRpc.CREATE_VOLUME, manager::createVolumes),
                    properties.ember().rpcConsumers());
            String fanoutQueue = Topics.SCHEDULER_FANOUT + "_" + UUID.randomUUID().toString().replace("-", "");
            topology.privateFanoutQueue(fanoutQueue, Topics.SCHEDULER_FANOUT);
            rpcServer.listen(fanoutQueue, Map.of(SchedulerRpc.UPDATE_SERVICE_CAPABILITIES, capabilities), 1);
            redriver.start();
            long groupPeriod = Math.max(1, properties.ember().redriveAfter() / 3);
            groupRedriver.scheduleWithFixedDelay(this::redriveGroups, groupPeriod, groupPeriod, TimeUnit.SECONDS);
            // Cinder's scheduler reaps expired user messages every message_reap_interval (a day); reads already
            // hide them, so this only keeps the table small.
            reaper.scheduleWithFixedDelay(this::reapExpiredMessages, 60, MESSAGE_REAP_INTERVAL.toSeconds(), TimeUnit.SECONDS);
            running = true;
        }

        private void redriveGroups() {
            try {
                groupScheduler.redrive(Duration.ofSeconds(properties.ember().redriveAfter()));
            } catch (RuntimeException e) {
                LOG.warn("group re-drive pass failed: {}", e.getMessage());
            }
        }

        private void reapExpiredMessages() {
            try {
                int reaped = messages.deleteExpired(Timestamps.now());
                if (reaped > 0) {
                    LOG.info("deleted {} expired user messages", reaped);
                }
            } catch (RuntimeException e) {
                LOG.warn("could not delete expired user messages; will retry", e);
            }
        }

        @Override
        public void stop() {
            reaper.shutdownNow();
            groupRedriver.shutdownNow();
            redriver.close();
            heartbeat.close();
            running = false;
        }

        @Override
        public boolean isRunning() {
            return running;
        }
    }
}
