package io.kzpipe.processor.errors;

import io.kzpipe.model.topic.PipelineHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds the headers of a processor dead letter: every header of the raw record (so {@code kz-received-at},
 * {@code kz-request-id} and {@code content-type} survive) plus stage, reason, detail and the raw record's
 * coordinates. The value and key of a dead letter are the raw record's, byte for byte.
 */
public final class DeadLetters {

    public static final String STAGE = "processor";
    /** Details are cut to this many characters (exception messages can be long). */
    public static final int MAX_DETAIL_CHARS = 1000;

    private DeadLetters() {}

    public static RecordHeaders headers(org.apache.kafka.common.header.Headers original, DeadLetterReason reason,
            String detail, String topic, int partition, long offset) {
        RecordHeaders out = new RecordHeaders();
        if (original != null) {
            for (Header h : original) {
                if (!PipelineHeaders.DEAD_LETTER.contains(h.key())) {
                    out.add(h.key(), h.value());
                }
            }
        }
        add(out, PipelineHeaders.DLQ_STAGE, STAGE);
        add(out, PipelineHeaders.DLQ_REASON, reason.code());
        add(out, PipelineHeaders.DLQ_DETAIL, truncate(detail));
        add(out, PipelineHeaders.SOURCE_TOPIC, topic == null ? "" : topic);
        add(out, PipelineHeaders.SOURCE_PARTITION, Integer.toString(partition));
        add(out, PipelineHeaders.SOURCE_OFFSET, Long.toString(offset));
        return out;
    }

    /**
     * An upper bound of what a dead letter of these parts weighs in a produce request: key, value, headers, the
     * dead-letter headers added here (a detail of at most {@value #MAX_DETAIL_CHARS} characters, up to 3 bytes each)
     * and the record and batch overhead.
     */
    public static int estimatedBytes(byte[] key, byte[] value, org.apache.kafka.common.header.Headers headers) {
        long size = (key == null ? 0 : key.length) + (value == null ? 0 : value.length) + 3L * MAX_DETAIL_CHARS + 512;
        if (headers != null) {
            for (Header h : headers) {
                size += h.key().length() * 3L + (h.value() == null ? 0 : h.value().length) + 8;
            }
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    static String truncate(String detail) {
        if (detail == null) {
            return "";
        }
        return detail.length() <= MAX_DETAIL_CHARS ? detail : detail.substring(0, MAX_DETAIL_CHARS - 1) + "…";
    }

    private static void add(RecordHeaders headers, String key, String value) {
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
