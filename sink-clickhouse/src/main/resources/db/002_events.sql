-- One row per accepted webhook delivery (any event type). row_id = eventId.
CREATE TABLE IF NOT EXISTS kaizala.events
(
    schema_version UInt8,
    row_id String,
    event_id String,
    event_type String,
    object_id String,
    object_type String,
    group_id String,
    action_id String,
    response_id String,
    from_user String,
    from_user_id String,
    from_user_name String,
    from_user_profile_pic String,
    context String,
    subscription_id String,
    received_at_ms Int64,
    raw_json String,
    received_at DateTime('UTC') DEFAULT toDateTime(intDiv(received_at_ms, 1000))
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(received_at)
ORDER BY (event_type, group_id, received_at, row_id);

-- Every event once (duplicates of a row collapse with FINAL).
CREATE VIEW IF NOT EXISTS kaizala.events_latest AS
SELECT * FROM kaizala.events FINAL;
