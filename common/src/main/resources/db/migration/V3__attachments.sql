-- Attachments (Cinder's volume_attachment): one row per host a volume is attached to or reserved for.
-- attach_status follows Cinder: reserved -> attaching -> attached (-> detached when deleted). The
-- connection_info column holds the flattened connection info handed to the host, CHAP secret included,
-- as Cinder stores it; connector holds the host's connector as it sent it.
CREATE TABLE volume_attachment (
    id              CHAR(36)     NOT NULL,
    volume_id       CHAR(36)     NOT NULL,
    instance_uuid   VARCHAR(36),
    attached_host   VARCHAR(255),
    mountpoint      VARCHAR(255),
    attach_time     DATETIME(6),
    detach_time     DATETIME(6),
    attach_status   VARCHAR(255) NOT NULL,
    attach_mode     VARCHAR(36),
    connection_info TEXT,
    connector       TEXT,
    volume_host     VARCHAR(255),
    created_at      DATETIME(6)  NOT NULL,
    updated_at      DATETIME(6),
    deleted_at      DATETIME(6),
    deleted         BOOLEAN      NOT NULL DEFAULT FALSE,
    PRIMARY KEY (id),
    KEY ix_volume_attachment_volume (volume_id, deleted),
    KEY ix_volume_attachment_status (attach_status, updated_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Admin metadata (Cinder's volume_admin_metadata): keys users cannot set, such as readonly and
-- attached_mode, which Cinder shows among a volume's metadata.
CREATE TABLE volume_admin_metadata (
    volume_id  CHAR(36)     NOT NULL,
    `key`      VARCHAR(255) NOT NULL,
    `value`    VARCHAR(255) NOT NULL,
    created_at DATETIME(6)  NOT NULL,
    PRIMARY KEY (volume_id, `key`)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
