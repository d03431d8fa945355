package dev.ember.volume.drivers.rbd;

import dev.ember.volume.spi.DriverConfig;
import dev.ember.volume.spi.DriverErrorCode;
import dev.ember.volume.spi.DriverException;
import dev.ember.volume.spi.DriverOption;
import dev.ember.volume.spi.VolumeDriver;
import dev.ember.volume.spi.VolumeDriverFactory;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code volume_driver = rbd} (or Cinder's {@code cinder.volume.drivers.rbd.RBDDriver}): Ceph RBD, with
 * Cinder's option names and defaults.
 */
public final class RbdDriverFactory implements VolumeDriverFactory {

    static final String POOL = "rbd_pool";
    static final String USER = "rbd_user";
    static final String CONF = "rbd_ceph_conf";
    static final String CLUSTER = "rbd_cluster_name";
    static final String SECRET_UUID = "rbd_secret_uuid";
    static final String KEYRING = "rbd_keyring_conf";
    static final String FLATTEN = "rbd_flatten_volume_from_snapshot";
    static final String MAX_CLONE_DEPTH = "rbd_max_clone_depth";
    static final String CONNECT_TIMEOUT = "rados_connect_timeout";
    static final String DYNAMIC_TOTAL = "report_dynamic_total_capacity";
    static final String EXCLUSIVE_POOL = "rbd_exclusive_cinder_pool";
    static final String RESERVED = "reserved_percentage";
    static final String RATIO = "max_over_subscription_ratio";

    @Override
    public String name() {
        return "rbd";
    }

    @Override
    public Set<String> aliases() {
        return Set.of("cinder.volume.drivers.rbd.RBDDriver", "ceph");
    }

    @Override
    public List<DriverOption> options() {
        return List.of(
                DriverOption.of(POOL, "rbd", "The RADOS pool the volumes are stored in."),
                DriverOption.of(USER, null, "The RADOS client name (without 'client.'); unset: admin."),
                DriverOption.of(CONF, "", "Path to the Ceph configuration file; empty: librados's default search."),
                DriverOption.of(CLUSTER, "ceph", "The name of the Ceph cluster."),
                DriverOption.of(SECRET_UUID, null, "The libvirt secret holding rbd_user's key, passed to Nova in connection info."),
                DriverOption.of(KEYRING, null, "Path to rbd_user's keyring; its contents go to hosts in connection info."),
                DriverOption.of(FLATTEN, "false", "Whether volumes made from snapshots are flattened (independent of the snapshot)."),
                DriverOption.of(MAX_CLONE_DEPTH, "5", "Longest chain of clones before a new clone is flattened; 0 flattens every clone."),
                DriverOption.of(CONNECT_TIMEOUT, "-1", "Seconds any call to the cluster may take; -1: Ember's default of 30."),
                DriverOption.of(DYNAMIC_TOTAL, "true", "Whether the total capacity is the pool's used plus available bytes."),
                DriverOption.of(EXCLUSIVE_POOL, "true", "Whether only this backend uses the pool (provisioned capacity from the claims, not from listing every image)."),
                DriverOption.of(RESERVED, "0", "Percentage of capacity kept free (Cinder's reserved_percentage)."),
                DriverOption.of(RATIO, "20.0", "Thin over-subscription limit (Cinder's max_over_subscription_ratio)."));
    }

    @Override
    public VolumeDriver create(DriverConfig config) throws DriverException {
        String pool = config.get(POOL);
        if (!pool.matches("[A-Za-z0-9_.-]+")) {
            throw new DriverException(DriverErrorCode.INVALID_CONFIGURATION,
                    "backend " + config.backendName() + ": rbd_pool is not a pool name: " + pool);
        }
        long timeout = config.getLong(CONNECT_TIMEOUT, -1);
        String conf = config.get(CONF);
        return new RbdDriver(new RbdDriver.Settings(
                config.volumeBackendName(),
                pool,
                config.get(USER) != null ? config.get(USER) : "admin",
                conf == null || conf.isBlank() ? null : conf,
                config.get(CLUSTER),
                config.get(SECRET_UUID),
                config.get(KEYRING),
                config.getBoolean(FLATTEN, false),
                (int) config.getLong(MAX_CLONE_DEPTH, 5),
                Duration.ofSeconds(timeout > 0 ? timeout : 30),
                (int) config.getLong(RESERVED, 0),
                config.getDouble(RATIO, 20.0),
                config.getBoolean(EXCLUSIVE_POOL, true),
                config.getBoolean(DYNAMIC_TOTAL, true),
                config.stateDir()));
    }
}
