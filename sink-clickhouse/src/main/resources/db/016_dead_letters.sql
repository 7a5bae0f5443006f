-- What a stage refused, with its reason and the exact payload: gateway and processor dead-letter topics,
-- and rows ClickHouse refused (stage 'sink'). source_topic/partition/offset = the Kafka record that was
-- refused (for stage 'gateway' the dead-letter record itself: the request had no earlier Kafka home).
-- row_id = stage:source_topic:source_partition:source_offset. payload is the payload as UTF-8 text
-- (invalid sequences replaced by U+FFFD); payload_base64 holds the exact bytes when they are not valid
-- UTF-8 and is empty otherwise.
CREATE TABLE IF NOT EXISTS kaizala.dead_letters
(
    schema_version UInt8,
    row_id String,
    stage String,
    reason String,
    detail String,
    source_topic String,
    source_partition Int32,
    source_offset Int64,
    kafka_key String,
    request_id String,
    content_type String,
    payload String,
    payload_base64 String,
    payload_size UInt32,
    received_at_ms Int64,
    received_at DateTime('UTC') DEFAULT toDateTime(intDiv(received_at_ms, 1000))
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(received_at)
ORDER BY (stage, reason, received_at, row_id);

-- Every dead letter once.
CREATE VIEW IF NOT EXISTS kaizala.dead_letters_latest AS
SELECT * FROM kaizala.dead_letters FINAL;
