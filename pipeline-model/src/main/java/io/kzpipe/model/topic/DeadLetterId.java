package io.kzpipe.model.topic;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;

/**
 * The identity of a dead letter, {@code dead_letters.row_id} = {@code stage:sourceTopic:sourcePartition:sourceOffset}:
 * the Kafka coordinates of the record that was refused. For a processor dead letter they come from its
 * {@code kz-source-*} headers (the raw record); for a gateway dead letter, which had no earlier Kafka home, they are
 * the dead-letter record's own. The sink computes row ids with it and {@code ./pipeline replay} selects and marks
 * ({@link PipelineHeaders#REPLAY_OF}) with it, so both always agree. Stateless.
 *
 * @param stage           {@code gateway}, {@code processor} or {@code sink}
 * @param sourceTopic     topic of the refused record
 * @param sourcePartition its partition
 * @param sourceOffset    its offset
 */
public record DeadLetterId(String stage, String sourceTopic, int sourcePartition, long sourceOffset) {

    /** The id of a record read from a dead-letter topic: stage from {@code kz-dlq-stage}, else {@code fallbackStage}. */
    public static DeadLetterId of(String topic, int partition, long offset,
            org.apache.kafka.common.header.Headers headers, String fallbackStage) {
        String stage = header(headers, PipelineHeaders.DLQ_STAGE);
        String headerTopic = header(headers, PipelineHeaders.SOURCE_TOPIC);
        Long headerPartition = number(header(headers, PipelineHeaders.SOURCE_PARTITION));
        Long headerOffset = number(header(headers, PipelineHeaders.SOURCE_OFFSET));
        boolean fromHeaders = headerTopic != null && !headerTopic.isEmpty() && headerPartition != null
                && headerOffset != null;
        return new DeadLetterId(stage == null ? fallbackStage : stage, fromHeaders ? headerTopic : topic,
                fromHeaders ? headerPartition.intValue() : partition, fromHeaders ? headerOffset : offset);
    }

    /** {@code stage:sourceTopic:sourcePartition:sourceOffset}. */
    public String rowId() {
        return stage + ':' + sourceTopic + ':' + sourcePartition + ':' + sourceOffset;
    }

    @Override
    public String toString() {
        return rowId();
    }

    private static String header(org.apache.kafka.common.header.Headers headers, String name) {
        Header h = headers == null ? null : headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static Long number(String s) {
        try {
            return s == null || s.isEmpty() ? null : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
