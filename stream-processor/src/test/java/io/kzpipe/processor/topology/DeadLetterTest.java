package io.kzpipe.processor.topology;

import static io.kzpipe.processor.topology.TopologyHarness.T0;
import static io.kzpipe.processor.topology.TopologyHarness.fixture;
import static io.kzpipe.processor.topology.TopologyHarness.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.kzpipe.model.topic.PipelineHeaders;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.processor.errors.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class DeadLetterTest {

    static Stream<Arguments> badDeliveries() {
        String rwq = "\"responseDetails\":{\"responseWithQuestions\":";
        return Stream.of(Arguments.of("empty value", new byte[0], DeadLetterReason.INVALID_JSON),
                Arguments.of("null value", null, DeadLetterReason.INVALID_JSON),
                Arguments.of("not JSON", utf8("eventId=1"), DeadLetterReason.INVALID_JSON),
                Arguments.of("truncated", utf8("{\"eventId\":\"e1\",\"data\":{"), DeadLetterReason.INVALID_JSON),
                Arguments.of("trailing garbage", utf8("{\"eventId\":\"e1\"} x"), DeadLetterReason.INVALID_JSON),
                Arguments.of("invalid UTF-8",
                        new byte[]{'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'},
                        DeadLetterReason.INVALID_JSON),
                Arguments.of("too deep", utf8("[".repeat(2000) + "]".repeat(2000)), DeadLetterReason.INVALID_JSON),
                Arguments.of("array root", utf8("[{\"eventId\":\"e1\"}]"), DeadLetterReason.NOT_AN_OBJECT),
                Arguments.of("string root", utf8("\"e1\""), DeadLetterReason.NOT_AN_OBJECT),
                Arguments.of("no eventId", utf8("{\"eventType\":\"TextMessageCreated\",\"data\":{}}"),
                        DeadLetterReason.MISSING_EVENT_ID),
                Arguments.of("numeric eventId", utf8("{\"eventId\":17}"), DeadLetterReason.MISSING_EVENT_ID),
                Arguments.of("blank eventId", utf8("{\"eventId\":\"  \"}"), DeadLetterReason.MISSING_EVENT_ID),
                Arguments.of("data is a string", utf8("{\"eventId\":\"e1\",\"data\":\"x\"}"),
                        DeadLetterReason.DATA_NOT_OBJECT),
                Arguments.of("data is an array",
                        utf8("{\"eventId\":\"e1\",\"eventType\":\"ActionResponse\",\"data\":[]}"),
                        DeadLetterReason.DATA_NOT_OBJECT),
                Arguments.of("rwq is an object",
                        utf8("{\"eventId\":\"e1\",\"eventType\":\"SurveyResponse\",\"data\":"
                                + "{\"responseId\":\"r1\"," + rwq + "{}}}}"),
                        DeadLetterReason.QUESTIONS_NOT_ARRAY),
                Arguments.of("rwq element not an object",
                        utf8("{\"eventId\":\"e1\",\"eventType\":\"ActionResponse\","
                                + "\"data\":{\"responseId\":\"r1\"," + rwq + "[\"q\"]}}}"),
                        DeadLetterReason.QUESTIONS_NOT_ARRAY),
                Arguments.of("responseDetails a string",
                        utf8("{\"eventId\":\"e1\",\"eventType\":\"ActionResponse\","
                                + "\"data\":{\"responseId\":\"r1\",\"responseDetails\":\"x\"}}"),
                        DeadLetterReason.QUESTIONS_NOT_ARRAY),
                Arguments.of("questions not an array",
                        utf8("{\"eventId\":\"e1\",\"eventType\":\"ActionCreated\","
                                + "\"data\":{\"questions\":\"x\"}}"),
                        DeadLetterReason.QUESTIONS_NOT_ARRAY),
                Arguments.of("response without responseId",
                        utf8("{\"eventId\":\"e1\",\"eventType\":\"ActionResponse\"," + "\"data\":{" + rwq + "[]}}}"),
                        DeadLetterReason.MISSING_RESPONSE_ID),
                Arguments.of("survey response with empty responseId",
                        utf8("{\"eventId\":\"e1\",\"eventType\":"
                                + "\"SurveyResponse\",\"data\":{\"responseId\":\"\"}}"),
                        DeadLetterReason.MISSING_RESPONSE_ID),
                Arguments.of("job response without responseId",
                        utf8("{\"eventId\":\"e1\",\"eventType\":\"JobResponse\"," + "\"data\":{}}"),
                        DeadLetterReason.MISSING_RESPONSE_ID));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("badDeliveries")
    void anUninterpretableDeliveryIsDeadLetteredByteForByteAndTheStreamContinues(String name, byte[] value,
            DeadLetterReason reason) {
        try (TopologyHarness h = new TopologyHarness()) {
            h.pipe("raw-key", value, T0 + 7);
            h.pipe("e0000005-0000-4000-8000-000000000005", fixture("text-message.json"));

            List<TestRecord<String, byte[]>> dead = h.records(TopicId.DLQ_PROCESSOR);
            assertThat(dead).hasSize(1);
            TestRecord<String, byte[]> d = dead.get(0);
            assertThat(d.key()).isEqualTo("raw-key");
            assertThat(d.value()).isEqualTo(value);
            assertThat(d.timestamp()).isEqualTo(T0 + 7);
            assertThat(header(d, PipelineHeaders.DLQ_STAGE)).isEqualTo("processor");
            assertThat(header(d, PipelineHeaders.DLQ_REASON)).isEqualTo(reason.code());
            assertThat(header(d, PipelineHeaders.DLQ_DETAIL)).isNotBlank();
            assertThat(header(d, PipelineHeaders.SOURCE_TOPIC)).isEqualTo(h.topics.name(TopicId.RAW));
            assertThat(header(d, PipelineHeaders.SOURCE_PARTITION)).isEqualTo("0");
            assertThat(header(d, PipelineHeaders.SOURCE_OFFSET)).isEqualTo("0");
            assertThat(header(d, PipelineHeaders.RECEIVED_AT)).isEqualTo(Long.toString(T0 + 7));
            assertThat(header(d, PipelineHeaders.REQUEST_ID)).isEqualTo("req-" + (T0 + 7));
            assertThat(header(d, PipelineHeaders.CONTENT_TYPE)).isEqualTo("application/json");
            assertThat(h.drainCounts()).as("only the following valid event is written")
                    .isEqualTo(Map.of(TopicId.EVENTS, 1, TopicId.MESSAGES, 1));
            assertThat(h.counter("kz.processor.dead.letters", "reason", reason.code())).isEqualTo(1.0);
            assertThat(h.counter("kz.processor.events", "outcome", "dead_lettered")).isEqualTo(1.0);
            assertThat(h.counter("kz.processor.events", "outcome", "processed")).isEqualTo(1.0);
        }
    }

    @Test
    void anUnexpectedMappingFailureIsDeadLetteredAsProcessingErrorAndTheStreamContinues() {
        EventMapper real = new EventMapper(null, 1 << 20);
        RecordMapper failing = (raw, receivedAt) -> {
            if (new String(raw, StandardCharsets.UTF_8).contains("boom")) {
                throw new IllegalStateException("mapper bug");
            }
            return real.map(raw, receivedAt);
        };
        try (TopologyHarness h = new TopologyHarness(Map.of(), () -> failing)) {
            byte[] boom = utf8("{\"eventId\":\"boom\"}");
            h.pipe("k1", boom);
            h.pipe("e0000005-0000-4000-8000-000000000005", fixture("text-message.json"));

            TestRecord<String, byte[]> d = h.records(TopicId.DLQ_PROCESSOR).get(0);
            assertThat(d.value()).isEqualTo(boom);
            assertThat(header(d, PipelineHeaders.DLQ_REASON)).isEqualTo("processing_error");
            assertThat(header(d, PipelineHeaders.DLQ_DETAIL)).contains("IllegalStateException", "mapper bug");
            assertThat(h.drainCounts()).isEqualTo(Map.of(TopicId.EVENTS, 1, TopicId.MESSAGES, 1));
        }
    }

    @Test
    void anEventWithATypedRecordAboveTheSizeLimitIsDeadLetteredWhole() {
        // a body the gateway would refuse (far above its 1 KiB limit) reaching the raw topic some other way:
        // its answer outgrows the typed-record limit derived from that body limit (36 x 1024 + 65536 = 102400)
        try (TopologyHarness h = new TopologyHarness(
                Map.of("GATEWAY_MAX_BODY_BYTES", "1024", "PROCESSOR_RAW_JSON_MAX_BYTES", "100"))) {
            String big = "x".repeat(110_000);
            byte[] value = Payloads.response("e-big", "r-big", false, "[" + Payloads.question("Q", "Text", "\"ok\"")
                    + "," + Payloads.question("Essay", "LargeText", "\"" + big + "\"") + "]");
            h.pipe("r-big", value);

            TestRecord<String, byte[]> d = h.records(TopicId.DLQ_PROCESSOR).get(0);
            // the body itself is above the largest record this processor sends: kept on the raw topic only
            assertThat(d.value()).isNull();
            assertThat(header(d, PipelineHeaders.DLQ_REASON)).isEqualTo("record_too_large");
            assertThat(header(d, PipelineHeaders.DLQ_DETAIL)).contains("answers_text",
                    "PROCESSOR_MAX_RECORD_BYTES (102400)", "body of " + value.length + " bytes omitted",
                    "the raw record stays at kaizala.raw-0@0");
            assertThat(header(d, PipelineHeaders.EVENT_ID)).as("for the sink's event_id, read from the body otherwise")
                    .isEqualTo("e-big");
            assertThat(h.drainCounts()).as("nothing partial").isEmpty();
        }
    }

    @Test
    void aDeadLetteredDeliveryDoesNotHideALaterValidOneWithTheSameEventId() {
        try (TopologyHarness h = new TopologyHarness()) {
            h.pipe("e1", utf8("{\"eventId\":\"e1\",\"data\":7}"));
            h.pipe("e1", utf8("{\"eventId\":\"e1\",\"eventType\":\"GroupAdded\",\"data\":{}}"));

            assertThat(h.drainCounts()).isEqualTo(Map.of(TopicId.DLQ_PROCESSOR, 1, TopicId.EVENTS, 1));
        }
    }

    @Test
    void existingDeadLetterHeadersOnTheRawRecordAreReplacedNotDuplicated() {
        try (TopologyHarness h = new TopologyHarness()) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(PipelineHeaders.DLQ_REASON, utf8("forged"));
            headers.add("x-custom", utf8("kept"));
            h.pipe(new TestRecord<>(utf8("k"), utf8("nope"), headers, T0));

            TestRecord<String, byte[]> d = h.records(TopicId.DLQ_PROCESSOR).get(0);
            assertThat(d.headers().headers(PipelineHeaders.DLQ_REASON)).hasSize(1);
            assertThat(header(d, PipelineHeaders.DLQ_REASON)).isEqualTo("invalid_json");
            assertThat(header(d, "x-custom")).isEqualTo("kept");
        }
    }

    @ParameterizedTest
    @EnumSource(DeadLetterReason.class)
    void everyDeadLetterReasonIsCoveredByATest(DeadLetterReason reason) {
        boolean listed = badDeliveries().anyMatch(a -> a.get()[2] == reason);
        boolean special = Arrays.asList(DeadLetterReason.PROCESSING_ERROR, DeadLetterReason.RECORD_TOO_LARGE)
                .contains(reason);
        assertThat(listed || special).isTrue();
    }

    private static String header(TestRecord<String, byte[]> r, String key) {
        var h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
