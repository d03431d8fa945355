package dev.ember.api;

import dev.ember.api.attachment.AttachmentApi;
import dev.ember.api.attachment.LegacyAttachApi;
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
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The cinder-api role: the Block Storage API v3 over HTTP. Stateless; run as many as you like. */
@Configuration(proxyBeanMethods = false)
@ComponentScan(basePackages = "dev.ember.api",
        includeFilters = @ComponentScan.Filter(org.springframework.web.bind.annotation.RestController.class),
        excludeFilters = @ComponentScan.Filter(Configuration.class))
@Import(dev.ember.api.http.ContainerFaults.class)
public class ApiRole {

    @Bean
    public FilterRegistrationBean<ApiFilter> apiFilter(CinderProperties properties) {
        FilterRegistrationBean<ApiFilter> registration =
                new FilterRegistrationBean<>(new ApiFilter(new NoAuth(), properties.publicEndpoint()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.addUrlPatterns("/*");
        return registration;
    }

    @Bean
    public VolumeApi volumeApi(VolumeRepository volumes, AttachmentRepository attachments, SnapshotRepository snapshots,
            VolumeTypeCache types, ServiceRepository services, SchedulerRpc schedulerRpc, VolumeRpc volumeRpc, Tx tx,
            Quotas quotas, PoolRepository pools, VolumeTypeRepository typeRepository,
            dev.ember.common.qos.QosRepository qosSpecs, CinderProperties properties) {
        return new VolumeApi(volumes, attachments, snapshots, types, services, schedulerRpc, volumeRpc, tx, quotas, pools,
                typeRepository, qosSpecs, properties);
    }

    @Bean
    public SnapshotApi snapshotApi(VolumeApi volumeApi, VolumeRepository volumes, SnapshotRepository snapshots,
            VolumeRpc volumeRpc, Tx tx, Quotas quotas) {
        return new SnapshotApi(volumeApi, volumes, snapshots, volumeRpc, tx, quotas);
    }

    @Bean
    public AttachmentApi attachmentApi(VolumeApi volumeApi, VolumeRepository volumes, AttachmentRepository attachments,
            VolumeRpc volumeRpc, Tx tx) {
        return new AttachmentApi(volumeApi, volumes, attachments, volumeRpc, tx);
    }

    @Bean
    public LegacyAttachApi legacyAttachApi(VolumeApi volumeApi, VolumeRepository volumes,
            AttachmentRepository attachments, VolumeRpc volumeRpc, Tx tx) {
        return new LegacyAttachApi(volumeApi, volumes, attachments, volumeRpc, tx);
    }

    /** Gates routes by their {@link dev.ember.api.http.Since} microversion. */
    @Bean
    public WebMvcConfigurer microversions() {
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(new MicroversionInterceptor());
            }
        };
    }

    @Bean
    public Path healthcheckDisableFile(CinderProperties properties) {
        return Path.of(properties.ember().healthcheckDisableFile());
    }
}
