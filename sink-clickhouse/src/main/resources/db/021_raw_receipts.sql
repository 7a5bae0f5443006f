-- The ledger, gateway side: every record of the raw topic, i.e. every delivery the gateway answered 2xx
-- after Kafka acknowledged it (plus replays, marked by replay_of), loaded by the sink from the raw topic's
-- headers, never its body (docs/DESIGN.md "Ledger"). row_id = topic:partition:offset (the row_id of its
-- raw_outcomes row); request_id = kz-request-id; replay_of = kz-replay-of ('' for an accepted delivery);
-- payload_size = body bytes; received_at = kz-received-at. Portable: 18.16 and current releases.
CREATE TABLE IF NOT EXISTS kaizala.raw_receipts
(
    schema_version UInt8,
    row_id String,
    request_id String,
    replay_of String,
    payload_size UInt32,
    received_at_ms Int64,
    received_at DateTime('UTC') DEFAULT toDateTime(intDiv(received_at_ms, 1000))
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (row_id);

-- Every row once.
CREATE VIEW IF NOT EXISTS kaizala.raw_receipts_latest AS
SELECT * FROM kaizala.raw_receipts FINAL;
