package dev.ember.volume.manager;

import dev.ember.common.attachment.AttachmentRepository;
import dev.ember.common.snapshot.SnapshotRepository;
import dev.ember.common.config.CinderProperties;
import dev.ember.common.db.Tx;
import dev.ember.common.quota.Quotas;
import dev.ember.common.message.MessageRepository;
import dev.ember.common.pool.PoolRepository;
import dev.ember.common.rpc.RpcServer;
import dev.ember.common.rpc.SchedulerRpc;
import dev.ember.common.rpc.Topology;
import dev.ember.common.service.ServiceRepository;
import dev.ember.common.type.VolumeTypeCache;
import dev.ember.common.volume.VolumeRepository;
import dev.ember.volume.spi.DriverConfig;
import dev.ember.volume.spi.DriverException;
import dev.ember.volume.spi.VolumeDriver;
import dev.ember.volume.spi.VolumeDriverFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The cinder-volume role: one {@link BackendHost} per section in {@code enabled_backends}. */
@Configuration(proxyBeanMethods = false)
public class VolumeRole {

    @Bean
    public VolumeService volumeService(CinderProperties properties, VolumeRepository volumes,
            AttachmentRepository attachments, SnapshotRepository snapshots, VolumeTypeCache types,
            PoolRepository pools, ServiceRepository services, MessageRepository messages, Tx tx,
            Quotas quotas, dev.ember.common.volume.Retypes retypes, dev.ember.common.qos.QosRepository qosSpecs,
            SchedulerRpc schedulerRpc, RpcServer rpcServer, Topology topology, MeterRegistry meters,
            dev.ember.common.group.GroupRepository groups, dev.ember.common.notify.VolumeNotifications notifications,
            dev.ember.common.volume.AbandonedStorage abandoned) {
        if (properties.enabledBackends().isEmpty()) {
            throw new IllegalArgumentException("cinder-volume needs at least one backend in enabled_backends");
        }
        DriverLoader loader = new DriverLoader();
        List<BackendHost> hosts = new ArrayList<>();
        for (String name : properties.enabledBackends()) {
            var section = properties.backend(name);
            VolumeDriverFactory factory = loader.factory(name, section.get("volume_driver"));
            Path stateDir = Path.of(properties.statePath(), name);
            DriverConfig config = DriverLoader.config(factory, name, properties.host() + "@" + name, section, stateDir);
            VolumeDriver driver;
            try {
                driver = factory.create(config);
            } catch (DriverException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            hosts.add(new BackendHost(name, config, driver, properties, volumes, attachments, snapshots, types, pools, services,
                    messages, tx, quotas, retypes, qosSpecs, schedulerRpc, rpcServer, topology, meters, groups,
                    notifications, abandoned));
        }
        return new VolumeService(hosts);
    }

    /** Starts every backend once the application is up, and stops them first on shutdown. */
    public static final class VolumeService implements SmartLifecycle {
        private final List<BackendHost> hosts;
        private volatile boolean running;

        VolumeService(List<BackendHost> hosts) {
            this.hosts = List.copyOf(hosts);
        }

        public List<BackendHost> hosts() {
            return hosts;
        }

        @Override
        public void start() {
            hosts.forEach(BackendHost::start);
            running = true;
        }

        @Override
        public void stop() {
            hosts.forEach(BackendHost::close);
            running = false;
        }

        @Override
        public boolean isRunning() {
            return running;
        }
    }
}
