package dev.ember.common.config;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ember.common.db.IdempotencyKeys;
import dev.ember.common.db.Tx;
import dev.ember.common.message.MessageRepository;
import dev.ember.common.pool.PoolRepository;
import dev.ember.common.quota.QuotaRepository;
import dev.ember.common.quota.Quotas;
import dev.ember.common.rpc.Bus;
import dev.ember.common.rpc.RpcServer;
import dev.ember.common.rpc.SchedulerRpc;
import dev.ember.common.rpc.Topology;
import dev.ember.common.rpc.VolumeRpc;
import dev.ember.common.service.ServiceRepository;
import dev.ember.common.type.VolumeTypeCache;
import dev.ember.common.type.VolumeTypeRepository;
import dev.ember.common.volume.AbandonedStorage;
import dev.ember.common.volume.VolumeRepository;
import dev.ember.common.attachment.AttachmentRepository;
import dev.ember.common.snapshot.SnapshotRepository;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * What every process has: the database (pool, migrations, repositories) and the bus (connection,
 * topology, RPC client and server), all built from Cinder-named options in {@link CinderProperties}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({CinderProperties.class, dev.ember.common.notify.NotificationProperties.class})
public class CommonConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(CommonConfiguration.class);

    /**
     * The connection pool. Connections are validated before use and recycled, so the pool heals by
     * itself after the database restarts; a process may start before the database is up.
     */
    @Bean(destroyMethod = "close")
    public HikariDataSource dataSource(CinderProperties properties) {
        DatabaseUrl url = DatabaseUrl.parse(properties.database().connection());
        HikariConfig config = new HikariConfig();
        config.setPoolName("ember-db");
        config.setJdbcUrl(url.jdbcUrl());
        if (url.username() != null) {
            config.setUsername(url.username());
            config.setPassword(url.password());
        }
        config.setMaximumPoolSize(properties.database().maxPoolSize());
        config.setMinimumIdle(Math.min(2, properties.database().maxPoolSize()));
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(2_000);
        config.setMaxLifetime(1_800_000);
        config.setKeepaliveTime(60_000);
        config.setInitializationFailTimeout(-1);
        config.setTransactionIsolation(url.isH2() ? null : "TRANSACTION_READ_COMMITTED");
        LOG.info("database {}", DatabaseUrl.redact(url.jdbcUrl()));
        return new HikariDataSource(config);
    }

    @Bean
    public Tx tx(PlatformTransactionManager transactionManager, MeterRegistry meters) {
        return new Tx(transactionManager, meters);
    }

    @Bean
    public VolumeRepository volumeRepository(JdbcTemplate jdbc) {
        return new VolumeRepository(jdbc);
    }

    @Bean
    public AbandonedStorage abandonedStorage(JdbcTemplate jdbc) {
        return new AbandonedStorage(jdbc);
    }

    @Bean
    public IdempotencyKeys idempotencyKeys(JdbcTemplate jdbc) {
        return new IdempotencyKeys(jdbc);
    }

    @Bean
    public SnapshotRepository snapshotRepository(JdbcTemplate jdbc) {
        return new SnapshotRepository(jdbc);
    }

    @Bean
    public AttachmentRepository attachmentRepository(JdbcTemplate jdbc, VolumeRepository volumes) {
        return new AttachmentRepository(jdbc, volumes);
    }

    @Bean
    public VolumeTypeRepository volumeTypeRepository(JdbcTemplate jdbc) {
        return new VolumeTypeRepository(jdbc);
    }

    /** Types as the create path reads them: found types are kept two seconds. */
    @Bean
    public VolumeTypeCache volumeTypeCache(VolumeTypeRepository types) {
        return new VolumeTypeCache(types, java.time.Duration.ofSeconds(2));
    }

    @Bean
    public ServiceRepository serviceRepository(JdbcTemplate jdbc) {
        return new ServiceRepository(jdbc);
    }

    @Bean
    public PoolRepository poolRepository(JdbcTemplate jdbc, Tx tx, CinderProperties properties) {
        return new PoolRepository(jdbc, tx, !DatabaseUrl.parse(properties.database().connection()).isH2());
    }

    @Bean
    public Quotas quotas(JdbcTemplate jdbc, VolumeTypeRepository types, VolumeTypeCache typeCache,
            CinderProperties properties) {
        return new Quotas(new QuotaRepository(jdbc), types, typeCache, properties);
    }

    @Bean
    public dev.ember.common.volume.Retypes retypes(VolumeRepository volumes, Quotas quotas, Tx tx) {
        return new dev.ember.common.volume.Retypes(volumes, quotas, tx);
    }

    @Bean
    public dev.ember.common.qos.QosRepository qosRepository(JdbcTemplate jdbc) {
        return new dev.ember.common.qos.QosRepository(jdbc);
    }

    @Bean
    public dev.ember.common.transfer.TransferRepository transferRepository(JdbcTemplate jdbc) {
        return new dev.ember.common.transfer.TransferRepository(jdbc);
    }

    @Bean
    public dev.ember.common.group.GroupTypeRepository groupTypeRepository(JdbcTemplate jdbc) {
        return new dev.ember.common.group.GroupTypeRepository(jdbc);
    }

    @Bean
    public dev.ember.common.group.GroupRepository groupRepository(JdbcTemplate jdbc) {
        return new dev.ember.common.group.GroupRepository(jdbc);
    }

    @Bean
    public MessageRepository messageRepository(JdbcTemplate jdbc) {
        return new MessageRepository(jdbc);
    }

    /**
     * The broker connection, from {@code transport_url}. Confirms and returns are on so that every
     * publish can be checked; the client reconnects by itself after a broker restart.
     */
    @Bean(destroyMethod = "destroy")
    public CachingConnectionFactory connectionFactory(CinderProperties properties, MeterRegistry meters) {
        return countReconnects(connectionFactory(properties.transportUrl(), properties.host()), meters);
    }

    /**
     * Counts in {@code ember_broker_reconnects_total} each broker connection opened after the first (the client
     * reconnects by itself after a broker restart or a network cut).
     */
    public static CachingConnectionFactory countReconnects(CachingConnectionFactory factory, MeterRegistry meters) {
        io.micrometer.core.instrument.Counter reconnects = meters.counter("ember_broker_reconnects");
        java.util.concurrent.atomic.AtomicBoolean connectedOnce = new java.util.concurrent.atomic.AtomicBoolean();
        factory.addConnectionListener(connection -> {
            if (connectedOnce.getAndSet(true)) {
                reconnects.increment();
            }
        });
        return factory;
    }

    /** A broker connection to {@code transportUrl} named after {@code host}, as every process makes it. */
    public static CachingConnectionFactory connectionFactory(String transportUrl, String host) {
        TransportUrl url = TransportUrl.parse(transportUrl);
        CachingConnectionFactory factory = new CachingConnectionFactory();
        factory.setAddresses(String.join(",", url.addresses()));
        factory.setUsername(url.username());
        factory.setPassword(url.password());
        factory.setVirtualHost(url.virtualHost());
        factory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        factory.setPublisherReturns(true);
        factory.setConnectionTimeout(3_000);
        factory.setRequestedHeartBeat(10);
        factory.setChannelCacheSize(64);
        factory.setConnectionNameStrategy(f -> "ember:" + host);
        return factory;
    }

    @Bean
    public Topology topology(CachingConnectionFactory connectionFactory, CinderProperties properties) {
        return new Topology(connectionFactory, properties.controlExchange());
    }

    @Bean(destroyMethod = "close")
    public Bus bus(CachingConnectionFactory connectionFactory, Topology topology, CinderProperties properties,
            MeterRegistry meters) {
        return new Bus(connectionFactory, topology, properties.ember().persistentMessages(), meters);
    }

    @Bean(destroyMethod = "close")
    public RpcServer rpcServer(CachingConnectionFactory connectionFactory, Bus bus, CinderProperties properties,
            MeterRegistry meters) {
        return new RpcServer(connectionFactory, bus, properties.ember().rpcConsumers(), properties.ember().rpcPrefetch(),
                meters);
    }

    /**
     * The notifier: on the RPC connection, or its own when {@code [oslo_messaging_notifications]
     * transport_url} names another broker. Disabled (sends nothing) unless a driver is configured.
     */
    @Bean(destroyMethod = "close")
    public dev.ember.common.notify.Notifier notifier(dev.ember.common.notify.NotificationProperties notifications,
            CachingConnectionFactory connectionFactory, CinderProperties properties, MeterRegistry meters,
            org.springframework.core.env.Environment environment) {
        int queueSize = environment.getProperty("cinder.ember.notification-queue-size", Integer.class, 10_000);
        if (notifications.transportUrl().isEmpty()) {
            return new dev.ember.common.notify.Notifier(notifications, connectionFactory, false,
                    properties.controlExchange(), queueSize, meters);
        }
        return new dev.ember.common.notify.Notifier(notifications,
                countReconnects(connectionFactory(notifications.transportUrl(), properties.host()), meters), true, properties.controlExchange(), queueSize, meters);
    }

    /**
     * The management port ({@code /metrics}, {@code /healthcheck}) when {@code cinder.ember.telemetry-port} is
     * set (0 picks a free port); {@code cinder.ember.telemetry-listen} is its address (default {@code 0.0.0.0}).
     */
    @Bean(destroyMethod = "close")
    public dev.ember.common.telemetry.TelemetryServer telemetryServer(
            org.springframework.core.env.Environment environment,
            org.springframework.beans.factory.ObjectProvider<io.micrometer.prometheusmetrics.PrometheusMeterRegistry> prometheus,
            CachingConnectionFactory connectionFactory, JdbcTemplate jdbc, MeterRegistry meters) throws java.io.IOException {
        String version = CommonConfiguration.class.getPackage().getImplementationVersion();
        io.micrometer.core.instrument.Gauge.builder("ember_build", () -> 1)
                .tag("version", version == null ? "dev" : version)
                .tag("java", System.getProperty("java.version"))
                .description("Ember's build; always 1").register(meters);
        int port = environment.getProperty("cinder.ember.telemetry-port", Integer.class, -1);
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry = prometheus.getIfAvailable();
        if (port >= 0 && registry == null) {
            throw new IllegalStateException("cinder.ember.telemetry-port is set but no Prometheus meter registry is configured");
        }
        return new dev.ember.common.telemetry.TelemetryServer(
                environment.getProperty("cinder.ember.telemetry-listen", "0.0.0.0"), port, registry, connectionFactory, jdbc);
    }

    @Bean
    public dev.ember.common.notify.VolumeNotifications volumeNotifications(dev.ember.common.notify.Notifier notifier,
            CinderProperties properties) {
        return new dev.ember.common.notify.VolumeNotifications(notifier, properties.host());
    }

    @Bean
    public SchedulerRpc schedulerRpc(Bus bus) {
        return new SchedulerRpc(bus);
    }

    @Bean
    public VolumeRpc volumeRpc(Bus bus, CinderProperties properties) {
        return new VolumeRpc(bus, java.time.Duration.ofSeconds(properties.rpcResponseTimeout()));
    }

    /** Checks once at start that the database speaks utf8mb4, so names in CJK and emoji round-trip. */
    @Bean
    public DatabaseCharsetCheck databaseCharsetCheck(DataSource dataSource) {
        return new DatabaseCharsetCheck(dataSource);
    }

    /** Warns when the database's default character set cannot hold every Unicode character. */
    public static final class DatabaseCharsetCheck {
        DatabaseCharsetCheck(DataSource dataSource) {
            try (Connection c = dataSource.getConnection()) {
                String product = c.getMetaData().getDatabaseProductName();
                if (product.toLowerCase().contains("mysql") || product.toLowerCase().contains("mariadb")) {
                    try (var rs = c.createStatement().executeQuery("SELECT @@character_set_database")) {
                        if (rs.next() && !"utf8mb4".equalsIgnoreCase(rs.getString(1))) {
                            LOG.warn("the database's default character set is {}; Ember's tables set utf8mb4 themselves",
                                    rs.getString(1));
                        }
                    }
                }
            } catch (Exception e) {
                LOG.warn("could not check the database character set: {}", e.getMessage());
            }
        }
    }
}
