package dev.ember.deploy;

import dev.ember.common.config.CinderOptions;
import dev.ember.common.config.CinderProperties;
import dev.ember.common.config.CommonConfiguration;
import dev.ember.common.config.RoleLauncher;
import dev.ember.common.context.RequestContext;
import dev.ember.common.db.MonthPartitions;
import dev.ember.common.db.Purge;
import dev.ember.common.db.Timestamps;
import dev.ember.common.db.Tx;
import dev.ember.common.pool.PoolRepository;
import dev.ember.common.quota.Quotas;
import dev.ember.common.rpc.BusUnavailableException;
import dev.ember.common.rpc.VolumeRpc;
import dev.ember.common.service.ServiceRecord;
import dev.ember.common.service.ServiceRepository;
import dev.ember.common.volume.Volume;
import dev.ember.common.volume.VolumeRepository;
import dev.ember.common.volume.VolumeStatus;
import dev.ember.volume.spi.VolumeDriverFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code cinder-manage}: Cinder's operator commands, on the same configuration ({@code --config-file},
 * {@code --config-dir}, {@code --name=value}) and the same code paths as the services.
 * <pre>
 *   cinder-manage [--config-file F]... version
 *   cinder-manage db sync [version] | db version | db purge &lt;age_in_days&gt;
 *   cinder-manage service list | service remove &lt;binary&gt; &lt;host&gt;
 *   cinder-manage volume delete &lt;volume_id&gt; | volume update_host --currenthost H --newhost H
 *   cinder-manage config sample            (Ember's: the commented sample cinder.conf)
 * </pre>
 * Messages and exit codes are Cinder's where Cinder has the command. The database commands start no
 * broker connection; only {@code volume delete} sends a message.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(CommonConfiguration.class)
public class CinderManage {

    private static final String USAGE = """
            usage: cinder-manage [--config-file F] [--config-dir D] [--option=value] category action [<args>]
              version
              db sync [version] | db version | db purge <age_in_days>
              service list | service remove <binary> <host>
              volume delete <volume_id> | volume update_host --currenthost <host> --newhost <host>
              config sample""";

    /** Command-line words: the command itself, its {@code --currenthost}-style options, and the rest. */
    record Command(List<String> words, Map<String, String> options, List<String> springArgs) {
        String word(int i) {
            return i < words.size() ? words.get(i) : null;
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    static int run(String[] args, PrintStream out) {
        Command command = parse(args);
        String category = command.word(0);
        String action = command.word(1);
        if (category == null) {
            out.println("\nOpenStack Cinder version: " + version() + "\n");
            out.println(USAGE);
            return 2;
        }
        if (category.equals("version")) {
            out.println(version());
            return 0;
        }
        if (category.equals("config") && "sample".equals(action)) {
            out.print(sample());
            return 0;
        }
        String known = switch (category + " " + action) {
            case "db sync", "db version", "db purge", "service list", "service remove", "volume delete",
                    "volume update_host" -> "ok";
            default -> null;
        };
        if (known == null) {
            out.println(USAGE);
            return 2;
        }
        try (ConfigurableApplicationContext context = start(command)) {
            return switch (category + " " + action) {
                case "db sync" -> dbSync(context, command.word(2), out);
                case "db version" -> dbVersion(context, out);
                case "db purge" -> dbPurge(context, command.word(2), out);
                case "service list" -> serviceList(context, out);
                case "service remove" -> serviceRemove(context, command.word(2), command.word(3), out);
                case "volume delete" -> volumeDelete(context, command.word(2), out);
                default -> updateHost(context, command.options().get("currenthost"), command.options().get("newhost"), out);
            };
        }
    }

    static Command parse(String[] args) {
        List<String> words = new ArrayList<>();
        Map<String, String> options = new HashMap<>();
        List<String> springArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if ((arg.equals("--config-file") || arg.equals("--config-dir")) && i + 1 < args.length) {
                springArgs.add(arg);
                springArgs.add(args[++i]);
            } else if ((arg.equals("--currenthost") || arg.equals("--newhost")) && i + 1 < args.length) {
                options.put(arg.substring(2), args[++i]);
            } else if (arg.startsWith("--currenthost=") || arg.startsWith("--newhost=")) {
                options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else if (arg.startsWith("--")) {
                springArgs.add(arg);
            } else {
                words.add(arg);
            }
        }
        return new Command(words, options, springArgs);
    }

    /** The common beans without roles: no heartbeat, no consumers, no migrations (db sync runs them). */
    private static ConfigurableApplicationContext start(Command command) {
        Map<String, Object> defaults = new HashMap<>();
        defaults.put("spring.flyway.enabled", "false");
        defaults.put("logging.level.root", "WARN");
        defaults.put("spring.main.log-startup-info", "false");
        return RoleLauncher.run(new Class<?>[] {CinderManage.class}, false, defaults,
                command.springArgs().toArray(String[]::new));
    }

    private static int dbSync(ConfigurableApplicationContext context, String version, PrintStream out) {
        var flyway = Flyway.configure().dataSource(context.getBean(DataSource.class));
        if (version != null) {
            flyway.target(version);
        }
        try {
            flyway.load().migrate();
            // a schema migrated months ago gets the deletion-month partitions it now needs (as purge makes them)
            MonthPartitions partitions = new MonthPartitions(context.getBean(JdbcTemplate.class));
            MonthPartitions.TABLES.forEach(table -> partitions.ensureAhead(table, Timestamps.now()));
            return 0;
        } catch (RuntimeException e) {
            out.println("Error during database migration: " + e.getMessage());
            return 1;
        }
    }

    private static int dbVersion(ConfigurableApplicationContext context, PrintStream out) {
        MigrationInfo current = Flyway.configure().dataSource(context.getBean(DataSource.class)).load().info().current();
        out.println(current == null ? "None" : current.getVersion().getVersion());
        return 0;
    }

    private static int dbPurge(ConfigurableApplicationContext context, String age, PrintStream out) {
        int days;
        try {
            days = Integer.parseInt(age == null ? "" : age);
        } catch (NumberFormatException e) {
            out.println("usage: cinder-manage db purge <age_in_days>");
            return 2;
        }
        if (days <= 0) {
            out.println("Must supply a positive, non-zero value for age");
            return 1;
        }
        if (days >= Instant.now().getEpochSecond() / 86400) {
            out.println("Maximum age is count of days since epoch.");
            return 1;
        }
        Purge purge = new Purge(context.getBean(JdbcTemplate.class), context.getBean(Tx.class));
        purge.olderThan(Timestamps.now().minus(Duration.ofDays(days)))
                .forEach((table, rows) -> out.println("Deleted " + rows + " rows from table=" + table));
        return 0;
    }

    private static int serviceList(ConfigurableApplicationContext context, PrintStream out) {
        CinderProperties properties = context.getBean(CinderProperties.class);
        Map<Integer, String[]> versions = new HashMap<>();
        context.getBean(JdbcTemplate.class).query("SELECT id, rpc_current_version, object_current_version FROM services",
                rs -> {
                    versions.put(rs.getInt(1), new String[] {rs.getString(2), rs.getString(3)});
                });
        String format = "%-16s %-36s %-16s %-10s %-5s %-20s %-12s %-15s %-36s%n";
        out.printf(format, "Binary", "Host", "Zone", "Status", "State", "Updated At", "RPC Version", "Object Version",
                "Cluster");
        Instant now = Timestamps.now();
        for (ServiceRecord s : context.getBean(ServiceRepository.class).list(null, null)) {
            String[] v = versions.getOrDefault(s.id(), new String[2]);
            out.printf(format, s.binary(), s.host().split("\\.", 2)[0], s.availabilityZone(),
                    s.disabled() ? "disabled" : "enabled",
                    s.isUp(now, Duration.ofSeconds(properties.serviceDownTime())) ? ":-)" : "XXX",
                    pythonTime(s.updatedAt()), String.valueOf(v[0]), String.valueOf(v[1]),
                    s.clusterName() == null ? "" : s.clusterName());
        }
        return 0;
    }

    private static int serviceRemove(ConfigurableApplicationContext context, String binary, String host, PrintStream out) {
        if (binary == null || host == null) {
            out.println("usage: cinder-manage service remove <binary> <host>");
            return 2;
        }
        if (!context.getBean(ServiceRepository.class).remove(host, binary)) {
            out.println("Host not found. Failed to remove " + binary + " on " + host + ".");
            return 2;
        }
        out.println("Service " + binary + " on host " + host + " removed.");
        return 0;
    }

    /**
     * Cinder's repair delete, bypassing the API's status checks: a volume never placed is deleted in the
     * database (its quota released); an attached one is refused; any other is moved to {@code deleting}
     * and its backend told to delete it (the backend also resumes it on its next start).
     */
    private static int volumeDelete(ConfigurableApplicationContext context, String id, PrintStream out) {
        if (id == null) {
            out.println("usage: cinder-manage volume delete <volume_id>");
            return 2;
        }
        VolumeRepository volumes = context.getBean(VolumeRepository.class);
        Volume volume = volumes.find(id).orElse(null);
        if (volume == null) {
            out.println("Volume " + id + " could not be found.");
            return 1;
        }
        if (volume.host() == null) {
            out.println("Volume not yet assigned to host.");
            out.println("Deleting volume from database and skipping rpc.");
            Quotas quotas = context.getBean(Quotas.class);
            context.getBean(Tx.class).run(() -> {
                if (volumes.markDeleted(id, List.of(volume.status()), VolumeRepository.Guard.NO_HOST)) {
                    quotas.release(volume.projectId(), quotas.of(volume));
                }
            });
            return 0;
        }
        if (volume.status().equals(VolumeStatus.IN_USE)) {
            out.println("Volume is in-use.");
            out.println("Detach volume from instance and then try again.");
            return 0;
        }
        if (!volume.status().equals(VolumeStatus.DELETING)
                && !volumes.transition(id, List.of(volume.status()), VolumeStatus.DELETING,
                        Map.of("terminated_at", Timestamps.now()))) {
            out.println("Volume " + id + " changed meanwhile (it was " + volume.status() + "); try again.");
            return 1;
        }
        try {
            context.getBean(VolumeRpc.class).deleteVolume(RequestContext.internal(), volumes.find(id).orElse(volume), false);
        } catch (BusUnavailableException e) {
            out.println("Volume " + id + " is deleting but the message to " + volume.backend() + " was not sent ("
                    + e.getMessage() + "); the volume service resumes it when it starts.");
            return 1;
        }
        return 0;
    }

    /**
     * Cinder's {@code volume update_host}: every live volume on {@code currenthost} gets {@code newhost}.
     * The pools' capacity claims move with each volume, in the same transaction.
     */
    private static int updateHost(ConfigurableApplicationContext context, String current, String newHost, PrintStream out) {
        if (current == null || newHost == null) {
            out.println("usage: cinder-manage volume update_host --currenthost <host> --newhost <host>");
            return 2;
        }
        VolumeRepository volumes = context.getBean(VolumeRepository.class);
        PoolRepository pools = context.getBean(PoolRepository.class);
        Tx tx = context.getBean(Tx.class);
        for (Volume volume : volumes.findByHost(current)) {
            tx.run(() -> {
                if (volumes.moveHost(volume.id(), volume.host(), newHost)) {
                    pools.release(volume.host(), volume.size());
                    pools.claim(newHost, volume.size(), Long.MAX_VALUE);
                }
            });
        }
        return 0;
    }

    /** Python's {@code str(datetime)}, as Cinder prints times: microseconds only when there are some. */
    static String pythonTime(Instant instant) {
        if (instant == null) {
            return "None";
        }
        LocalDateTime t = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
        return t.format(DateTimeFormatter.ofPattern(t.getNano() / 1000 == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.SSSSSS"));
    }

    /** The catalog's options and, per driver, the options it declares. */
    static String sample() {
        Map<String, List<CinderOptions.Option>> drivers = new LinkedHashMap<>();
        for (VolumeDriverFactory factory : ServiceLoader.load(VolumeDriverFactory.class)) {
            drivers.put(factory.name(), factory.options().stream()
                    .map(o -> new CinderOptions.Option(CinderOptions.BACKEND, o.name(), o.secret() ? null : o.defaultValue(),
                            o.help(), CinderOptions.Status.SUPPORTED))
                    .toList());
        }
        return CinderOptions.sample(drivers);
    }

    static String version() {
        try (InputStream in = CinderManage.class.getResourceAsStream("/META-INF/maven/dev.ember/ember-deploy/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version");
            }
        } catch (IOException e) {
            // falls through to the manifest
        }
        String v = CinderManage.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }
}
