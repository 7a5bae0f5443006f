-- Replay (./pipeline replay): replay_of = row_id of the dead letter a record was a replay of (header kz-replay-of;
-- empty for a first failure), so a replay that fails again says so and the dead letter it replaced stops counting.
-- event_id = the payload's top-level eventId for gateway and processor dead letters (empty otherwise, and for rows
-- written before this migration): a dead letter whose event has an events row is recovered. No DEFAULT, so the sink
-- writes both (its insert columns are the columns without a default expression). 18.16 has no ADD COLUMN IF NOT
-- EXISTS: the migrator skips an ADD COLUMN whose column exists, so the file can run again.
ALTER TABLE kaizala.dead_letters ADD COLUMN replay_of String;

ALTER TABLE kaizala.dead_letters ADD COLUMN event_id String;

-- The view's SELECT * was expanded when it was created (18.16): create it again to show the new columns.
DROP TABLE IF EXISTS kaizala.dead_letters_latest;

CREATE VIEW IF NOT EXISTS kaizala.dead_letters_latest AS
SELECT * FROM kaizala.dead_letters FINAL;
