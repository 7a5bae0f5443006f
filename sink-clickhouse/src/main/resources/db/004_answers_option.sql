-- One selected option of a SingleOption/MultiOption answer; option_index is -1 when the title is not among the offered options.
-- row_id = responseId:version:questionIndex:ordinal.
CREATE TABLE IF NOT EXISTS kaizala.answers_option
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
    option_title String,
    option_index Int32,
    selection_index Int32,
    received_at DateTime('UTC') DEFAULT toDateTime(intDiv(received_at_ms, 1000))
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(received_at)
ORDER BY (group_id, action_id, question_index, received_at, row_id);

-- Rows of the latest version of each response only (taken from responses), each once: an edit that
-- drops a value removes it here.
CREATE VIEW IF NOT EXISTS kaizala.answers_option_latest AS
SELECT * FROM kaizala.answers_option FINAL
WHERE (response_id, version) IN (SELECT response_id, max(version) FROM kaizala.responses GROUP BY response_id);
