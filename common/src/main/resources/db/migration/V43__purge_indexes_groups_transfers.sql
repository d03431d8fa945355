-- cinder-manage db purge reads old soft-deleted transfers, groups and group snapshots by age, as V30 does
-- for volumes, snapshots and attachments.
CREATE INDEX ix_transfers_deleted_at ON transfers (deleted, deleted_at);
CREATE INDEX ix_groups_deleted_at ON `groups` (deleted, deleted_at);
CREATE INDEX ix_group_snapshots_deleted_at ON group_snapshots (deleted, deleted_at);
