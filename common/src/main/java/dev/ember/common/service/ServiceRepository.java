package dev.ember.common.service;

import dev.ember.common.db.Conditions;
import dev.ember.common.db.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/** The {@code services} table: registrations and heartbeats. */
public class ServiceRepository {

    public static final String SCHEDULER = "cinder-scheduler";
    public static final String VOLUME = "cinder-volume";

    private final JdbcTemplate jdbc;

    public ServiceRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Registers a service at start, or refreshes its row if it ran before (its id, uuid, admin state
     * and report count are kept). Counts as a heartbeat.
     */
    public ServiceRecord register(String host, String binary, String topic, String availabilityZone, Instant now) {
        Object ts = Timestamps.toDb(now);
        jdbc.update("INSERT INTO services (uuid, host, `binary`, topic, availability_zone, replication_status, "
                        + "rpc_current_version, object_current_version, created_at, updated_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE "
                        + "topic = VALUES(topic), availability_zone = VALUES(availability_zone), updated_at = VALUES(updated_at)",
                UUID.randomUUID().toString(), host, binary, topic, availabilityZone,
                binary.equals(VOLUME) ? "disabled" : null, "3.0", "1.0", ts, ts);
        return find(host, binary).orElseThrow();
    }

    /** Bumps the heartbeat; false if the row is gone (an operator removed the service). */
    public boolean heartbeat(int id, Instant now) {
        return jdbc.update("UPDATE services SET report_count = report_count + 1, updated_at = ? WHERE id = ?",
                Timestamps.toDb(now), id) > 0;
    }

    /**
     * An operator's enable/disable of one service: sets {@code disabled} and, when {@code setReason}, the reason
     * (null clears it); stamps {@code modified_at}. False if no such service.
     */
    public boolean setDisabled(String host, String binary, boolean disabled, boolean setReason, String reason, Instant now) {
        if (setReason) {
            return jdbc.update("UPDATE services SET disabled = ?, disabled_reason = ?, modified_at = ? "
                    + "WHERE host = ? AND `binary` = ?", disabled, reason, Timestamps.toDb(now), host, binary) > 0;
        }
        return jdbc.update("UPDATE services SET disabled = ?, modified_at = ? WHERE host = ? AND `binary` = ?",
                disabled, Timestamps.toDb(now), host, binary) > 0;
    }

    /**
     * Freezes or thaws the volume services of {@code host} (exactly, or its {@code host@backend}s) as Cinder's
     * volume manager does: a frozen backend is also disabled with the reason {@code frozen}; thawing enables it
     * and clears the reason. Only services not already in the wanted state change; returns how many did.
     */
    public int setFrozen(String host, boolean frozen, Instant now) {
        return jdbc.update("UPDATE services SET frozen = ?, disabled = ?, disabled_reason = ?, modified_at = ? "
                        + "WHERE `binary` = ? AND frozen = ? AND (host = ? OR host LIKE ? ESCAPE '!')",
                frozen, frozen, frozen ? "frozen" : "", Timestamps.toDb(now), VOLUME, !frozen, host, likeBackendsOf(host));
    }

    /** Whether the backend a volume lives on ({@code host@backend#pool}) is frozen. */
    public boolean isFrozen(String volumeHost) {
        if (volumeHost == null) {
            return false;
        }
        int hash = volumeHost.indexOf('#');
        String backend = hash < 0 ? volumeHost : volumeHost.substring(0, hash);
        Integer frozen = jdbc.queryForObject("SELECT COUNT(*) FROM services WHERE `binary` = ? AND host = ? AND frozen",
                Integer.class, VOLUME, backend);
        return frozen != null && frozen > 0;
    }

    private static String likeBackendsOf(String host) {
        return Conditions.likeEscape(host) + "@%";
    }

    /** Deletes a service's row ({@code cinder-manage service remove}); false if there was none. */
    public boolean remove(String host, String binary) {
        return jdbc.update("DELETE FROM services WHERE host = ? AND `binary` = ?", host, binary) > 0;
    }

    public Optional<ServiceRecord> find(String host, String binary) {
        List<ServiceRecord> found = jdbc.query("SELECT * FROM services WHERE host = ? AND `binary` = ?", ROW, host, binary);
        return found.stream().findFirst();
    }

    /** Services, optionally only those of one host (exactly, or {@code host@...}) and/or one binary. */
    public List<ServiceRecord> list(String host, String binary) {
        StringBuilder sql = new StringBuilder("SELECT * FROM services WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (host != null) {
            sql.append(" AND (host = ? OR host LIKE ? ESCAPE '!')");
            args.add(host);
            args.add(likeBackendsOf(host));
        }
        if (binary != null) {
            sql.append(" AND `binary` = ?");
            args.add(binary);
        }
        sql.append(" ORDER BY id");
        return jdbc.query(sql.toString(), ROW, args.toArray());
    }

    private static final RowMapper<ServiceRecord> ROW = ServiceRepository::map;

    private static ServiceRecord map(ResultSet rs, int row) throws SQLException {
        return new ServiceRecord(
                rs.getInt("id"),
                rs.getString("uuid"),
                rs.getString("host"),
                rs.getString("binary"),
                rs.getString("topic"),
                rs.getInt("report_count"),
                rs.getBoolean("disabled"),
                rs.getString("disabled_reason"),
                rs.getString("availability_zone"),
                rs.getBoolean("frozen"),
                rs.getString("cluster_name"),
                rs.getString("replication_status"),
                rs.getString("active_backend_id"),
                Timestamps.read(rs, "created_at"),
                Timestamps.read(rs, "updated_at"),
                Timestamps.read(rs, "modified_at"));
    }
}
