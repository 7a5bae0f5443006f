package io.kzpipe.sink.deadletter;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.kzpipe.model.json.Json;
import io.kzpipe.model.record.TypedRecord;
import io.kzpipe.model.topic.DeadLetterId;
import io.kzpipe.model.topic.EventIds;
import io.kzpipe.model.topic.PipelineHeaders;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.sink.row.Row;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * Builds {@code dead_letters} rows: from records of the gateway and processor dead-letter topics (raw
 * bytes plus {@link PipelineHeaders}), and from typed rows the sink could not load (stage {@code sink}). Row ids
 * are derived from Kafka coordinates, so a re-delivered dead letter collapses with its first copy.
 * Stateless and thread-safe.
 */
public final class DeadLetters {

    public static final String TABLE = "dead_letters";
    public static final String STAGE_SINK = "sink";
    /** ClickHouse refused the row; detail = ClickHouse's error. */
    public static final String REASON_REJECTED = "clickhouse_rejected";
    /** A typed topic carried a record without a value (null or blank). */
    public static final String REASON_EMPTY = "empty_record";
    /** A typed record is not well-formed JSON (syntax, truncated, trailing content, a column twice). */
    public static final String REASON_INVALID_JSON = "invalid_json";
    /** A typed record is not valid UTF-8. */
    public static final String REASON_INVALID_UTF8 = "invalid_utf8";
    /** A typed record is JSON but not an object. */
    public static final String REASON_NOT_AN_OBJECT = "not_an_object";
    /** A typed record lacks a column that is not Nullable; detail names it. */
    public static final String REASON_MISSING_COLUMN = "missing_column";
    /** A value does not fit its column (type, range, null in a non-Nullable column); detail names the column. */
    public static final String REASON_INVALID_VALUE = "invalid_value";
    /** Longest detail kept; ClickHouse errors can quote a lot of input. */
    public static final int MAX_DETAIL_CHARS = 4000;

    private DeadLetters() {}

    /** A record of {@link TopicId#DLQ_GATEWAY} or {@link TopicId#DLQ_PROCESSOR} as a dead_letters row. */
    public static Row fromDeadLetterTopic(ConsumerRecord<byte[], byte[]> rec, TopicId topic) {
        DeadLetterId id = DeadLetterId.of(rec.topic(), rec.partition(), rec.offset(), rec.headers(),
                topic == TopicId.DLQ_GATEWAY ? "gateway" : "processor");
        Long receivedAt = number(header(rec, PipelineHeaders.RECEIVED_AT, ""));
        byte[] payload = rec.value() == null ? new byte[0] : rec.value();
        DeadLetterRow row = new DeadLetterRow(TypedRecord.SCHEMA_VERSION, id.rowId(), id.stage(),
                header(rec, PipelineHeaders.DLQ_REASON, "unknown"),
                truncate(header(rec, PipelineHeaders.DLQ_DETAIL, "")), id.sourceTopic(), id.sourcePartition(),
                id.sourceOffset(), text(rec.key()), header(rec, PipelineHeaders.REQUEST_ID, ""),
                header(rec, PipelineHeaders.CONTENT_TYPE, ""), text(payload), base64IfNotUtf8(payload), payload.length,
                receivedAt != null ? receivedAt : rec.timestamp(), header(rec, PipelineHeaders.REPLAY_OF, ""),
                payload.length == 0 ? header(rec, PipelineHeaders.EVENT_ID, "") : EventIds.of(payload));
        return new Row(new TopicPartition(rec.topic(), rec.partition()), rec.offset(), rec.timestamp(), rec.key(),
                toJson(row));
    }

    /**
     * A typed row the sink could not load, as a dead_letters row of stage {@code sink}. The result keeps the
     * Kafka coordinates of {@code rejected} (its offset is committed with the typed batch).
     */
    public static Row fromRejectedRow(Row rejected, String reason, String detail) {
        TopicPartition p = rejected.partition();
        byte[] payload = rejected.json() == null ? new byte[0] : rejected.json();
        DeadLetterRow row = new DeadLetterRow(TypedRecord.SCHEMA_VERSION,
                new DeadLetterId(STAGE_SINK, p.topic(), p.partition(), rejected.offset()).rowId(), STAGE_SINK, reason,
                truncate(detail), p.topic(), p.partition(), rejected.offset(), text(rejected.key()), "",
                "application/json", text(payload), base64IfNotUtf8(payload), payload.length, rejected.timestampMs(), "",
                "");
        return new Row(p, rejected.offset(), rejected.timestampMs(), rejected.key(), toJson(row));
    }

    static String truncate(String s) {
        return s.length() <= MAX_DETAIL_CHARS ? s : s.substring(0, MAX_DETAIL_CHARS) + "…";
    }

    private static byte[] toJson(DeadLetterRow row) {
        try {
            return Json.MAPPER.writeValueAsBytes(row);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a dead letter row", e);
        }
    }

    private static String header(ConsumerRecord<?, ?> rec, String name, String fallback) {
        Header h = rec.headers().lastHeader(name);
        return h == null || h.value() == null ? fallback : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static Long number(String s) {
        try {
            return s.isEmpty() ? null : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String text(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
    }

    private static String base64IfNotUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return "";
        } catch (CharacterCodingException e) {
            return Base64.getEncoder().encodeToString(bytes);
        }
    }
}
