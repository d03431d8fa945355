-- Snapshots (Cinder's snapshots and snapshot_metadata): a point-in-time copy of one volume, kept by the
-- volume's backend. Soft-deleted like volumes.
CREATE TABLE snapshots (
    id                  CHAR(36)     NOT NULL,
    user_id             VARCHAR(255),
    project_id          VARCHAR(255) NOT NULL,
    volume_id           CHAR(36)     NOT NULL,
    cgsnapshot_id       CHAR(36),
    group_snapshot_id   CHAR(36),
    status              VARCHAR(255) NOT NULL,
    progress            VARCHAR(255),
    volume_size         INT,
    scheduled_at        DATETIME(6),
    display_name        VARCHAR(255),
    display_description VARCHAR(255),
    provider_location   VARCHAR(255),
    provider_id         VARCHAR(255),
    provider_auth       VARCHAR(255),
    encryption_key_id   CHAR(36),
    volume_type_id      CHAR(36),
    use_quota           BOOLEAN      NOT NULL DEFAULT TRUE,
    created_at          DATETIME(6)  NOT NULL,
    updated_at          DATETIME(6),
    deleted_at          DATETIME(6),
    deleted             BOOLEAN      NOT NULL DEFAULT FALSE,
    PRIMARY KEY (id),
    KEY ix_snapshots_project_created (project_id, deleted, created_at),
    KEY ix_snapshots_volume (volume_id, deleted),
    KEY ix_snapshots_status_updated (status, updated_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE snapshot_metadata (
    snapshot_id CHAR(36)     NOT NULL,
    `key`       VARCHAR(255) NOT NULL,
    `value`     VARCHAR(255) NOT NULL,
    created_at  DATETIME(6)  NOT NULL,
    PRIMARY KEY (snapshot_id, `key`)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
