package io.kzpipe.sink.deadletter;

/**
 * One row of the {@code dead_letters} table; serialized with {@code Json.MAPPER} its snake_case fields are
 * the table's insert columns (see {@code db/016_dead_letters.sql}).
 *
 * @param rowId           {@code stage:sourceTopic:sourcePartition:sourceOffset}, stable across re-deliveries
 * @param stage           {@code gateway}, {@code processor} or {@code sink}
 * @param reason          machine-readable code (docs/DESIGN.md)
 * @param detail          human-readable detail (for the sink: ClickHouse's error)
 * @param sourceTopic     topic of the refused record (for the gateway: the dead-letter topic itself)
 * @param payload         the payload as UTF-8 text (invalid sequences replaced)
 * @param payloadBase64   the exact payload bytes when they are not valid UTF-8, else empty
 * @param payloadSize     payload length in bytes
 * @param receivedAtMs    gateway receive time, epoch ms
 * @param replayOf        row id of the dead letter this record was a replay of (header {@code kz-replay-of}), else empty
 * @param eventId         the payload's top-level {@code eventId} for gateway and processor dead letters, else empty:
 *                        the dead letter is recovered once an {@code events} row has this id
 */
public record DeadLetterRow(int schemaVersion, String rowId, String stage, String reason, String detail,
        String sourceTopic, int sourcePartition, long sourceOffset, String kafkaKey, String requestId,
        String contentType, String payload, String payloadBase64, long payloadSize, long receivedAtMs, String replayOf,
        String eventId) {}
