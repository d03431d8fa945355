package dev.ember.deploy;

import dev.ember.api.ApiRole;
import dev.ember.common.config.CommonConfiguration;
import dev.ember.common.config.RoleLauncher;
import dev.ember.scheduler.SchedulerRole;
import dev.ember.volume.manager.VolumeRole;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * cinder-all-in-one: the api, scheduler and volume roles in one JVM, on the same code paths as the
 * real deployment, with an embedded AMQP broker (Qpid), an embedded database (H2 in MySQL mode) and
 * the {@code file} backend, all under one data folder ({@code --cinder.state-path}, default
 * {@code ~/.ember}) whose state survives restarts. Nothing to install.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({CommonConfiguration.class, ApiRole.class, SchedulerRole.class, VolumeRole.class})
public class AllInOne {

    private static final Logger LOG = LoggerFactory.getLogger(AllInOne.class);

    public static void main(String[] args) throws Exception {
        ConfigurableApplicationContext context = start(args);
        Runtime.getRuntime().addShutdownHook(new Thread(context::close, "all-in-one-shutdown"));
    }

    static ConfigurableApplicationContext start(String[] args) throws Exception {
        Path state = Path.of(argument(args, "cinder.state-path",
                System.getProperty("user.home") + "/.ember")).toAbsolutePath();
        int amqpPort = Integer.parseInt(argument(args, "ember.all-in-one.amqp-port", "0"));
        EmbeddedBroker broker = EmbeddedBroker.start(amqpPort, state.resolve("broker"));
        LOG.info("embedded AMQP broker on 127.0.0.1:{}", broker.port());
        Map<String, Object> defaults = new HashMap<>();
        defaults.put("cinder.state-path", state.toString());
        defaults.put("cinder.transport-url", "amqp://guest:guest@127.0.0.1:" + broker.port() + "/default");
        defaults.put("cinder.database.connection", "jdbc:h2:file:" + state.resolve("db/cinder")
                + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;CASE_INSENSITIVE_IDENTIFIERS=TRUE;NON_KEYWORDS=KEY,VALUE");
        defaults.put("cinder.enabled-backends", "file");
        defaults.put("cinder.backends.file.volume_driver", "file");
        defaults.put("cinder.backends.file.volume_backend_name", "file");
        defaults.put("cinder.host", "localhost");
        ConfigurableApplicationContext context =
                RoleLauncher.run(new Class<?>[] {AllInOne.class}, true, defaults, args);
        context.addApplicationListener(event -> {
            if (event instanceof org.springframework.context.event.ContextClosedEvent) {
                broker.close();
            }
        });
        return context;
    }

    /** The value of {@code --name=value} among the arguments, or the fallback. */
    private static String argument(String[] args, String name, String fallback) {
        for (String arg : args) {
            if (arg.startsWith("--" + name + "=")) {
                return arg.substring(name.length() + 3);
            }
        }
        return fallback;
    }
}
