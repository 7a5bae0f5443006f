-- A finite Numeric answer.
-- row_id = responseId:version:questionIndex:ordinal.
CREATE TABLE IF NOT EXISTS kaizala.answers_numeric
(
    schema_version UInt8,
    row_id String,
    event_id String,
    response_id String,
    version UInt64,
    action_id String,
    group_id String,
    question_index Int32,
    question_title String,
    question_type String,
    received_at_ms Int64,
    value Float64,
    received_at DateTime('UTC') DEFAULT toDateTime(intDiv(received_at_ms, 1000))
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(received_at)
ORDER BY (group_id, action_id, question_index, received_at, row_id);

-- Rows of the latest version of each response only (taken from responses), each once: an edit that
-- drops a value removes it here.
CREATE VIEW IF NOT EXISTS kaizala.answers_numeric_latest AS
SELECT * FROM kaizala.answers_numeric FINAL
WHERE (response_id, version) IN (SELECT response_id, max(version) FROM kaizala.responses GROUP BY response_id);
