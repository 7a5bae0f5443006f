-- Step 3 of the read model: the new tables take the old names, and the _latest views (every fact once, the
-- current version of each response) are recreated over them. The sink's migrator treats a RENAME whose source is
-- gone and whose target exists as already applied, so this file can run again after a crash.
-- The views read all history: they are for ad-hoc queries. Dashboards read the tables with their time range
-- inside (docs/DESIGN.md, "Read model").
RENAME TABLE kaizala.responses_next TO kaizala.responses;
RENAME TABLE kaizala.answers_option_next TO kaizala.answers_option;
RENAME TABLE kaizala.answers_numeric_next TO kaizala.answers_numeric;
RENAME TABLE kaizala.answers_location_next TO kaizala.answers_location;
RENAME TABLE kaizala.answers_text_next TO kaizala.answers_text;
RENAME TABLE kaizala.answers_datetime_next TO kaizala.answers_datetime;
RENAME TABLE kaizala.answers_media_next TO kaizala.answers_media;
RENAME TABLE kaizala.answers_other_next TO kaizala.answers_other;
RENAME TABLE kaizala.answer_rejects_next TO kaizala.answer_rejects;
RENAME TABLE kaizala.events_next TO kaizala.events;
RENAME TABLE kaizala.messages_next TO kaizala.messages;
RENAME TABLE kaizala.jobs_next TO kaizala.jobs;
RENAME TABLE kaizala.memberships_next TO kaizala.memberships;
RENAME TABLE kaizala.action_definitions_next TO kaizala.action_definitions;
RENAME TABLE kaizala.dead_letters_next TO kaizala.dead_letters;

-- Rows of the current version of each response, each once.
CREATE VIEW IF NOT EXISTS kaizala.responses_latest AS
SELECT * FROM kaizala.responses FINAL
WHERE (response_id, version) NOT IN (SELECT response_id, version FROM kaizala.response_supersessions);

-- Rows of the current version of each response, each once.
CREATE VIEW IF NOT EXISTS kaizala.answers_option_latest AS
SELECT * FROM kaizala.answers_option FINAL
WHERE (response_id, version) NOT IN (SELECT response_id, version FROM kaizala.response_supersessions);

-- Rows of the current version of each response, each once.
CREATE VIEW IF NOT EXISTS kaizala.answers_numeric_latest AS
SELECT * FROM kaizala.answers_numeric FINAL
WHERE (response_id, version) NOT IN (SELECT response_id, version FROM kaizala.response_supersessions);

-- Rows of the current version of each response, each once.
CREATE VIEW IF NOT EXISTS kaizala.answers_location_latest AS
SELECT * FROM kaizala.answers_location FINAL
WHERE (response_id, version) NOT IN (SELECT response_id, version FROM kaizala.response_supersessions);

-- Rows of the current version of each response, each once.
CREATE VIEW IF NOT EXISTS kaizala.answers_text_latest AS
SELECT * FROM kaizala.answers_text FINAL
WHERE (response_id, version) NOT IN (SELECT response_id, version FROM kaizala.response_supersessions);

-- Rows of the current version of each response, each once.
CREATE VIEW IF NOT EXISTS kaizala.answers_datetime_latest AS
SELECT * FROM kaizala.answers_datetime FINAL
WHERE (response_id, version) NOT IN (SELECT response_id, version FROM kaizala.response_supersessions);

-- Rows of the current version of each response, each once.
CREATE VIEW IF NOT EXISTS kaizala.answers_media_latest AS
SELECT * FROM kaizala.answers_media FINAL
WHERE (response_id, version) NOT IN (SELECT response_id, version FROM kaizala.response_supersessions);

-- Rows of the current version of each response, each once.
CREATE VIEW IF NOT EXISTS kaizala.answers_other_latest AS
SELECT * FROM kaizala.answers_other FINAL
WHERE (response_id, version) NOT IN (SELECT response_id, version FROM kaizala.response_supersessions);

-- Rows of the current version of each response, each once.
CREATE VIEW IF NOT EXISTS kaizala.answer_rejects_latest AS
SELECT * FROM kaizala.answer_rejects FINAL
WHERE (response_id, version) NOT IN (SELECT response_id, version FROM kaizala.response_supersessions);

-- Every event once, also when a copy arrived again after the processor's dedup window.
CREATE VIEW IF NOT EXISTS kaizala.events_latest AS
SELECT * FROM kaizala.events FINAL
LIMIT 1 BY row_id;

-- Every event once, also when a copy arrived again after the processor's dedup window.
CREATE VIEW IF NOT EXISTS kaizala.messages_latest AS
SELECT * FROM kaizala.messages FINAL
LIMIT 1 BY row_id;

-- Every event once, also when a copy arrived again after the processor's dedup window.
CREATE VIEW IF NOT EXISTS kaizala.jobs_latest AS
SELECT * FROM kaizala.jobs FINAL
LIMIT 1 BY row_id;

-- Every event once, also when a copy arrived again after the processor's dedup window.
CREATE VIEW IF NOT EXISTS kaizala.memberships_latest AS
SELECT * FROM kaizala.memberships FINAL
LIMIT 1 BY row_id;

-- Every event once, also when a copy arrived again after the processor's dedup window.
CREATE VIEW IF NOT EXISTS kaizala.action_definitions_latest AS
SELECT * FROM kaizala.action_definitions FINAL
LIMIT 1 BY row_id;

-- Every dead letter once.
CREATE VIEW IF NOT EXISTS kaizala.dead_letters_latest AS
SELECT * FROM kaizala.dead_letters FINAL;

-- Every marker once.
CREATE VIEW IF NOT EXISTS kaizala.response_supersessions_latest AS
SELECT * FROM kaizala.response_supersessions FINAL;
