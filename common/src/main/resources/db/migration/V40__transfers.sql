-- Volume transfers (Cinder's transfers table): an offer to give a volume to another project, accepted with
-- a key only the offerer saw. The key is never stored: salt and crypt_hash (HMAC-SHA1 of the key under the
-- salt, hex) are, as Cinder stores them. Soft-deleted when accepted or withdrawn; accepted ones keep who
-- received them (the 3.57 history fields).
CREATE TABLE transfers (
    id                     CHAR(36)     NOT NULL,
    volume_id              CHAR(36)     NOT NULL,
    display_name           VARCHAR(255),
    salt                   VARCHAR(255),
    crypt_hash             VARCHAR(255),
    expires_at             DATETIME(6),
    no_snapshots           BOOLEAN      NOT NULL DEFAULT FALSE,
    source_project_id      VARCHAR(255),
    destination_project_id VARCHAR(255),
    accepted               BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at             DATETIME(6)  NOT NULL,
    updated_at             DATETIME(6),
    deleted_at             DATETIME(6),
    deleted                BOOLEAN      NOT NULL DEFAULT FALSE,
    PRIMARY KEY (id),
    KEY ix_transfers_volume (volume_id, deleted),
    KEY ix_transfers_deleted_created (deleted, created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
