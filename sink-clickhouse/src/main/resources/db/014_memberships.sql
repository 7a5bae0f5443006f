-- MemberAdded and MemberRemoved events; role is Kaizala's member type (Member, Admin). row_id = eventId.
CREATE TABLE IF NOT EXISTS kaizala.memberships
(
    schema_version UInt8,
    row_id String,
    event_id String,
    event_type String,
    group_id String,
    member String,
    member_id String,
    member_name String,
    role String,
    from_user String,
    received_at_ms Int64,
    received_at DateTime('UTC') DEFAULT toDateTime(intDiv(received_at_ms, 1000))
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(received_at)
ORDER BY (group_id, event_type, received_at, row_id);

-- Every row once (duplicates of a row collapse with FINAL).
CREATE VIEW IF NOT EXISTS kaizala.memberships_latest AS
SELECT * FROM kaizala.memberships FINAL;
