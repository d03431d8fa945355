-- QoS specs (Cinder's quality_of_service_specs, which keeps a spec and its keys as parent and child rows of one
-- table; here a spec is one row and its keys are rows of their own). A volume type names its spec in
-- volume_types.qos_specs_id.
CREATE TABLE qos_specs (
    id         CHAR(36)     NOT NULL,
    name       VARCHAR(255) NOT NULL,
    consumer   VARCHAR(16)  NOT NULL,
    created_at DATETIME(6)  NOT NULL,
    updated_at DATETIME(6),
    PRIMARY KEY (id),
    CONSTRAINT uq_qos_specs_name UNIQUE (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE qos_spec_keys (
    qos_specs_id CHAR(36)     NOT NULL,
    `key`        VARCHAR(255) NOT NULL,
    `value`      VARCHAR(255) NOT NULL,
    created_at   DATETIME(6)  NOT NULL,
    PRIMARY KEY (qos_specs_id, `key`)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
