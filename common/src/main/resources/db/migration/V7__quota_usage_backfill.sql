-- Counts what existed before quotas were accounted (frozen: later resources are counted by their own
-- migrations). QuotaRepository.truth() computes the same from the live tables at any time.
INSERT INTO quota_usages (project_id, resource, in_use, reserved, created_at, updated_at)
SELECT project_id, resource, SUM(n), SUM(r), CURRENT_TIMESTAMP(6), CURRENT_TIMESTAMP(6) FROM (
    SELECT v.project_id, 'volumes' AS resource, COUNT(*) AS n, 0 AS r
        FROM volumes v WHERE v.deleted = FALSE AND v.use_quota = TRUE GROUP BY v.project_id
    UNION ALL SELECT v.project_id, CONCAT('volumes_', t.name), COUNT(*), 0
        FROM volumes v JOIN volume_types t ON t.id = v.volume_type_id
        WHERE v.deleted = FALSE AND v.use_quota = TRUE GROUP BY v.project_id, t.name
    UNION ALL SELECT v.project_id, 'gigabytes', SUM(v.size), 0
        FROM volumes v WHERE v.deleted = FALSE AND v.use_quota = TRUE GROUP BY v.project_id
    UNION ALL SELECT v.project_id, CONCAT('gigabytes_', t.name), SUM(v.size), 0
        FROM volumes v JOIN volume_types t ON t.id = v.volume_type_id
        WHERE v.deleted = FALSE AND v.use_quota = TRUE GROUP BY v.project_id, t.name
    UNION ALL SELECT s.project_id, 'snapshots', COUNT(*), 0
        FROM snapshots s WHERE s.deleted = FALSE AND s.use_quota = TRUE GROUP BY s.project_id
    UNION ALL SELECT s.project_id, CONCAT('snapshots_', t.name), COUNT(*), 0
        FROM snapshots s JOIN volume_types t ON t.id = s.volume_type_id
        WHERE s.deleted = FALSE AND s.use_quota = TRUE GROUP BY s.project_id, t.name
    UNION ALL SELECT s.project_id, 'gigabytes', SUM(s.volume_size), 0
        FROM snapshots s WHERE s.deleted = FALSE AND s.use_quota = TRUE GROUP BY s.project_id
    UNION ALL SELECT s.project_id, CONCAT('gigabytes_', t.name), SUM(s.volume_size), 0
        FROM snapshots s JOIN volume_types t ON t.id = s.volume_type_id
        WHERE s.deleted = FALSE AND s.use_quota = TRUE GROUP BY s.project_id, t.name
    UNION ALL SELECT v.project_id, 'gigabytes', 0, SUM(v.extend_size - v.size)
        FROM volumes v WHERE v.deleted = FALSE AND v.use_quota = TRUE AND v.status = 'extending'
        AND v.extend_size > v.size GROUP BY v.project_id
    UNION ALL SELECT v.project_id, CONCAT('gigabytes_', t.name), 0, SUM(v.extend_size - v.size)
        FROM volumes v JOIN volume_types t ON t.id = v.volume_type_id
        WHERE v.deleted = FALSE AND v.use_quota = TRUE AND v.status = 'extending' AND v.extend_size > v.size
        GROUP BY v.project_id, t.name
) counted GROUP BY project_id, resource;
