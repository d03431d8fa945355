package dev.ember.common.quota;

import dev.ember.common.db.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The {@code quotas}, {@code quota_classes} and {@code quota_usages} tables.
 *
 * <p>Usage counters change only inside the transaction that changes what they count, and every writer
 * touches a project's rows in one order (by resource name), so concurrent changes queue on the rows instead
 * of deadlocking, and a lost race can never be counted twice.
 */
public class QuotaRepository {

    /** Cinder's {@code _DEFAULT_QUOTA_NAME}: the class whose limits are every project's defaults. */
    public static final String DEFAULT_CLASS = "default";

    private final JdbcTemplate jdbc;

    public QuotaRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A project's own limits, without defaults. */
    public Map<String, Integer> projectLimits(String projectId) {
        Map<String, Integer> limits = new HashMap<>();
        jdbc.query("SELECT resource, hard_limit FROM quotas WHERE project_id = ?",
                rs -> {
                    limits.put(rs.getString(1), rs.getInt(2));
                }, projectId);
        return limits;
    }

    public Map<String, Integer> classLimits(String className) {
        Map<String, Integer> limits = new HashMap<>();
        jdbc.query("SELECT resource, hard_limit FROM quota_classes WHERE class_name = ?",
                rs -> {
                    limits.put(rs.getString(1), rs.getInt(2));
                }, className);
        return limits;
    }

    /**
     * The limits that apply to these resources of a project: the project's own row, else the default class's,
     * resources with neither are absent.
     */
    Map<String, Integer> effectiveLimits(String projectId, List<String> resources) {
        String in = placeholders(resources.size());
        List<Object> args = new ArrayList<>();
        args.add(projectId);
        args.addAll(resources);
        args.add(DEFAULT_CLASS);
        args.addAll(resources);
        Map<String, Integer> own = new HashMap<>();
        Map<String, Integer> byClass = new HashMap<>();
        jdbc.query("SELECT resource, hard_limit, 1 FROM quotas WHERE project_id = ? AND resource IN (" + in + ") "
                + "UNION ALL SELECT resource, hard_limit, 0 FROM quota_classes WHERE class_name = ? AND resource IN (" + in + ")",
                rs -> {
                    (rs.getInt(3) == 1 ? own : byClass).put(rs.getString(1), rs.getInt(2));
                }, args.toArray());
        byClass.putAll(own);
        return byClass;
    }

    public Map<String, QuotaUsage> usages(String projectId) {
        Map<String, QuotaUsage> usages = new HashMap<>();
        jdbc.query("SELECT resource, in_use, reserved FROM quota_usages WHERE project_id = ?",
                rs -> {
                    usages.put(rs.getString(1), new QuotaUsage(-1, rs.getInt(2), rs.getInt(3)));
                }, projectId);
        return usages;
    }

    public void setProjectLimit(String projectId, String resource, int limit, Instant now) {
        Object ts = Timestamps.toDb(now);
        jdbc.update("INSERT INTO quotas (project_id, resource, hard_limit, created_at, updated_at) VALUES (?, ?, ?, ?, ?) "
                + "ON DUPLICATE KEY UPDATE hard_limit = VALUES(hard_limit), updated_at = VALUES(updated_at)",
                projectId, resource, limit, ts, ts);
    }

    public void setClassLimit(String className, String resource, int limit, Instant now) {
        Object ts = Timestamps.toDb(now);
        jdbc.update("INSERT INTO quota_classes (class_name, resource, hard_limit, created_at, updated_at) VALUES (?, ?, ?, ?, ?) "
                + "ON DUPLICATE KEY UPDATE hard_limit = VALUES(hard_limit), updated_at = VALUES(updated_at)",
                className, resource, limit, ts, ts);
    }

    /** Cinder's {@code quota_destroy_by_project}: the project falls back to the defaults. */
    public void deleteProjectLimits(String projectId) {
        jdbc.update("DELETE FROM quotas WHERE project_id = ?", projectId);
    }

    /** A volume type was renamed: its per-type resources follow it in every table. */
    public void renameResource(String from, String to) {
        for (String table : List.of("quotas", "quota_classes", "quota_usages")) {
            jdbc.update("UPDATE " + table + " SET resource = ? WHERE resource = ?", to, from);
        }
    }

    /**
     * Adds non-negative {@code deltas} to a project's {@code in_use} (or {@code reserved}) counters, creating
     * missing rows; must run inside the caller's transaction, which then holds the rows until it ends.
     *
     * @return the counters after the change, by resource
     */
    Map<String, QuotaUsage> add(String projectId, Map<String, Integer> deltas, boolean reserved, Instant now) {
        Map<String, Integer> sorted = new TreeMap<>(deltas);
        StringBuilder sql = new StringBuilder(
                "INSERT INTO quota_usages (project_id, resource, in_use, reserved, created_at, updated_at) VALUES ");
        List<Object> args = new ArrayList<>();
        Object ts = Timestamps.toDb(now);
        for (Map.Entry<String, Integer> delta : sorted.entrySet()) {
            if (args.size() > 0) {
                sql.append(", ");
            }
            sql.append("(?, ?, ?, ?, ?, ?)");
            args.add(projectId);
            args.add(delta.getKey());
            args.add(reserved ? 0 : delta.getValue());
            args.add(reserved ? delta.getValue() : 0);
            args.add(ts);
            args.add(ts);
        }
        sql.append(" ON DUPLICATE KEY UPDATE in_use = in_use + VALUES(in_use), reserved = reserved + VALUES(reserved), "
                + "updated_at = VALUES(updated_at)");
        jdbc.update(sql.toString(), args.toArray());
        return counters(projectId, List.copyOf(sorted.keySet()));
    }

