-- Quotas (Cinder's quotas, quota_classes and quota_usages tables).
-- A project's limit for a resource is its row in quotas, else the row of the 'default' quota class, else
-- the configured default (quota_volumes ...). Usage rows are counters kept exact by the transactions that
-- change what they count: a volume row and its usage change commit together or not at all.
CREATE TABLE quotas (
    project_id VARCHAR(255) NOT NULL,
    resource   VARCHAR(300) NOT NULL,
    hard_limit INT          NOT NULL,
    created_at DATETIME(6)  NOT NULL,
    updated_at DATETIME(6),
    PRIMARY KEY (project_id, resource)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE quota_classes (
    class_name VARCHAR(255) NOT NULL,
    resource   VARCHAR(300) NOT NULL,
    hard_limit INT          NOT NULL,
    created_at DATETIME(6)  NOT NULL,
    updated_at DATETIME(6),
    PRIMARY KEY (class_name, resource)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- in_use: what exists (volumes and snapshots that consume quota, including those in error);
-- reserved: growth asked for and not yet done (an extend in progress).
CREATE TABLE quota_usages (
    project_id VARCHAR(255) NOT NULL,
    resource   VARCHAR(300) NOT NULL,
    in_use     INT          NOT NULL DEFAULT 0,
    reserved   INT          NOT NULL DEFAULT 0,
    created_at DATETIME(6)  NOT NULL,
    updated_at DATETIME(6),
    PRIMARY KEY (project_id, resource)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
