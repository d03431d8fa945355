package dev.ember.common.config;

import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Starts a role's Spring application with the defaults every Ember process shares. Each default is the
 * lowest-precedence value, so any argument ({@code --server.port=18776}) or configuration overrides it.
 * {@code --config-file}/{@code --config-dir} arguments are read as {@code cinder.conf} files
 * ({@link CinderConf}): their options rank below {@code --name=value} arguments, system properties and
 * environment variables, and above Spring configuration files and the defaults.
 */
public final class RoleLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(RoleLauncher.class);

    private RoleLauncher() {
    }

    /**
     * @param web whether the process serves HTTP (the API, the all-in-one)
     */
    /**
     * The directories of the configuration files read, comma-separated: where relative file options (such as
     * {@code [oslo_policy] policy_file}) are looked for first, as oslo.config does.
     */
    public static final String CONFIG_DIRS = "cinder.ember.config-dirs";

    public static ConfigurableApplicationContext run(Class<?>[] sources, boolean web, Map<String, Object> roleDefaults,
            String[] args) {
        SpringApplication app = new SpringApplication(sources);
        Map<String, Object> defaults = new HashMap<>();
        defaults.put("spring.main.banner-mode", "off");
        defaults.put("spring.main.web-application-type", web ? "servlet" : "none");
        defaults.put("spring.jmx.enabled", "false");
        defaults.put("spring.flyway.connect-retries", "120");
        defaults.put("spring.flyway.connect-retries-interval", "2");
        defaults.put("spring.autoconfigure.exclude", String.join(",",
                "org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration",
                "org.springframework.boot.amqp.autoconfigure.health.RabbitHealthContributorAutoConfiguration",
                "org.springframework.boot.amqp.autoconfigure.metrics.RabbitMetricsAutoConfiguration"));
        defaults.put("server.error.whitelabel.enabled", "false");
        defaults.put("spring.web.resources.add-mappings", "false");
        defaults.put("server.port", "${cinder.osapi-volume-listen-port:8776}");
        defaults.put("server.address", "${cinder.osapi-volume-listen:0.0.0.0}");
        defaults.put("server.tomcat.threads.max", "64");
        defaults.put("server.shutdown", "immediate");
        defaults.putAll(roleDefaults);
        app.setDefaultProperties(defaults);
        CinderConf conf = CinderConf.fromArgs(args);
        if (!conf.files().isEmpty()) {
            StandardEnvironment environment = new StandardEnvironment();
            Map<String, Object> properties = new java.util.HashMap<>(conf.properties());
            properties.put(CONFIG_DIRS, String.join(",", conf.files().stream()
                    .map(f -> f.toAbsolutePath().getParent().toString()).distinct().toList()));
            environment.getPropertySources().addLast(new MapPropertySource("cinderConf", properties));
            app.setEnvironment(environment);
            app.addInitializers(context -> {
                LOG.info("configuration files {}", conf.files());
                conf.warnings().forEach(LOG::warn);
            });
        }
        return app.run(conf.remaining());
    }
}
