package dev.ember.api;

import dev.ember.api.attachment.AttachmentApi;
import dev.ember.api.attachment.LegacyAttachApi;
import dev.ember.api.auth.Authenticator;
import dev.ember.api.auth.KeystoneAuth;
import dev.ember.api.auth.KeystoneAuthtoken;
import dev.ember.api.auth.NoAuth;
import dev.ember.api.http.ApiFilter;
import dev.ember.api.http.MicroversionInterceptor;
import dev.ember.api.snapshot.SnapshotApi;
import dev.ember.api.volume.VolumeApi;
import dev.ember.common.attachment.AttachmentRepository;
import dev.ember.common.config.CinderProperties;
import dev.ember.common.db.Tx;
import dev.ember.common.pool.PoolRepository;
import dev.ember.common.quota.Quotas;
import dev.ember.common.rpc.SchedulerRpc;
import dev.ember.common.rpc.VolumeRpc;
import dev.ember.common.service.ServiceRepository;
import dev.ember.common.snapshot.SnapshotRepository;
import dev.ember.common.type.VolumeTypeCache;
import dev.ember.common.type.VolumeTypeRepository;
import dev.ember.common.volume.VolumeRepository;
import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The cinder-api role: the Block Storage API v3 over HTTP. Stateless; run as many as you like. */
@Configuration(proxyBeanMethods = false)
@ComponentScan(basePackages = "dev.ember.api",
        includeFilters = @ComponentScan.Filter(org.springframework.web.bind.annotation.RestController.class),
        excludeFilters = @ComponentScan.Filter(Configuration.class))
@Import(dev.ember.api.http.ContainerFaults.class)
public class ApiRole {

    /**
     * {@code cinder.auth-strategy}: {@code noauth} (the default) or {@code keystone}, configured by
     * {@code cinder.keystone-authtoken.*}.
     */
    @Bean
    public Authenticator authenticator(Environment environment) {
        String strategy = environment.getProperty("cinder.auth-strategy", "noauth");
        return switch (strategy) {
            case "noauth" -> new NoAuth();
            case "keystone" -> new KeystoneAuth(Binder.get(environment)
                    .bindOrCreate("cinder.keystone-authtoken", KeystoneAuthtoken.class));
            default -> throw new IllegalArgumentException("unknown auth_strategy " + strategy + " (noauth or keystone)");
        };
    }

    /**
     * Cinder's rules, overridden by {@code cinder.oslo-policy.policy-file} ({@code [oslo_policy] policy_file},
     * default {@code policy.yaml}): an absolute path, or a name looked for in the configuration files' directories,
     * then {@code /etc/cinder}. {@code cinder.oslo-policy.enforce-new-defaults} (default true).
     */
    @Bean
    public dev.ember.api.policy.PolicyEngine policyEngine(Environment environment) {
        String name = environment.getProperty("cinder.oslo-policy.policy-file", "policy.yaml");
        Path file = Path.of(name);
        if (!file.isAbsolute()) {
            List<Path> candidates = new java.util.ArrayList<>();
            for (String dir : environment.getProperty(dev.ember.common.config.RoleLauncher.CONFIG_DIRS, "").split(",")) {
                if (!dir.isBlank()) {
                    candidates.add(Path.of(dir).resolve(name));
                }
            }
            candidates.add(Path.of("/etc/cinder").resolve(name));
            file = candidates.stream().filter(java.nio.file.Files::exists).findFirst().orElse(candidates.get(0));
        }
        return new dev.ember.api.policy.PolicyEngine(file,
                environment.getProperty("cinder.oslo-policy.enforce-new-defaults", Boolean.class, true));
    }

