package io.kzpipe.gateway.kafka;

import io.kzpipe.model.topic.DeadLetterDetail;
import io.kzpipe.model.topic.PipelineHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds the records the gateway writes (docs/DESIGN.md, "Topics" and "PipelineHeaders"). The value is always the request
 * body exactly as received (the array is handed over, not copied); the record timestamp is the receive time.
 */
public final class GatewayRecords {

    public static final String STAGE = "gateway";

    private final String rawTopic;
    private final String deadLetterTopic;

    public GatewayRecords(String rawTopic, String deadLetterTopic) {
        this.rawTopic = rawTopic;
        this.deadLetterTopic = deadLetterTopic;
    }

    /** A valid event for the raw topic, keyed by {@code data.responseId} or else {@code eventId}. */
    public ProducerRecord<String, byte[]> accepted(String key, byte[] body, long receivedAtMs, String requestId,
            String contentType) {
        return new ProducerRecord<>(rawTopic, null, receivedAtMs, key, body,
                common(receivedAtMs, requestId, contentType));
    }

    /** A body that failed validation, for the gateway dead-letter topic, keyed by request id. */
    public ProducerRecord<String, byte[]> deadLetter(byte[] body, long receivedAtMs, String requestId,
            String contentType, String reason, String detail) {
        RecordHeaders headers = common(receivedAtMs, requestId, contentType);
        headers.add(PipelineHeaders.DLQ_STAGE, ascii(STAGE));
        headers.add(PipelineHeaders.DLQ_REASON, ascii(reason));
        headers.add(PipelineHeaders.DLQ_DETAIL, DeadLetterDetail.shorten(detail).getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(deadLetterTopic, null, receivedAtMs, requestId, body, headers);
    }

    private static RecordHeaders common(long receivedAtMs, String requestId, String contentType) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(PipelineHeaders.RECEIVED_AT, ascii(Long.toString(receivedAtMs)));
        headers.add(PipelineHeaders.REQUEST_ID, ascii(requestId));
        if (contentType != null) {
            headers.add(PipelineHeaders.CONTENT_TYPE, contentType.getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
