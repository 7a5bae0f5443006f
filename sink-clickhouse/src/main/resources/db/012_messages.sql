-- TextMessageCreated, Announcement and AttachmentCreated events. row_id = eventId.
CREATE TABLE IF NOT EXISTS kaizala.messages
(
    schema_version UInt8,
    row_id String,
    event_id String,
    event_type String,
    group_id String,
    from_user String,
    from_user_name String,
    text String,
    title String,
    caption String,
    action_type String,
    media_urls Array(String),
    media_file_names Array(String),
    received_at_ms Int64,
    received_at DateTime('UTC') DEFAULT toDateTime(intDiv(received_at_ms, 1000))
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(received_at)
ORDER BY (group_id, event_type, received_at, row_id);

-- Every row once (duplicates of a row collapse with FINAL).
CREATE VIEW IF NOT EXISTS kaizala.messages_latest AS
SELECT * FROM kaizala.messages FINAL;
