-- One row per question of an action defined by ActionCreated / SurveyCreated. row_id = eventId:questionIndex.
CREATE TABLE IF NOT EXISTS kaizala.action_definitions
(
    schema_version UInt8,
    row_id String,
    event_id String,
    event_type String,
    action_id String,
    group_id String,
    action_package_id String,
    question_index Int32,
    question_title String,
    question_type String,
    options Array(String),
    is_invisible UInt8,
    received_at_ms Int64,
    received_at DateTime('UTC') DEFAULT toDateTime(intDiv(received_at_ms, 1000))
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(received_at)
ORDER BY (group_id, action_id, question_index, received_at, row_id);

-- Every row once (duplicates of a row collapse with FINAL).
CREATE VIEW IF NOT EXISTS kaizala.action_definitions_latest AS
SELECT * FROM kaizala.action_definitions FINAL;
