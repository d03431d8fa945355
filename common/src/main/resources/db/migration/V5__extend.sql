-- An extend in progress: the size asked for, and whether a scheduler has claimed the growth in the pool.
-- Kept on the row so a lost message or a crash never loses the request nor claims it twice.
ALTER TABLE volumes ADD COLUMN extend_size INT;
ALTER TABLE volumes ADD COLUMN extend_claimed BOOLEAN NOT NULL DEFAULT FALSE;
