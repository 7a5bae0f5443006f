package io.kzpipe.model.topic;

import java.util.Set;

/**
 * Kafka record header names used across the pipeline. Values are UTF-8 strings; numbers are decimal ASCII.
 */
public final class PipelineHeaders {

    /** Gateway receive time, epoch milliseconds (also the record timestamp). */
    public static final String RECEIVED_AT = "kz-received-at";
    /** Id the gateway gave the HTTP request (also in its logs and the {@code X-Request-Id} response header). */
    public static final String REQUEST_ID = "kz-request-id";
    /** {@code Content-Type} of the HTTP request, as sent. */
    public static final String CONTENT_TYPE = "content-type";

    /** Dead letters: which stage refused the record ({@code gateway}, {@code processor}). */
    public static final String DLQ_STAGE = "kz-dlq-stage";
    /** Dead letters: machine-readable reason code, e.g. {@code invalid_json}. */
    public static final String DLQ_REASON = "kz-dlq-reason";
    /** Dead letters: human-readable detail (never contains secrets). */
    public static final String DLQ_DETAIL = "kz-dlq-detail";
    /** Processor dead letters: coordinates of the raw record. */
    public static final String SOURCE_TOPIC = "kz-source-topic";

    public static final String SOURCE_PARTITION = "kz-source-partition";
    public static final String SOURCE_OFFSET = "kz-source-offset";
    /**
     * Processor dead letters written without their body (above the processor's largest record): the event's
     * {@code eventId}, which the sink reads from the body otherwise.
     */
    public static final String EVENT_ID = "kz-event-id";

    /**
     * Replayed raw records: {@code dead_letters.row_id} of the dead letter whose bytes they carry again. A raw
     * record with this header is not a newly accepted event (the ledger counts it as a recovery attempt).
     */
    public static final String REPLAY_OF = "kz-replay-of";

    /**
     * The headers that describe a dead letter: a new dead letter replaces them, a replay drops them (and
     * {@link #REPLAY_OF}) before the body goes to the raw topic again.
     */
    public static final Set<String> DEAD_LETTER = Set.of(DLQ_STAGE, DLQ_REASON, DLQ_DETAIL, SOURCE_TOPIC,
            SOURCE_PARTITION, SOURCE_OFFSET, EVENT_ID);

    /**
     * Raw records written by the puller (pulled from the Kaizala REST API, not received as a webhook): the pull
     * source they came from, e.g. {@code group:<groupId>}. A pulled copy is a re-observation of a response, never a
     * new fact: it must not outrank a newer edit (docs/DESIGN.md "Pulled responses").
     */
    public static final String PULLED = "kz-pulled";

    private PipelineHeaders() {}
}
