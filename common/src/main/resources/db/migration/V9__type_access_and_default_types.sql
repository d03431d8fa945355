-- Private volume types and the projects that may use them (Cinder's volume_type_projects), and each project's
-- own default volume type (Cinder's default_volume_types, API 3.62).
CREATE TABLE volume_type_projects (
    volume_type_id CHAR(36)     NOT NULL,
    project_id     VARCHAR(255) NOT NULL,
    created_at     DATETIME(6)  NOT NULL,
    PRIMARY KEY (volume_type_id, project_id),
    KEY ix_volume_type_projects_project (project_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE default_volume_types (
    project_id     VARCHAR(255) NOT NULL,
    volume_type_id CHAR(36)     NOT NULL,
    created_at     DATETIME(6)  NOT NULL,
    updated_at     DATETIME(6),
    PRIMARY KEY (project_id),
    KEY ix_default_volume_types_type (volume_type_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
