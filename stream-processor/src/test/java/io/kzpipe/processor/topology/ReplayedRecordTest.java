package io.kzpipe.processor.topology;

import static io.kzpipe.processor.topology.TopologyHarness.T0;
import static io.kzpipe.processor.topology.TopologyHarness.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.kzpipe.model.record.EventRecord;
import io.kzpipe.model.topic.PipelineHeaders;
import io.kzpipe.model.topic.TopicId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * A replayed raw record (pipeline-cli {@code replay}): record timestamp = replay time, {@code kz-received-at} = the
 * original receive time, {@code kz-replay-of} = the dead letter's row id.
 */
class ReplayedRecordTest {

    private static final long REPLAYED = T0 + Duration.ofDays(10).toMillis();
    private static final String DEAD_LETTER = "processor:kaizala.raw:0:7";

    private static TestRecord<byte[], byte[]> replay(String body, long at) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(PipelineHeaders.RECEIVED_AT, Long.toString(T0).getBytes(StandardCharsets.US_ASCII));
        headers.add(PipelineHeaders.REQUEST_ID, utf8("req-original"));
        headers.add(PipelineHeaders.REPLAY_OF, utf8(DEAD_LETTER));
        return new TestRecord<>(utf8("e1"), utf8(body), headers, at);
    }

    @Test
    void itsRowsKeepTheOriginalReceiveTimeAndASecondReplayIsADuplicate() {
        try (TopologyHarness h = new TopologyHarness()) {
            h.pipe(replay("{\"eventId\":\"e1\",\"eventType\":\"GroupAdded\"}", REPLAYED));
            List<TestRecord<String, byte[]>> events = h.records(TopicId.EVENTS);
            assertThat(events).singleElement().satisfies(r -> {
                assertThat(r.timestamp()).as("forwarded with the replay time").isEqualTo(REPLAYED);
                assertThat(TopologyHarness.tree(r.value()).get("received_at_ms").asLong())
                        .as("the original receive time, from the header")
                        .isEqualTo(T0);
            });

            h.pipe(replay("{\"eventId\":\"e1\",\"eventType\":\"GroupAdded\"}",
                    REPLAYED + Duration.ofHours(1).toMillis()));
            assertThat(h.drainCounts()).as("the same replay again").isEmpty();
            assertThat(h.counter("kz.processor.events", "outcome", "duplicate")).isEqualTo(1.0);
        }
    }

    @Test
    void aReplayThatFailsAgainIsADeadLetterThatStillNamesWhatItReplayed() {
        try (TopologyHarness h = new TopologyHarness(
                Map.of("GATEWAY_MAX_BODY_BYTES", "1024", "PROCESSOR_RAW_JSON_MAX_BYTES", "512"))) {
            h.pipe(replay("{\"eventId\":\"e1\",\"fromUserName\":\"" + "A".repeat(120_000) + "\"}", REPLAYED));

            assertThat(h.records(TopicId.DLQ_PROCESSOR)).singleElement().satisfies(d -> {
                assertThat(
                        new String(d.headers().lastHeader(PipelineHeaders.REPLAY_OF).value(), StandardCharsets.UTF_8))
                        .isEqualTo(DEAD_LETTER);
                assertThat(
                        new String(d.headers().lastHeader(PipelineHeaders.DLQ_REASON).value(), StandardCharsets.UTF_8))
                        .isEqualTo("record_too_large");
                assertThat(
                        new String(d.headers().lastHeader(PipelineHeaders.RECEIVED_AT).value(), StandardCharsets.UTF_8))
                        .isEqualTo(Long.toString(T0));
                // 120 KB is above what this processor sends (its dead-letter topic takes a 1 KiB body): no body, a
                // detail saying where the raw record is (replay reads it from there)
                assertThat(d.value()).isNull();
                assertThat(
                        new String(d.headers().lastHeader(PipelineHeaders.DLQ_DETAIL).value(), StandardCharsets.UTF_8))
                        .contains("body of 120", "bytes omitted", "the raw record stays at kaizala.raw-0@0");
            });
            assertThat(h.typed(TopicId.EVENTS, EventRecord.class)).isEmpty();
        }
    }
}
