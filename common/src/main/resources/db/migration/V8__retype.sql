-- A retype in progress (status 'retyping'): the type asked for and Cinder's migration_policy, kept on the row
-- so that a lost message can be sent again and a restarted service can finish or undo it.
ALTER TABLE volumes ADD COLUMN retype_type_id CHAR(36);
ALTER TABLE volumes ADD COLUMN retype_policy VARCHAR(16);
