-- Creates a client may send again after losing the answer (a timeout, a reset connection): a create that
-- carries an Idempotency-Key header records the key with the resource it made, in the create's own
-- transaction, so a retry finds that resource instead of making a second one (IdempotencyKeys).
CREATE TABLE idempotency_keys (
    project_id  VARCHAR(255) NOT NULL,
    kind        VARCHAR(32)  NOT NULL,
    idem_key    VARCHAR(255) NOT NULL,
    resource_id CHAR(36)     NOT NULL,
    fingerprint CHAR(64)     NOT NULL,
    created_at  DATETIME(6)  NOT NULL,
    PRIMARY KEY (project_id, kind, idem_key),
    KEY ix_idempotency_keys_created_at (created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
