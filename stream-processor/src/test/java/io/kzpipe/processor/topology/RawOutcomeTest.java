package io.kzpipe.processor.topology;

import static io.kzpipe.processor.topology.TopologyHarness.T0;
import static io.kzpipe.processor.topology.TopologyHarness.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.kzpipe.model.record.RawOutcome;
import io.kzpipe.model.topic.PipelineHeaders;
import io.kzpipe.model.topic.TopicId;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** One {@link RawOutcome} per raw record, whatever happens to it: the processor's side of the ledger. */
class RawOutcomeTest {

    private static byte[] choice(String eventId, String responseId, boolean isUpdate) {
        return Payloads.response(eventId, responseId, isUpdate,
                "[" + Payloads.question("Choice", "SingleOption", "\"a\"") + "]");
    }

    @Test
    void everyRawRecordYieldsExactlyOneOutcomeNamingWhatHappenedAndItsCoordinates() {
        try (TopologyHarness h = new TopologyHarness()) {
            String raw = h.topics.name(TopicId.RAW);
            h.pipe("e1", utf8("{\"eventId\":\"e1\",\"eventType\":\"GroupAdded\"}"), T0);
            h.pipe("e1", utf8("{\"eventId\":\"e1\",\"eventType\":\"GroupAdded\"}"), T0 + 1_000);
            h.pipe("x", utf8("{not json"), T0 + 2_000);
            h.pipe("r-1", choice("edit", "r-1", true), T0 + 3_000);
            h.pipe("r-1", choice("orig", "r-1", false), T0 + 61_000);
            h.pipe("r-2", choice("orig2", "r-2", false), T0 + 62_000);
            h.pipe("r-2", choice("edit2", "r-2", true), T0 + 63_000);

            List<TestRecord<String, byte[]>> records = h.records(TopicId.RAW_OUTCOMES);
            List<RawOutcome> outcomes = records.stream()
                    .map(r -> TopologyHarness.tree(r.value()))
                    .map(n -> new RawOutcome(n.get("schema_version").asInt(), n.get("row_id").asText(),
                            n.get("event_id").asText(), n.get("outcome").asText(), n.get("replay_of").asText(),
                            n.get("received_at_ms").asLong()))
                    .toList();

            assertThat(outcomes)
                    .extracting(RawOutcome::rowId, RawOutcome::eventId, RawOutcome::outcome, RawOutcome::replayOf,
                            RawOutcome::receivedAtMs)
                    .containsExactly(tuple(raw + ":0:0", "e1", "typed", "", T0),
                            tuple(raw + ":0:1", "e1", "duplicate", "", T0 + 1_000),
                            tuple(raw + ":0:2", "", "dead_letter", "", T0 + 2_000),
                            tuple(raw + ":0:3", "edit", "typed", "", T0 + 3_000),
                            tuple(raw + ":0:4", "orig", "superseded", "", T0 + 61_000),
                            tuple(raw + ":0:5", "orig2", "typed", "", T0 + 62_000),
                            tuple(raw + ":0:6", "edit2", "typed", "", T0 + 63_000));
            assertThat(records).extracting(TestRecord::key)
                    .containsExactly(raw + ":0:0", raw + ":0:1", raw + ":0:2", raw + ":0:3", raw + ":0:4", raw + ":0:5",
                            raw + ":0:6");
            assertThat(records).extracting(TestRecord::timestamp)
                    .containsExactly(T0, T0 + 1_000, T0 + 2_000, T0 + 3_000, T0 + 61_000, T0 + 62_000, T0 + 63_000);
            assertThat(records).allSatisfy(r -> assertThat(r.headers().toArray()).isEmpty());
            assertThat(h.counter("kz.processor.records.out", "topic", h.topics.name(TopicId.RAW_OUTCOMES)))
                    .isEqualTo(7.0);
        }
    }

    @Test
    void theOutcomeIsWrittenWithTheRecordsItDescribes() {
        try (TopologyHarness h = new TopologyHarness()) {
            h.pipe("x", utf8("[]"), T0);
            assertThat(h.drainCounts()).isEqualTo(Map.of(TopicId.DLQ_PROCESSOR, 1));
            h.pipe("e9", utf8("{\"eventId\":\"e9\"}"), T0);
            assertThat(h.records(TopicId.RAW_OUTCOMES)).hasSize(1);
            assertThat(h.drainCounts()).isEqualTo(Map.of(TopicId.EVENTS, 1));
        }
    }

    @Test
    void aReplayedRecordCarriesItsDeadLetterIdAndItsOriginalReceiveTime() {
        try (TopologyHarness h = new TopologyHarness()) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(PipelineHeaders.RECEIVED_AT, Long.toString(T0 - 3_600_000).getBytes(StandardCharsets.US_ASCII));
            headers.add(PipelineHeaders.REPLAY_OF, utf8("processor:kaizala.raw:2:17"));
            h.pipe(new TestRecord<>(utf8("e5"), utf8("{\"eventId\":\"e5\"}"), headers, T0));

            assertThat(h.json(TopicId.RAW_OUTCOMES)).singleElement().satisfies(n -> {
                assertThat(n.get("outcome").asText()).isEqualTo("typed");
                assertThat(n.get("event_id").asText()).isEqualTo("e5");
                assertThat(n.get("replay_of").asText()).isEqualTo("processor:kaizala.raw:2:17");
                assertThat(n.get("received_at_ms").asLong()).isEqualTo(T0 - 3_600_000);
            });
        }
    }
}