    /**
     * Takes non-negative {@code deltas} off a project's counters (never below zero); with {@code toInUse} what is
     * taken off {@code reserved} is added to {@code in_use} (a reservation committed). Inside the caller's
     * transaction.
     */
    void subtract(String projectId, Map<String, Integer> deltas, boolean fromReserved, boolean toInUse, Instant now) {
        Map<String, Integer> sorted = new TreeMap<>(deltas);
        StringBuilder cases = new StringBuilder("CASE resource");
        List<Object> caseArgs = new ArrayList<>();
        for (Map.Entry<String, Integer> delta : sorted.entrySet()) {
            cases.append(" WHEN ? THEN ?");
            caseArgs.add(delta.getKey());
            caseArgs.add(delta.getValue());
        }
        cases.append(" ELSE 0 END");
        List<Object> args = new ArrayList<>();
        String set;
        if (!fromReserved) {
            set = "in_use = GREATEST(in_use - " + cases + ", 0)";
            args.addAll(caseArgs);
        } else if (toInUse) {
            set = "in_use = in_use + LEAST(reserved, " + cases + "), reserved = GREATEST(reserved - " + cases + ", 0)";
            args.addAll(caseArgs);
            args.addAll(caseArgs);
        } else {
            set = "reserved = GREATEST(reserved - " + cases + ", 0)";
            args.addAll(caseArgs);
        }
        args.add(Timestamps.toDb(now));
        args.add(projectId);
        args.addAll(sorted.keySet());
        jdbc.update("UPDATE quota_usages SET " + set + ", updated_at = ? WHERE project_id = ? AND resource IN ("
                + placeholders(sorted.size()) + ")", args.toArray());
    }

    Map<String, QuotaUsage> counters(String projectId, List<String> resources) {
        List<Object> args = new ArrayList<>();
        args.add(projectId);
        args.addAll(resources);
        Map<String, QuotaUsage> out = new LinkedHashMap<>();
        jdbc.query("SELECT resource, in_use, reserved FROM quota_usages WHERE project_id = ? AND resource IN ("
                + placeholders(resources.size()) + ")", rs -> {
                    out.put(rs.getString(1), new QuotaUsage(-1, rs.getInt(2), rs.getInt(3)));
                }, args.toArray());
        return out;
    }

    /**
     * What the counters should say, computed from the volumes, snapshots and groups that exist: by project, resource
     * to {@code {in_use, reserved}}. Reserved is the growth of extends in progress.
     */
    public Map<String, Map<String, int[]>> truth(boolean snapshotsCountGigabytes) {
        Map<String, Map<String, int[]>> truth = new TreeMap<>();
        jdbc.query("SELECT v.project_id, t.name, COUNT(*), SUM(v.size), "
                + "SUM(CASE WHEN v.status = 'extending' AND v.extend_size > v.size THEN v.extend_size - v.size ELSE 0 END) "
                + "FROM volumes v LEFT JOIN volume_types t ON t.id = v.volume_type_id "
                + "WHERE v.deleted = FALSE AND v.use_quota = TRUE GROUP BY v.project_id, t.name", rs -> {
                    String project = rs.getString(1);
                    String type = rs.getString(2);
                    QuotaResources.volumes(type, rs.getInt(3), rs.getInt(4))
                            .forEach((resource, n) -> bump(truth, project, resource, n, 0));
                    int reserved = rs.getInt(5);
                    if (reserved > 0) {
                        QuotaResources.growth(type, reserved).forEach((resource, g) -> bump(truth, project, resource, 0, g));
                    }
                });
        jdbc.query("SELECT s.project_id, t.name, COUNT(*), SUM(s.volume_size) FROM snapshots s "
                + "LEFT JOIN volume_types t ON t.id = s.volume_type_id "
                + "WHERE s.deleted = FALSE AND s.use_quota = TRUE GROUP BY s.project_id, t.name", rs -> {
                    String project = rs.getString(1);
                    String type = rs.getString(2);
                    QuotaResources.snapshots(type, rs.getInt(3), rs.getInt(4), snapshotsCountGigabytes)
                            .forEach((resource, n) -> bump(truth, project, resource, n, 0));
                });
        jdbc.query("SELECT project_id, COUNT(*) FROM `groups` WHERE deleted = FALSE GROUP BY project_id",
                rs -> {
                    bump(truth, rs.getString(1), QuotaResources.GROUPS, rs.getInt(2), 0);
                });
        return truth;
    }

    /** Every project's counters as stored: by project, resource to {@code {in_use, reserved}}. */
    public Map<String, Map<String, int[]>> counters() {
        Map<String, Map<String, int[]>> stored = new TreeMap<>();
        jdbc.query("SELECT project_id, resource, in_use, reserved FROM quota_usages", rs -> {
            if (rs.getInt(3) != 0 || rs.getInt(4) != 0) {
                bump(stored, rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4));
            }
        });
        return stored;
    }

    private static void bump(Map<String, Map<String, int[]>> into, String project, String resource, int inUse, int reserved) {
        int[] counts = into.computeIfAbsent(project, p -> new TreeMap<>()).computeIfAbsent(resource, r -> new int[2]);
        counts[0] += inUse;
        counts[1] += reserved;
    }

    private static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }
}
