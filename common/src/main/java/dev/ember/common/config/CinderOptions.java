package dev.ember.common.config;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code cinder.conf} options Ember knows, under Cinder's names: the ones it reads
 * ({@link Status#SUPPORTED}) and Cinder options it accepts without effect ({@link Status#IGNORED},
 * reported at start). This is the one list the start-up report and the sample configuration come from;
 * defaults of options bound by {@link CinderProperties} are read from its {@code @DefaultValue}s.
 *
 * <p>Backend sections are described by the drivers themselves (their {@code DriverOption}s); only the
 * Cinder backend options no Ember driver reads are listed here, in group {@link #BACKEND}.
 */
public final class CinderOptions {

    /** The pseudo-group of options that belong in every backend section. */
    public static final String BACKEND = "<backend>";

    /** The section of Ember's own options, {@code cinder.ember.*}. */
    public static final String EMBER = "ember";

    /** Whether Ember acts on an option. */
    public enum Status { SUPPORTED, IGNORED }

    /**
     * One option.
     *
     * @param group the INI section ({@code DEFAULT}, {@code database}, ...), or {@link #BACKEND}
     * @param name Cinder's option name
     * @param defaultValue the value when unset, as the sample shows it; null: no default
     * @param help one sentence
     * @param status whether Ember reads it
     */
    public record Option(String group, String name, String defaultValue, String help, Status status) {
    }

    private static final List<Option> OPTIONS = new ArrayList<>();

    /**
     * Backend options under another name in Cinder Zed (their deprecated or later names), to the name
     * Ember's drivers read, so a section written for either keeps working.
     */
    public static final Map<String, String> BACKEND_RENAMES = Map.of(
            "iscsi_secondary_ip_addresses", "target_secondary_ip_addresses",
            "iscsi_helper", "target_helper",
            "iscsi_ip_address", "target_ip_address",
            "iscsi_port", "target_port",
            "iscsi_target_prefix", "target_prefix",
            "iscsi_protocol", "target_protocol");

    static {
        String d = IniFile.DEFAULT;
        supported(d, "host", "Name of this node; volume services register host@backend. Default: the host name.");
        ignored(d, "my_ip", "This node's IP address; Ember's iSCSI backends default target_ip_address to the host's address themselves.");
        supported(d, "transport_url", "The message broker, as oslo.messaging writes it: rabbit://user:pass@host:port/vhost.");
        supported(d, "control_exchange", "The AMQP topic exchange of RPC messages.");
        supported(d, "rpc_response_timeout", "Seconds an RPC call waits for its reply.");
        supported(d, "enabled_backends", "The backend sections this volume service runs (comma-separated).");
        supported(d, "default_volume_type", "The type of new volumes that name none.");
        supported(d, "default_group_type", "The group type of new groups that name none (Cinder's default_group_type).");
        supported(d, "storage_availability_zone", "The availability zone of this node's services.");
        supported(d, "default_availability_zone", "The zone of new volumes that name none; defaults to storage_availability_zone.");
        supported(d, "osapi_volume_listen", "The address cinder-api listens on.", "0.0.0.0");
        supported(d, "osapi_volume_listen_port", "The port cinder-api listens on.", "8776");
        supported(d, "osapi_max_limit", "The largest page a list returns.");
        supported(d, "public_endpoint", "The base URL put in links instead of the request's own.");
        supported(d, "auth_strategy", "How API requests are authenticated: noauth or keystone.", "keystone");
        supported(d, "report_interval", "Seconds between service heartbeats.");
        supported(d, "service_down_time", "Seconds after the last heartbeat at which a service counts as down.");
        supported(d, "backend_stats_polling_interval", "Seconds between capacity reports of each backend.");
        supported(d, "state_path", "Where services keep files that must survive a restart.");
        supported(d, "scheduler_default_filters", "The scheduler's filters, by Cinder's class names.");
        supported(d, "scheduler_default_weighers", "The scheduler's weighers, by Cinder's class names.");
        supported(d, "quota_volumes", "Volumes a project may have (-1: unlimited).");
        supported(d, "quota_snapshots", "Snapshots a project may have.");
        supported(d, "quota_gigabytes", "Gigabytes of volumes and snapshots a project may have.");
        supported(d, "quota_backups", "Backups a project may have.");
        supported(d, "quota_backup_gigabytes", "Gigabytes of backups a project may have.");
        supported(d, "quota_groups", "Groups a project may have.");
        supported(d, "per_volume_size_limit", "The largest volume a project may create, in GB (-1: no limit).");
        supported(d, "use_default_quota_class", "Whether the default quota class's limits override the quota_* options.");
        supported(d, "no_snapshot_gb_quota", "Whether snapshots do not count against the gigabytes quota.");
        for (String name : List.of("debug", "log_dir", "log_file", "log_config_append", "use_syslog",
                "use_stderr", "default_log_levels", "rootwrap_config", "api_paste_config", "glance_api_servers",
                "volumes_dir", "target_helper", "osapi_volume_workers", "enable_v3_api", "backup_driver",
                "scheduler_driver", "volume_name_template", "snapshot_name_template", "image_conversion_dir",
                "graceful_shutdown_timeout", "allowed_direct_url_schemes")) {
            ignored(d, name, "A Cinder option Ember does not use.");
        }
        supported("database", "connection", "The database: mysql+pymysql://user:pass@host/cinder (SQLAlchemy form) or a jdbc: URL.");
        supported("database", "max_pool_size", "Database connections each process may hold.");
        for (String name : List.of("max_overflow", "connection_recycle_time", "max_retries", "retry_interval",
                "pool_timeout", "mysql_sql_mode")) {
            ignored("database", name, "An oslo.db option Ember does not use; the pool is tuned for MariaDB itself.");
        }
        supported(d, "use_json", "Whether log lines are JSON objects (oslo.log's JSONFormatter fields) instead of text.", "false");
        supported("oslo_messaging_notifications", "driver", "Notification driver: messagingv2 publishes Cinder's notifications; noop (default) none.");
        supported("oslo_messaging_notifications", "topics", "Topics notifications are published on.", "notifications");
        supported("oslo_messaging_notifications", "transport_url", "The broker of notifications; defaults to [DEFAULT] transport_url.");
        for (String name : List.of("rabbit_ha_queues", "amqp_durable_queues", "heartbeat_timeout_threshold",
                "rabbit_quorum_queue", "rabbit_retry_interval", "ssl")) {
            ignored("oslo_messaging_rabbit", name, "An oslo.messaging option Ember does not use.");
        }
        ignored("oslo_concurrency", "lock_path", "Ember takes no file locks; state changes are compare-and-swap updates.");
        for (String name : List.of("www_authenticate_uri", "auth_url", "auth_type", "username", "password",
                "project_name", "user_domain_name", "project_domain_name", "service_token_roles",
                "service_token_roles_required", "token_cache_time")) {
            supported("keystone_authtoken", name, "keystonemiddleware's " + name + ", used with auth_strategy = keystone.");
        }
        ignored("keystone_authtoken", "memcached_servers", "Validated tokens are cached in the API process itself (Caffeine), not in memcached.");
        supported("oslo_policy", "policy_file", "The policy file (YAML or JSON) overriding Cinder's default rules; a relative "
                + "name is looked for next to the configuration files, then in /etc/cinder. Re-read when it changes.", "policy.yaml");
        supported("oslo_policy", "enforce_new_defaults", "Whether only Cinder's persona defaults apply; false also accepts "
                + "each rule's deprecated check string (readers may then write in their project, as in Zed).", "true");
        ignored("oslo_policy", "enforce_scope", "Not read: tokens are project-scoped; Cinder's defaults do not check scope.");
        ignored("oslo_policy", "policy_dirs", "Not read: one policy file only.");
        // Ember's own options (not Cinder's: oslo-config-validator does not know this section).
        supported(EMBER, "redrive_after", "Seconds after which an operation whose message seems lost is sent again.");
        supported(EMBER, "reschedule_after", "Seconds a backend may be down before its unfinished creates are placed elsewhere; 0: twice service_down_time.");
        supported(EMBER, "rpc_consumers", "Concurrent message consumers per queue.");
        supported(EMBER, "rpc_prefetch", "Unacknowledged messages a consumer may hold (and so the largest batch it handles).");
        supported(EMBER, "persistent_messages", "Whether casts are written to disk by the broker (every cast is also backed by a database row).");
        supported(EMBER, "export_check_interval", "Seconds between checks that every attached volume's export still exists.");
        supported(EMBER, "telemetry_port", "The management port serving /metrics and /healthcheck on every process; -1 (default): none, 0: any free port.");
        supported(EMBER, "telemetry_listen", "The address of the management port.", "0.0.0.0");
        supported(EMBER, "telemetry_state_interval", "Seconds between the API's readings of volume states and pool capacity for /metrics.", "15");
        supported(EMBER, "usage_audit_interval", "Seconds between volume.exists usage audits by the scheduler; 0 (default): never.", "0");
        supported(EMBER, "notification_queue_size", "Notifications held while the broker is away; beyond it new ones are dropped and counted.", "10000");
        supported(EMBER, "healthcheck_disable_file", "While this file exists, /healthcheck answers 503 (oslo's disable_by_file_path).");
        for (String name : List.of("image_volume_cache_enabled", "image_volume_cache_max_size_gb",
                "image_volume_cache_max_count", "image_upload_use_cinder_backend", "volume_clear", "volume_clear_size",
                "volume_copy_bps_limit", "volume_dd_blocksize", "use_multipath_for_image_xfer", "rbd_store_chunk_size",
                "report_discard_supported", "suppress_requests_ssl_warnings", "lvm_mirrors", "target_ip_address_v6")) {
            ignored(BACKEND, name, "A Cinder backend option no Ember driver uses; dropped from the section.");
        }
    }

    private CinderOptions() {
    }

    public static List<Option> all() {
        return List.copyOf(OPTIONS);
    }

    public static Optional<Option> find(String group, String name) {
        String canonical = name.replace('-', '_');
        return OPTIONS.stream().filter(o -> o.group().equals(group) && o.name().equals(canonical)).findFirst();
    }

    /** The groups (other than backend sections) whose options this catalog lists. */
    public static Set<String> groups() {
        Set<String> groups = new java.util.LinkedHashSet<>();
        OPTIONS.forEach(o -> groups.add(o.group()));
        groups.remove(BACKEND);
        return groups;
    }

    /**
     * The Spring property an option of a (non-backend) group maps to, by the naming rule:
     * {@code [DEFAULT] transport_url} is {@code cinder.transport-url}, {@code [database] connection} is
     * {@code cinder.database.connection}, {@code [keystone_authtoken] auth_url} is
     * {@code cinder.keystone-authtoken.auth-url}.
     */
    public static String property(String group, String name) {
        String option = kebab(name);
        return group.equals(IniFile.DEFAULT) ? "cinder." + option : "cinder." + kebab(group) + "." + option;
    }

    /** A backend section's option: {@code cinder.backends.<section>.<option>}, both verbatim. */
    public static String backendProperty(String section, String name) {
        return "cinder.backends." + section + "." + name;
    }

    static String kebab(String name) {
        return name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The commented sample configuration: every option of the catalog with its help and default, then
     * one example section per driver with the options the driver declares.
     *
     * @param drivers driver name to its options ({@code group} ignored), as the drivers declare them
     */
    public static String sample(Map<String, List<Option>> drivers) {
        StringBuilder out = new StringBuilder();
        out.append("# cinder.conf for Ember, generated from the code (cinder-manage config sample).\n")
                .append("# Options are Cinder's; each is shown commented out with its default. Options marked\n")
                .append("# 'ignored' are accepted for compatibility and reported at start.\n");
        Map<String, List<Option>> byGroup = new LinkedHashMap<>();
        OPTIONS.stream().filter(o -> !o.group().equals(BACKEND))
                .forEach(o -> byGroup.computeIfAbsent(o.group(), g -> new ArrayList<>()).add(o));
        byGroup.forEach((group, options) -> {
            out.append("\n[").append(group).append("]\n");
            options.forEach(o -> option(out, o));
        });
        drivers.forEach((driver, options) -> {
            out.append("\n# A backend section (named in enabled_backends) of volume_driver = ").append(driver).append(".\n")
                    .append("# Options in [backend_defaults] apply to every backend section that does not set them.\n")
                    .append("#[").append(driver).append("-1]\n")
                    .append("#volume_driver = ").append(driver).append("\n")
                    .append("#volume_backend_name = ").append(driver).append("-1\n")
                    .append("#backend_availability_zone = <storage_availability_zone>\n");
            options.forEach(o -> option(out, o));
        });
        out.append("\n# Cinder backend options no Ember driver uses (ignored, reported at start):\n");
        OPTIONS.stream().filter(o -> o.group().equals(BACKEND)).forEach(o -> out.append("#   ").append(o.name()).append('\n'));
        return out.toString();
    }

    private static void option(StringBuilder out, Option o) {
        out.append("\n# ").append(o.help());
        if (o.status() == Status.IGNORED) {
            out.append(" (ignored)");
        }
        out.append("\n#").append(o.name()).append(" = ").append(o.defaultValue() == null ? "<None>" : o.defaultValue())
                .append('\n');
    }

    private static void supported(String group, String name, String help) {
        supported(group, name, help, defaultOf(group, name).orElse(null));
    }

    private static void supported(String group, String name, String help, String defaultValue) {
        OPTIONS.add(new Option(group, name, defaultValue, help, Status.SUPPORTED));
    }

    private static void ignored(String group, String name, String help) {
        OPTIONS.add(new Option(group, name, null, help, Status.IGNORED));
    }

    /**
     * The {@code @DefaultValue} of the {@link CinderProperties} component an option binds to
     * ({@code [DEFAULT] report_interval} is {@code reportInterval}, {@code [database] connection} is
     * {@code database().connection()}).
     */
    static Optional<String> defaultOf(String group, String name) {
        Class<?> type = CinderProperties.class;
        if (!group.equals(IniFile.DEFAULT)) {
            RecordComponent nested = component(type, group);
            if (nested == null) {
                return Optional.empty();
            }
            type = nested.getType();
        }
        RecordComponent component = component(type, name);
        if (component == null) {
            return Optional.empty();
        }
        DefaultValue value = component.getAnnotation(DefaultValue.class);
        if (value == null) {
            // Constructor parameters carry the annotation; record components copy it only when targeted.
            value = constructorAnnotation(type, component);
        }
        return value == null || value.value().length == 0 ? Optional.empty() : Optional.of(String.join(",", value.value()));
    }

    private static RecordComponent component(Class<?> type, String snakeName) {
        if (!type.isRecord()) {
            return null;
        }
        String camel = camel(snakeName);
        for (RecordComponent c : type.getRecordComponents()) {
            if (c.getName().equals(camel)) {
                return c;
            }
        }
        return null;
    }

    private static DefaultValue constructorAnnotation(Class<?> type, RecordComponent component) {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
        }
        try {
            var parameters = type.getDeclaredConstructor(types).getParameters();
            for (int i = 0; i < components.length; i++) {
                if (components[i].getName().equals(component.getName())) {
                    return parameters[i].getAnnotation(DefaultValue.class);
                }
            }
        } catch (NoSuchMethodException e) {
            return null;
        }
        return null;
    }

    private static String camel(String snake) {
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char c : snake.toCharArray()) {
            if (c == '_' || c == '-') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }
}
