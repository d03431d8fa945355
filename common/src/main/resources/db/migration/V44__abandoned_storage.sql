-- Storage a backend may still hold for a volume that left it: the re-drive takes an unfinished create back
-- from a backend that has been down too long (PoolRepository.unplace), and that backend may have made the
-- volume's storage just before it died. The row is written in the same transaction as the unplace; the
-- backend removes the storage (unless the volume came back to it) and then the row (AbandonedStorage).
CREATE TABLE abandoned_storage (
    backend    VARCHAR(255) NOT NULL,
    volume_id  CHAR(36)     NOT NULL,
    pool       VARCHAR(255) NOT NULL,
    size       INT          NOT NULL,
    created_at DATETIME(6)  NOT NULL,
    PRIMARY KEY (backend, volume_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
