-- JobCreated and JobResponse events. row_id = eventId.
CREATE TABLE IF NOT EXISTS kaizala.jobs
(
    schema_version UInt8,
    row_id String,
    event_id String,
    event_type String,
    action_id String,
    group_id String,
    title String,
    text String,
    due_date_ms Nullable(Int64),
    assigned_to Array(String),
    response_id String,
    assignee String,
    assignee_name String,
    is_completed Nullable(UInt8),
    received_at_ms Int64,
    received_at DateTime('UTC') DEFAULT toDateTime(intDiv(received_at_ms, 1000))
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(received_at)
ORDER BY (group_id, action_id, received_at, row_id);

-- Every row once (duplicates of a row collapse with FINAL).
CREATE VIEW IF NOT EXISTS kaizala.jobs_latest AS
SELECT * FROM kaizala.jobs FINAL;