    @Bean
    public FilterRegistrationBean<ApiFilter> apiFilter(CinderProperties properties, Authenticator authenticator,
            dev.ember.api.policy.PolicyEngine policy) {
        FilterRegistrationBean<ApiFilter> registration =
                new FilterRegistrationBean<>(new ApiFilter(authenticator, policy, properties.publicEndpoint()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.addUrlPatterns("/*");
        return registration;
    }

    @Bean
    public VolumeApi volumeApi(VolumeRepository volumes, AttachmentRepository attachments, SnapshotRepository snapshots,
            VolumeTypeCache types, ServiceRepository services, SchedulerRpc schedulerRpc, VolumeRpc volumeRpc, Tx tx,
            Quotas quotas, PoolRepository pools, VolumeTypeRepository typeRepository,
            dev.ember.common.qos.QosRepository qosSpecs, CinderProperties properties,
            dev.ember.common.group.GroupRepository groups, dev.ember.common.notify.VolumeNotifications notifications,
            dev.ember.common.db.IdempotencyKeys idempotencyKeys) {
        return new VolumeApi(volumes, attachments, snapshots, types, services, schedulerRpc, volumeRpc, tx, quotas, pools,
                typeRepository, qosSpecs, properties, groups, notifications, idempotencyKeys);
    }

    @Bean
    public SnapshotApi snapshotApi(VolumeApi volumeApi, VolumeRepository volumes, SnapshotRepository snapshots,
            VolumeRpc volumeRpc, Tx tx, Quotas quotas) {
        return new SnapshotApi(volumeApi, volumes, snapshots, volumeRpc, tx, quotas);
    }

    @Bean
    public dev.ember.api.transfer.TransferApi transferApi(VolumeApi volumeApi, VolumeRepository volumes,
            SnapshotRepository snapshots, dev.ember.common.transfer.TransferRepository transfers, Quotas quotas, Tx tx) {
        return new dev.ember.api.transfer.TransferApi(volumeApi, volumes, snapshots, transfers, quotas, tx);
    }

    @Bean
    public dev.ember.api.group.GroupApi groupApi(dev.ember.common.group.GroupRepository groups,
            dev.ember.common.group.GroupTypeRepository groupTypes, VolumeApi volumeApi, VolumeRepository volumes,
            SnapshotRepository snapshots, VolumeTypeCache volumeTypes, SchedulerRpc schedulerRpc, VolumeRpc volumeRpc,
            Quotas quotas, Tx tx) {
        return new dev.ember.api.group.GroupApi(groups, groupTypes, volumeApi, volumes, snapshots, volumeTypes,
                schedulerRpc, volumeRpc, quotas, tx);
    }

    /** Cinder's attachment-delete protection: on with Keystone, by {@code service_token_roles}. */
    @Bean
    public dev.ember.api.attachment.AttachmentGuard attachmentGuard(Environment environment) {
        if (!"keystone".equals(environment.getProperty("cinder.auth-strategy", "noauth"))) {
            return dev.ember.api.attachment.AttachmentGuard.OFF;
        }
        return new dev.ember.api.attachment.AttachmentGuard(true, Binder.get(environment)
                .bindOrCreate("cinder.keystone-authtoken", KeystoneAuthtoken.class).serviceTokenRoles());
    }

    @Bean
    public AttachmentApi attachmentApi(VolumeApi volumeApi, VolumeRepository volumes, AttachmentRepository attachments,
            VolumeRpc volumeRpc, Tx tx, dev.ember.api.attachment.AttachmentGuard guard) {
        return new AttachmentApi(volumeApi, volumes, attachments, volumeRpc, tx, guard);
    }

    @Bean
    public LegacyAttachApi legacyAttachApi(VolumeApi volumeApi, VolumeRepository volumes,
            AttachmentRepository attachments, VolumeRpc volumeRpc, Tx tx, dev.ember.api.attachment.AttachmentGuard guard) {
        return new LegacyAttachApi(volumeApi, volumes, attachments, volumeRpc, tx, guard);
    }

    /** Gates routes by their {@link dev.ember.api.http.Since} microversion, then by their policy. */
    @Bean
    public WebMvcConfigurer microversions() {
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(new MicroversionInterceptor());
                registry.addInterceptor(new dev.ember.api.policy.PolicyInterceptor());
            }
        };
    }

    /**
     * The stored-state gauges (volumes by status, age of the oldest transitional volume, pool capacity), on
     * the API's meters: read from the database every {@code cinder.ember.telemetry-state-interval} seconds.
     */
    @Bean(destroyMethod = "close")
    public dev.ember.common.telemetry.StateGauges stateGauges(org.springframework.jdbc.core.JdbcTemplate jdbc,
            dev.ember.common.pool.PoolRepository pools, io.micrometer.core.instrument.MeterRegistry meters,
            org.springframework.core.env.Environment environment) {
        return new dev.ember.common.telemetry.StateGauges(jdbc, pools, meters, java.time.Duration.ofSeconds(
                environment.getProperty("cinder.ember.telemetry-state-interval", Integer.class, 15)));
    }

    /** oslo.middleware's {@code [healthcheck] disable_by_file_path}, else Ember's older option of the same meaning. */
    @Bean
    public Path healthcheckDisableFile(CinderProperties properties, org.springframework.core.env.Environment environment) {
        return Path.of(environment.getProperty("cinder.healthcheck.disable-by-file-path",
                properties.ember().healthcheckDisableFile()));
    }
}
