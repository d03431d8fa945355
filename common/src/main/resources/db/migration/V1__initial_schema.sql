-- Ember's schema, shaped after Cinder's tables (cinder/db/models.py): same table and column names
-- where a concept is shared, so operators' queries and habits carry over.
-- Runs unchanged on MariaDB/MySQL and on H2 in MySQL mode (the all-in-one): TEXT instead of JSON,
-- timestamps are computed in Java and bound, full-column indexes only.
-- Soft delete (deleted/deleted_at) is kept where Cinder keeps history users can see; lookup tables
-- whose rows nothing refers to after deletion are deleted for real, so unique keys stay simple.

CREATE TABLE services (
    id                     INT          NOT NULL AUTO_INCREMENT,
    uuid                   CHAR(36)     NOT NULL,
    host                   VARCHAR(255) NOT NULL,
    `binary`               VARCHAR(255) NOT NULL,
    topic                  VARCHAR(255) NOT NULL,
    report_count           INT          NOT NULL DEFAULT 0,
    disabled               BOOLEAN      NOT NULL DEFAULT FALSE,
    disabled_reason        VARCHAR(255),
    availability_zone      VARCHAR(255) NOT NULL,
    rpc_current_version    VARCHAR(36),
    object_current_version VARCHAR(36),
    replication_status     VARCHAR(36),
    active_backend_id      VARCHAR(255),
    frozen                 BOOLEAN      NOT NULL DEFAULT FALSE,
    cluster_name           VARCHAR(255),
    created_at             DATETIME(6)  NOT NULL,
    updated_at             DATETIME(6),
    modified_at            DATETIME(6),
    PRIMARY KEY (id),
    CONSTRAINT uq_services_host_binary UNIQUE (host, `binary`)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE volume_types (
    id           CHAR(36)     NOT NULL,
    name         VARCHAR(255) NOT NULL,
    description  VARCHAR(255),
    is_public    BOOLEAN      NOT NULL DEFAULT TRUE,
    qos_specs_id CHAR(36),
    created_at   DATETIME(6)  NOT NULL,
    updated_at   DATETIME(6),
    PRIMARY KEY (id),
    CONSTRAINT uq_volume_types_name UNIQUE (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE volume_type_extra_specs (
    volume_type_id CHAR(36)     NOT NULL,
    `key`          VARCHAR(255) NOT NULL,
    `value`        VARCHAR(255) NOT NULL,
    created_at     DATETIME(6)  NOT NULL,
    PRIMARY KEY (volume_type_id, `key`)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE volumes (
    id                  CHAR(36)     NOT NULL,
    user_id             VARCHAR(255),
    project_id          VARCHAR(255) NOT NULL,
    host                VARCHAR(255),
    cluster_name        VARCHAR(255),
    size                INT          NOT NULL,
    availability_zone   VARCHAR(255),
    status              VARCHAR(255) NOT NULL,
    attach_status       VARCHAR(255) NOT NULL,
    migration_status    VARCHAR(255),
    previous_status     VARCHAR(255),
    scheduled_at        DATETIME(6),
    launched_at         DATETIME(6),
    terminated_at       DATETIME(6),
    display_name        VARCHAR(255),
    display_description VARCHAR(255),
    provider_location   VARCHAR(255),
    provider_auth       VARCHAR(255),
    provider_geometry   VARCHAR(255),
    provider_id         VARCHAR(255),
    volume_type_id      CHAR(36)     NOT NULL,
    snapshot_id         CHAR(36),
    source_volid        CHAR(36),
    encryption_key_id   CHAR(36),
    consistencygroup_id CHAR(36),
    group_id            CHAR(36),
    bootable            BOOLEAN      NOT NULL DEFAULT FALSE,
    multiattach         BOOLEAN      NOT NULL DEFAULT FALSE,
    replication_status  VARCHAR(255),
    service_uuid        CHAR(36),
    shared_targets      BOOLEAN      DEFAULT TRUE,
    use_quota           BOOLEAN      NOT NULL DEFAULT TRUE,
    created_at          DATETIME(6)  NOT NULL,
    updated_at          DATETIME(6),
    deleted_at          DATETIME(6),
    deleted             BOOLEAN      NOT NULL DEFAULT FALSE,
    PRIMARY KEY (id),
    KEY ix_volumes_project_created (project_id, deleted, created_at),
    KEY ix_volumes_deleted_created (deleted, created_at),
    KEY ix_volumes_host (host),
    KEY ix_volumes_status_updated (status, updated_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE volume_metadata (
    volume_id  CHAR(36)     NOT NULL,
    `key`      VARCHAR(255) NOT NULL,
    `value`    VARCHAR(255) NOT NULL,
    created_at DATETIME(6)  NOT NULL,
    PRIMARY KEY (volume_id, `key`)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- One row per pool (host@backend#pool): the capabilities its volume service last reported, and the
-- capacity claims the schedulers made. A scheduler claims capacity with one conditional UPDATE of
-- allocated_capacity_gb in the transaction that assigns the volume's host, so schedulers racing for
-- the same pool can never over-allocate it. The claims always equal the sizes of the live volumes
-- placed in the pool.
CREATE TABLE pools (
    name                  VARCHAR(255) NOT NULL,
    backend               VARCHAR(255) NOT NULL,
    allocated_capacity_gb BIGINT       NOT NULL DEFAULT 0,
    volume_count          INT          NOT NULL DEFAULT 0,
    capabilities          TEXT,
    reported_at           DATETIME(6),
    PRIMARY KEY (name),
    KEY ix_pools_backend (backend)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- User messages (Cinder's /messages API, microversion 3.3): why an operation a user asked for failed.
CREATE TABLE messages (
    id            CHAR(36)     NOT NULL,
    project_id    VARCHAR(255) NOT NULL,
    request_id    VARCHAR(255),
    resource_type VARCHAR(255),
    resource_uuid VARCHAR(36),
    event_id      VARCHAR(255) NOT NULL,
    message_level VARCHAR(255) NOT NULL,
    action_id     VARCHAR(10),
    detail_id     VARCHAR(10),
    created_at    DATETIME(6)  NOT NULL,
    expires_at    DATETIME(6),
    PRIMARY KEY (id),
    KEY ix_messages_project (project_id, created_at),
    KEY ix_messages_resource (resource_uuid)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
