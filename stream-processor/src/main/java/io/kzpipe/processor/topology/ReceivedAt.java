package io.kzpipe.processor.topology;

import io.kzpipe.model.topic.PipelineHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;

/** The gateway receive time of a raw record: header {@code kz-received-at}, else the record timestamp. */
final class ReceivedAt {

    private ReceivedAt() {}

    /** The header value when it is a non-negative decimal number, else {@code fallback}. */
    static long of(org.apache.kafka.common.header.Headers headers, long fallback) {
        Header h = headers == null ? null : headers.lastHeader(PipelineHeaders.RECEIVED_AT);
        if (h == null || h.value() == null) {
            return fallback;
        }
        try {
            long v = Long.parseLong(new String(h.value(), StandardCharsets.US_ASCII).trim());
            return v >= 0 ? v : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
