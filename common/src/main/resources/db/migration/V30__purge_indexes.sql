-- cinder-manage db purge finds soft-deleted rows by age: one index range per table, read in batches
-- of primary keys, so purging old rows touches only those rows and never scans live ones.
CREATE INDEX ix_volumes_deleted_at ON volumes (deleted, deleted_at);
CREATE INDEX ix_snapshots_deleted_at ON snapshots (deleted, deleted_at);
CREATE INDEX ix_volume_attachment_deleted_at ON volume_attachment (deleted, deleted_at);
