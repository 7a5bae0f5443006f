-- The ledger, processor side: what the stream processor did with each raw record (docs/DESIGN.md "Ledger").
-- Written in the same Kafka transaction as the record's typed records or dead letter. row_id = the raw record's
-- topic:partition:offset; outcome = typed | superseded | duplicate | dead_letter; event_id '' when the body has
-- none; replay_of = the kz-replay-of header ('' for a record the gateway accepted); received_at = the gateway
-- receive time of the raw record (of the original delivery for a replay). Portable: 18.16 and current releases.
CREATE TABLE IF NOT EXISTS kaizala.raw_outcomes
(
    schema_version UInt8,
    row_id String,
    event_id String,
    outcome String,
    replay_of String,
    received_at_ms Int64,
    received_at DateTime('UTC') DEFAULT toDateTime(intDiv(received_at_ms, 1000))
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (outcome, row_id);

-- Every row once.
CREATE VIEW IF NOT EXISTS kaizala.raw_outcomes_latest AS
SELECT * FROM kaizala.raw_outcomes FINAL;
