package io.kzpipe.cli.replay;

import io.kzpipe.model.topic.DeadLetterId;
import io.kzpipe.model.topic.PipelineHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * One record of a dead-letter topic, as {@code replay} needs it: its {@code dead_letters} identity
 * ({@link DeadLetterId}, computed exactly as the sink computes it), reason, original receive time, the row id it
 * was itself a replay of, and the record (exact key, value and headers).
 *
 * @param id           the dead letter's identity; {@code id.rowId()} is its {@code dead_letters.row_id}
 * @param reason       {@code kz-dlq-reason}, or {@code unknown} as in the sink
 * @param receivedAtMs {@code kz-received-at}, else the record timestamp (as in the sink)
 * @param replayOf     {@code kz-replay-of}, or {@code ""} when this dead letter is a first failure
 * @param record       the record as read
 */
public record DeadLetter(DeadLetterId id, String reason, long receivedAtMs, String replayOf,
        ConsumerRecord<byte[], byte[]> record) {

    /** A record of a dead-letter topic whose stage is {@code fallbackStage} when it has no {@code kz-dlq-stage}. */
    public static DeadLetter of(ConsumerRecord<byte[], byte[]> rec, String fallbackStage) {
        DeadLetterId id = DeadLetterId.of(rec.topic(), rec.partition(), rec.offset(), rec.headers(), fallbackStage);
        String received = header(rec, PipelineHeaders.RECEIVED_AT);
        long receivedAt = rec.timestamp();
        try {
            receivedAt = received == null ? receivedAt : Long.parseLong(received.trim());
        } catch (NumberFormatException e) {
            // as the sink: the record timestamp
        }
        String reason = header(rec, PipelineHeaders.DLQ_REASON);
        String replayOf = header(rec, PipelineHeaders.REPLAY_OF);
        return new DeadLetter(id, reason == null ? "unknown" : reason, receivedAt, replayOf == null ? "" : replayOf,
                rec);
    }

    /**
     * Where the raw record of a processor dead letter is ({@code kz-source-topic}, {@code -partition},
     * {@code -offset}), or empty when a header is missing.
     */
    public Optional<RawCoordinates> source() {
        String topic = header(record, PipelineHeaders.SOURCE_TOPIC);
        String partition = header(record, PipelineHeaders.SOURCE_PARTITION);
        String offset = header(record, PipelineHeaders.SOURCE_OFFSET);
        try {
            return topic == null || topic.isEmpty() || partition == null || offset == null
                    ? Optional.empty()
                    : Optional.of(new RawCoordinates(new TopicPartition(topic, Integer.parseInt(partition.trim())),
                            Long.parseLong(offset.trim())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The same dead letter with {@code value} as its body (the raw record's, for one written without it). */
    public DeadLetter withValue(byte[] value) {
        ConsumerRecord<byte[], byte[]> r = record;
        return new DeadLetter(id, reason, receivedAtMs, replayOf,
                new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(), r.timestampType(),
                        r.serializedKeySize(), value.length, r.key(), value, r.headers(), r.leaderEpoch()));
    }

    /** A record's place in a topic. */
    public record RawCoordinates(TopicPartition partition, long offset) {}

    public String stage() {
        return id.stage();
    }

    /** {@code kz-pulled}: the pull source of a puller dead letter, or {@code ""}. */
    public String pulledFrom() {
        String source = header(record, PipelineHeaders.PULLED);
        return source == null ? "" : source;
    }

    public String rowId() {
        return id.rowId();
    }

    private static String header(ConsumerRecord<?, ?> rec, String name) {
        Header h = rec.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
