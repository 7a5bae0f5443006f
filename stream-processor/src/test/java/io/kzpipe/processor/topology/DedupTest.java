package io.kzpipe.processor.topology;

import static io.kzpipe.processor.topology.TopologyHarness.T0;
import static io.kzpipe.processor.topology.TopologyHarness.fixture;
import static io.kzpipe.processor.topology.TopologyHarness.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.kzpipe.model.record.EventRecord;
import io.kzpipe.model.topic.TopicId;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DedupTest {

    private static final String RID = "r0000001-0000-4000-8000-000000000001";

    @Test
    void aRedeliveredEventYieldsNothingAndIsCounted() {
        try (TopologyHarness h = new TopologyHarness()) {
            byte[] raw = fixture("action-response-all-types.json");
            h.pipe(RID, raw, T0);
            Map<TopicId, Integer> first = h.drainCounts();
            h.pipe(RID, raw, T0 + Duration.ofHours(47).toMillis());
            h.pipe(RID, raw, T0 + Duration.ofHours(71).toMillis());

            assertThat(first).containsEntry(TopicId.EVENTS, 1).containsEntry(TopicId.ANSWERS_OPTION, 7);
            assertThat(h.drainCounts()).isEmpty();
            assertThat(h.counter("kz.processor.events", "outcome", "duplicate")).isEqualTo(2.0);
            assertThat(h.counter("kz.processor.events", "outcome", "processed")).isEqualTo(1.0);
        }
    }

    @Test
    void aDuplicateWithADifferentBodyIsStillADuplicateOfItsEventId() {
        try (TopologyHarness h = new TopologyHarness()) {
            h.pipe("e1", utf8("{\"eventId\":\"e1\",\"eventType\":\"GroupAdded\"}"));
            h.pipe("e1", utf8("{\"eventId\":\"e1\",\"eventType\":\"GroupRemoved\"}"));
            h.pipe("e2", utf8("{\"eventId\":\"e2\",\"eventType\":\"GroupAdded\"}"));

            assertThat(h.typed(TopicId.EVENTS, EventRecord.class))
                    .extracting(EventRecord::eventId, EventRecord::eventType)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("e1", "GroupAdded"),
                            org.assertj.core.groups.Tuple.tuple("e2", "GroupAdded"));
        }
    }

    @Test
    void aDuplicateStampedEarlierThanTheOriginalIsCaughtToo() {
        try (TopologyHarness h = new TopologyHarness()) {
            h.pipe("e1", utf8("{\"eventId\":\"e1\"}"), T0 + 10_000);
            h.pipe("e1", utf8("{\"eventId\":\"e1\"}"), T0);

            assertThat(h.drainCounts()).isEqualTo(Map.of(TopicId.EVENTS, 1));
        }
    }

    @Test
    void afterTheWindowTheSameEventIdIsAcceptedAgain() {
        try (TopologyHarness h = new TopologyHarness(Map.of("PROCESSOR_DEDUP_WINDOW", "1h"))) {
            h.pipe("e1", utf8("{\"eventId\":\"e1\"}"), T0);
            h.pipe("e1", utf8("{\"eventId\":\"e1\"}"), T0 + Duration.ofMinutes(59).toMillis());
            // advance stream time well past the window so that old segments are dropped as well
            h.pipe("e2", utf8("{\"eventId\":\"e2\"}"), T0 + Duration.ofHours(5).toMillis());
            h.pipe("e1", utf8("{\"eventId\":\"e1\"}"), T0 + Duration.ofHours(5).toMillis() + 1);

            assertThat(h.typed(TopicId.EVENTS, EventRecord.class)).extracting(EventRecord::eventId)
                    .containsExactly("e1", "e2", "e1");
            assertThat(h.counter("kz.processor.events", "outcome", "duplicate")).isEqualTo(1.0);
        }
    }

    @Test
    void justInsideTheWindowIsStillADuplicateAndJustOutsideIsNot() {
        try (TopologyHarness h = new TopologyHarness(Map.of("PROCESSOR_DEDUP_WINDOW", "10m"))) {
            long window = Duration.ofMinutes(10).toMillis();
            h.pipe("e1", utf8("{\"eventId\":\"e1\"}"), T0);
            h.pipe("e1", utf8("{\"eventId\":\"e1\"}"), T0 + window);
            h.pipe("e1", utf8("{\"eventId\":\"e1\"}"), T0 + window + 1);

            assertThat(h.typed(TopicId.EVENTS, EventRecord.class)).hasSize(2);
        }
    }
}
