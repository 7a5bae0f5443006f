package io.kzpipe.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.kzpipe.model.kafka.RecordLimits;
import io.kzpipe.model.topic.TopicId;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The typed-record bound of {@link RecordLimits} against the bodies that grow most under the mapping rules,
 * each exactly {@code GATEWAY_MAX_BODY_BYTES} long: every one yields its typed records, none is dead-lettered,
 * and the largest record (key + value, as Kafka counts it) stays within {@link RecordLimits#typedRecordBytes()}.
 * The lower bounds show each body really is a worst case of its rule, so the factor is not larger than needed.
 */
class WorstCaseBodiesTest {

    private static final String SECRET = "worst-case-secret-0123456789";

    @ParameterizedTest
    @ValueSource(ints = {1024, 65_536, 1_048_576})
    void hashedShortAssigneesGrowThirtySixFoldAndStillFit(int limit) {
        // each "0," (2 bytes) becomes "hmac:<64 hex>", (72 bytes) in jobs.assigned_to
        byte[] body = exactly(limit, "{\"eventId\":\"e-jobs\",\"eventType\":\"JobCreated\",\"objectId\":\"a-1\","
                + "\"objectType\":\"Action\",\"data\":{\"assignedTo\":[", "0", ",", "]}}");

        int largest = largestRecord(limit, Map.of("PII_HASH_SECRET", SECRET), body, TopicId.JOBS);

        assertThat(largest).isLessThanOrEqualTo(new RecordLimits(limit).typedRecordBytes())
                .isGreaterThan((RecordLimits.TYPED_EXPANSION - 1) * (limit - 200));
    }

    @ParameterizedTest
    @ValueSource(ints = {1024, 65_536, 1_048_576})
    void anEventIdOfEscapesKeptInRawJsonFits(int limit) {
        // the id twice (row_id, event_id) plus the key, and raw_json escapes every backslash again
        byte[] body = exactly(limit, "{\"eventType\":\"GroupAdded\",\"eventId\":\"", "\\\\", "", "\"}");

        int largest = largestRecord(limit, Map.of("PROCESSOR_RAW_JSON_MAX_BYTES", Integer.toString(limit)), body,
                TopicId.EVENTS);

        assertThat(largest).isLessThanOrEqualTo(new RecordLimits(limit).typedRecordBytes())
                .isGreaterThan(4 * (limit - 100));
    }

    @ParameterizedTest
    @ValueSource(ints = {1024, 65_536, 1_048_576})
    void aMessageOfEscapedQuotesFits(int limit) {
        byte[] body = exactly(limit, "{\"eventId\":\"e-msg\",\"eventType\":\"TextMessageCreated\",\"objectId\":\"g\","
                + "\"objectType\":\"Group\",\"data\":{\"text\":\"", "\\\"", "", "\"}}");

        int largest = largestRecord(limit, Map.of("PROCESSOR_RAW_JSON_MAX_BYTES", Integer.toString(limit)), body,
                TopicId.MESSAGES);

        assertThat(largest).isLessThanOrEqualTo(new RecordLimits(limit).typedRecordBytes())
                .isGreaterThan(2 * (limit - 200));
    }

    @ParameterizedTest
    @ValueSource(ints = {1024, 65_536, 1_048_576})
    void numbersWrittenOutAsTextFit(int limit) {
        // 1e6 (3 bytes) is kept as 1000000.0 (9 bytes) in answer_json
        byte[] body = exactly(limit, "{\"objectId\":\"g\",\"objectType\":\"Group\",\"eventType\":\"ActionResponse\","
                + "\"eventId\":\"e-ans\",\"data\":{\"actionId\":\"a\",\"groupId\":\"g\",\"responseId\":\"r-ans\","
                + "\"responseDetails\":{\"responseWithQuestions\":[{\"title\":\"Q\",\"type\":\"Unknown\",\"answer\":[",
                "1e6", ",", "]}]}}}");

        int largest = largestRecord(limit, Map.of(), body, TopicId.ANSWERS_OTHER);

        assertThat(largest).isLessThanOrEqualTo(new RecordLimits(limit).typedRecordBytes())
                .isGreaterThan(2 * (limit - 300));
    }

    @Test
    void theBoundIsLinearInTheBodyLimit() {
        RecordLimits limits = new RecordLimits(1_048_576);

        assertThat(limits.bodyRecordBytes()).isEqualTo(1_048_576 + 65_536);
        assertThat(limits.typedRecordBytes()).isEqualTo(36 * 1_048_576 + 65_536);
    }

    /**
     * Pipes {@code body} through the topology with {@code GATEWAY_MAX_BODY_BYTES=limit} and returns the size of
     * the largest typed record, after checking that nothing was dead-lettered and {@code expected} got a record.
     */
    private static int largestRecord(int limit, Map<String, String> env, byte[] body, TopicId expected) {
        assertThat(body).hasSize(limit);
        Map<String, String> all = new HashMap<>(env);
        all.put("GATEWAY_MAX_BODY_BYTES", Integer.toString(limit));
        try (TopologyHarness h = new TopologyHarness(all)) {
            h.pipe("k", body);
            assertThat(h.records(TopicId.DLQ_PROCESSOR)).as("dead letters").isEmpty();
            int largest = 0;
            boolean found = false;
            for (TopicId id : TopicId.processorOutputs()) {
                List<TestRecord<String, byte[]>> records = h.records(id);
                found |= id == expected && !records.isEmpty();
                for (TestRecord<String, byte[]> r : records) {
                    int size = r.value().length + r.key().getBytes(StandardCharsets.UTF_8).length;
                    largest = Math.max(largest, size);
                }
            }
            assertThat(found).as("a %s record", expected).isTrue();
            return largest;
        }
    }

    /** {@code head unit (separator unit)* tail}, padded with spaces before {@code tail} to exactly {@code size}. */
    static byte[] exactly(int size, String head, String unit, String separator, String tail) {
        StringBuilder b = new StringBuilder(size).append(head).append(unit);
        while (b.length() + separator.length() + unit.length() + tail.length() <= size) {
            b.append(separator).append(unit);
        }
        while (b.length() + tail.length() < size) {
            b.append(' ');
        }
        return b.append(tail).toString().getBytes(StandardCharsets.US_ASCII);
    }
}
