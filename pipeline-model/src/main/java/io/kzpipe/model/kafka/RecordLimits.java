package io.kzpipe.model.kafka;

import io.kzpipe.model.config.EnvReader;
import java.util.Map;

/**
 * The one set of size limits of the pipeline, all derived from the gateway's largest body
 * ({@value #MAX_BODY_VAR}, read by every service with the same default and range).
 *
 * <ul>
 *   <li>{@link #bodyRecordBytes()}: a record carrying a whole body (raw and dead-letter topics): the body plus
 *       {@value #BODY_RECORD_OVERHEAD_BYTES} bytes for key, headers (a dead letter's detail is at most 1,000
 *       characters) and batch framing.</li>
 *   <li>{@link #typedRecordBytes()}: the largest typed record (key plus JSON value) the processor can make
 *       from a body of {@link #maxBodyBytes()}: {@value #TYPED_EXPANSION} × body +
 *       {@value #TYPED_RECORD_OVERHEAD_BYTES}. The factor is the worst case of the mapping rules: with PII
 *       hashing, each entry of {@code data.assignedTo} as short as {@code 0,} (2 bytes) becomes
 *       {@code "hmac:<64 hex digits>",} (72 bytes) in {@code jobs.assigned_to}. Every other rule grows a body
 *       byte less: a string value is re-escaped at most as long as it was sent, ids appear at most three
 *       times (row id, event id, key), a number becomes at most 3× longer as text ({@code 1e6} →
 *       {@code "1000000.0"}), and {@code events.raw_json} holds at most {@code PROCESSOR_RAW_JSON_MAX_BYTES}
 *       (≤ the body limit) escaped to at most twice its length. The overhead covers the fixed field names,
 *       single hashed fields and scalar numbers. {@code RecordLimitsTest} and the processor's
 *       {@code WorstCaseBodiesTest} check the bound with worst-case bodies.</li>
 *   <li>{@link #topicConfigs(int)}: {@code max.message.bytes} for a topic created for records of a size,
 *       never below Kafka's own default, so a batch of small records is never refused either.</li>
 * </ul>
 *
 * <p>The range of {@value #MAX_BODY_VAR} keeps the largest typed record below the broker's default
 * {@code socket.request.max.bytes} (100 MiB), above which a produce request is refused whatever the topic.
 *
 * @param maxBodyBytes largest webhook body the gateway accepts ({@value #MAX_BODY_VAR})
 */
public record RecordLimits(int maxBodyBytes) {

    public static final String MAX_BODY_VAR = "GATEWAY_MAX_BODY_BYTES";
    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    public static final int MIN_MAX_BODY_BYTES = 1024;
    /** 36 × 2 MiB + 64 KiB = 72.06 MiB stays below the broker's 100 MiB request limit. */
    public static final int MAX_MAX_BODY_BYTES = 2 * 1024 * 1024;

    public static final int BODY_RECORD_OVERHEAD_BYTES = 64 * 1024;
    public static final int TYPED_EXPANSION = 36;
    public static final int TYPED_RECORD_OVERHEAD_BYTES = 64 * 1024;
    /** Kafka's default {@code message.max.bytes} (1 MiB + 12): topic limits are never set below it. */
    public static final int KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";

    public RecordLimits {
        if (maxBodyBytes < MIN_MAX_BODY_BYTES || maxBodyBytes > MAX_MAX_BODY_BYTES) {
            throw new IllegalArgumentException(MAX_BODY_VAR + " must be between " + MIN_MAX_BODY_BYTES + " and "
                    + MAX_MAX_BODY_BYTES + ", got " + maxBodyBytes);
        }
    }

    /** Reads {@value #MAX_BODY_VAR}; an out-of-range value is a problem in {@code env} (the default is used). */
    public static RecordLimits from(EnvReader env) {
        return new RecordLimits(
                env.intIn(MAX_BODY_VAR, DEFAULT_MAX_BODY_BYTES, MIN_MAX_BODY_BYTES, MAX_MAX_BODY_BYTES));
    }

    /** Largest record carrying a whole body: raw topic, dead-letter topics, the gateway's requests. */
    public int bodyRecordBytes() {
        return maxBodyBytes + BODY_RECORD_OVERHEAD_BYTES;
    }

    /** Largest typed record the processor can make from a body of {@link #maxBodyBytes()} (see the class comment). */
    public int typedRecordBytes() {
        return TYPED_EXPANSION * maxBodyBytes + TYPED_RECORD_OVERHEAD_BYTES;
    }

    /** Settings of a topic created for records of up to {@code recordBytes}. */
    public static Map<String, String> topicConfigs(int recordBytes) {
        return Map.of(MAX_MESSAGE_BYTES, Integer.toString(Math.max(recordBytes, KAFKA_DEFAULT_MAX_MESSAGE_BYTES)));
    }

    /** Settings of the raw and dead-letter topics. */
    public Map<String, String> bodyTopicConfigs() {
        return topicConfigs(bodyRecordBytes());
    }

    /** Settings of the typed topics. */
    public Map<String, String> typedTopicConfigs() {
        return topicConfigs(typedRecordBytes());
    }

    /**
     * Records a problem in {@code env} when an explicit {@code setting} is below what the body limit requires;
     * the message names both settings and both values.
     */
    public void requireAtLeast(EnvReader env, String setting, long value, long required, String what) {
        if (value < required) {
            env.problem(setting, "is " + value + ", below the " + required + " bytes that " + MAX_BODY_VAR + " ("
                    + maxBodyBytes + ") requires for " + what + "; raise it or lower " + MAX_BODY_VAR);
        }
    }
}
