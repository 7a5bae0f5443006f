package io.kzpipe.puller.pull;

import io.kzpipe.model.topic.DeadLetterDetail;
import io.kzpipe.model.topic.PipelineHeaders;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The records the puller writes (docs/DESIGN.md "Puller"), with the gateway's header conventions:
 * <ul>
 *   <li>raw: key = responseId, value = the envelope, timestamp = publish time (retention and the processor's dedup
 *       window work on record time), {@code kz-received-at} = the response's own time, {@code kz-pulled} = the
 *       source, {@code kz-request-id} = {@code pull-<eventId>}, {@code content-type: application/json};</li>
 *   <li>dead letter ({@link TopicId#DLQ_GATEWAY}): the same headers with {@code kz-received-at} = pull time, plus
 *       {@code kz-dlq-stage} = {@value #STAGE}, {@code kz-dlq-reason} and {@code kz-dlq-detail} ({@link DeadLetterDetail}, as the
 *       gateway's).</li>
 * </ul>
 */
public final class PullRecords {

    public static final String STAGE = "puller";
    private static final byte[] JSON = "application/json".getBytes(StandardCharsets.US_ASCII);

    private final String rawTopic;
    private final String deadLetterTopic;

    public PullRecords(Topics topics) {
        this.rawTopic = topics.name(TopicId.RAW);
        this.deadLetterTopic = topics.name(TopicId.DLQ_GATEWAY);
    }

    public ProducerRecord<String, byte[]> raw(PulledResponse.Mapped m, String sourceId, long publishMs) {
        RecordHeaders h = common(m.receivedAtMs(), "pull-" + m.eventId(), sourceId);
        return new ProducerRecord<>(rawTopic, null, publishMs, m.responseId(), m.envelope(), h);
    }

    public ProducerRecord<String, byte[]> deadLetter(PulledResponse.Rejected r, String sourceId, long publishMs) {
        RecordHeaders h = common(publishMs, "pull-" + sourceId + "-" + r.key(), sourceId);
        h.add(PipelineHeaders.DLQ_STAGE, STAGE.getBytes(StandardCharsets.US_ASCII));
        h.add(PipelineHeaders.DLQ_REASON, r.reason().getBytes(StandardCharsets.US_ASCII));
        h.add(PipelineHeaders.DLQ_DETAIL, DeadLetterDetail.shorten(r.detail()).getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(deadLetterTopic, null, publishMs, r.key(), r.payload(), h);
    }

    private static RecordHeaders common(long receivedAtMs, String requestId, String sourceId) {
        RecordHeaders h = new RecordHeaders();
        h.add(PipelineHeaders.RECEIVED_AT, Long.toString(receivedAtMs).getBytes(StandardCharsets.US_ASCII));
        h.add(PipelineHeaders.REQUEST_ID, requestId.getBytes(StandardCharsets.UTF_8));
        h.add(PipelineHeaders.CONTENT_TYPE, JSON);
        h.add(PipelineHeaders.PULLED, sourceId.getBytes(StandardCharsets.UTF_8));
        return h;
    }
}
