-- Generic volume groups (Cinder's group_types, group_type_specs, groups, group_volume_type_mapping and
-- group_snapshots). A group lives on one pool (host is host@backend#pool once a scheduler placed it) and its
-- volumes follow it; a group snapshot is one snapshot per volume of the group (snapshots.group_snapshot_id).
-- Group types are deleted for real, as volume types are here; groups and group snapshots are soft-deleted.
CREATE TABLE group_types (
    id          CHAR(36)     NOT NULL,
    name        VARCHAR(255) NOT NULL,
    description VARCHAR(255),
    is_public   BOOLEAN      NOT NULL DEFAULT TRUE,
    created_at  DATETIME(6)  NOT NULL,
    updated_at  DATETIME(6),
    PRIMARY KEY (id),
    CONSTRAINT uq_group_types_name UNIQUE (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE group_type_specs (
    group_type_id CHAR(36)     NOT NULL,
    `key`         VARCHAR(255) NOT NULL,
    `value`       VARCHAR(255),
    created_at    DATETIME(6)  NOT NULL,
    PRIMARY KEY (group_type_id, `key`)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE `groups` (
    id                 CHAR(36)     NOT NULL,
    user_id            VARCHAR(255),
    project_id         VARCHAR(255) NOT NULL,
    cluster_name       VARCHAR(255),
    host               VARCHAR(255),
    availability_zone  VARCHAR(255),
    name               VARCHAR(255),
    description        VARCHAR(255),
    group_type_id      CHAR(36)     NOT NULL,
    status             VARCHAR(255) NOT NULL,
    group_snapshot_id  CHAR(36),
    source_group_id    CHAR(36),
    replication_status VARCHAR(255),
    created_at         DATETIME(6)  NOT NULL,
    updated_at         DATETIME(6),
    deleted_at         DATETIME(6),
    deleted            BOOLEAN      NOT NULL DEFAULT FALSE,
    PRIMARY KEY (id),
    KEY ix_groups_project_created (project_id, deleted, created_at),
    KEY ix_groups_type (group_type_id, deleted)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The volume types a group accepts, in the order the request gave them.
CREATE TABLE group_volume_type_mapping (
    group_id       CHAR(36)    NOT NULL,
    volume_type_id CHAR(36)    NOT NULL,
    position       INT         NOT NULL,
    created_at     DATETIME(6) NOT NULL,
    PRIMARY KEY (group_id, volume_type_id),
    KEY ix_group_volume_type_mapping_type (volume_type_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE group_snapshots (
    id            CHAR(36)     NOT NULL,
    group_id      CHAR(36)     NOT NULL,
    user_id       VARCHAR(255),
    project_id    VARCHAR(255) NOT NULL,
    name          VARCHAR(255),
    description   VARCHAR(255),
    status        VARCHAR(255) NOT NULL,
    group_type_id CHAR(36),
    created_at    DATETIME(6)  NOT NULL,
    updated_at    DATETIME(6),
    deleted_at    DATETIME(6),
    deleted       BOOLEAN      NOT NULL DEFAULT FALSE,
    PRIMARY KEY (id),
    KEY ix_group_snapshots_project_created (project_id, deleted, created_at),
    KEY ix_group_snapshots_group (group_id, deleted)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE INDEX ix_volumes_group ON volumes (group_id);
CREATE INDEX ix_snapshots_group_snapshot ON snapshots (group_snapshot_id);
