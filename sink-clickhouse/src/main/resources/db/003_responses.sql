-- One row per version of a response. row_id = responseId:version; the highest version of a response_id
-- is the current one (an edit outranks the original, see ResponseVersion).
CREATE TABLE IF NOT EXISTS kaizala.responses
(
    schema_version UInt8,
    row_id String,
    event_id String,
    event_type String,
    response_id String,
    action_id String,
    group_id String,
    action_package_id String,
    package_id String,
    responder String,
    responder_id String,
    responder_name String,
    responder_profile_pic String,
    is_anonymous UInt8,
    is_update UInt8,
    response_time_ms Nullable(Int64),
    version UInt64,
    answer_count Int32,
    received_at_ms Int64,
    received_at DateTime('UTC') DEFAULT toDateTime(intDiv(received_at_ms, 1000))
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(received_at)
ORDER BY (group_id, action_id, received_at, row_id);

-- The latest version of every response, once.
CREATE VIEW IF NOT EXISTS kaizala.responses_latest AS
SELECT * FROM kaizala.responses FINAL
WHERE (response_id, version) IN (SELECT response_id, max(version) FROM kaizala.responses GROUP BY response_id);
