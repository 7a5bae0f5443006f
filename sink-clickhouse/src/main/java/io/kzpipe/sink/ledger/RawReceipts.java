package io.kzpipe.sink.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.kzpipe.model.json.Json;
import io.kzpipe.model.record.RawOutcome;
import io.kzpipe.model.record.TypedRecord;
import io.kzpipe.model.topic.PipelineHeaders;
import io.kzpipe.sink.row.Row;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * Builds {@code raw_receipts} rows from records of the raw topic: the ledger's count of what the gateway
 * acknowledged, independent of the processor (docs/DESIGN.md "Ledger"). Only coordinates and headers are kept,
 * never the body. The row id is the record's coordinates ({@link RawOutcome#rowId}), so a re-delivered record
 * collapses with its first copy. Stateless and thread-safe.
 */
public final class RawReceipts {

    public static final String TABLE = "raw_receipts";

    /**
     * One row of {@code raw_receipts} ({@code db/021_raw_receipts.sql}); serialized with {@code Json.MAPPER}, its
     * snake_case fields are the table's insert columns.
     *
     * @param replayOf     header {@code kz-replay-of}, {@code ''} for a delivery the gateway accepted
     * @param receivedAtMs header {@code kz-received-at}, else the record timestamp
     */
    public record RawReceiptRow(int schemaVersion, String rowId, String requestId, String replayOf, long payloadSize,
            long receivedAtMs) {}

    private RawReceipts() {}

    /** A record of the raw topic as a raw_receipts row, with the record's own coordinates. */
    public static Row fromRawTopic(ConsumerRecord<byte[], byte[]> rec) {
        Long receivedAt = number(header(rec, PipelineHeaders.RECEIVED_AT));
        RawReceiptRow row = new RawReceiptRow(TypedRecord.SCHEMA_VERSION,
                RawOutcome.rowId(rec.topic(), rec.partition(), rec.offset()), header(rec, PipelineHeaders.REQUEST_ID),
                header(rec, PipelineHeaders.REPLAY_OF), rec.value() == null ? 0 : rec.value().length,
                receivedAt != null ? receivedAt : rec.timestamp());
        try {
            return new Row(new TopicPartition(rec.topic(), rec.partition()), rec.offset(), rec.timestamp(), rec.key(),
                    Json.MAPPER.writeValueAsBytes(row));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a raw receipt row", e);
        }
    }

    private static String header(ConsumerRecord<?, ?> rec, String name) {
        Header h = rec.headers().lastHeader(name);
        return h == null || h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static Long number(String s) {
        try {
            long v = Long.parseLong(s.trim());
            return v >= 0 ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
