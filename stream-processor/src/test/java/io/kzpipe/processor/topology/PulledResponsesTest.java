package io.kzpipe.processor.topology;

import static io.kzpipe.processor.topology.TopologyHarness.T0;
import static io.kzpipe.processor.topology.TopologyHarness.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.model.record.EventRecord;
import io.kzpipe.model.record.OptionAnswer;
import io.kzpipe.model.record.ResponseRecord;
import io.kzpipe.model.record.ResponseSupersession;
import io.kzpipe.model.topic.PipelineHeaders;
import io.kzpipe.model.topic.TopicId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Raw records the puller wrote (header {@code kz-pulled}): a pulled copy is a re-observation of a response, never a
 * new fact (docs/DESIGN.md "Pulled responses"). Record timestamp = publish time, {@code kz-received-at} = the
 * response's own time, event id = the puller's own (not the webhook's).
 */
class PulledResponsesTest {

    private static final String RID = "r-pull-0001";
    private static final long UPDATE = 1L << 62;
    /** ResponseTime of the original and of its edit. */
    private static final long T_ORIG = T0 - 60_000;

    private static final long T_EDIT = T0 + Duration.ofMinutes(10).toMillis();
    private static final long LAST_YEAR = T0 - Duration.ofDays(365).toMillis();

    /** One arrival: a webhook delivery or a pulled copy of the original or of the edited state. */
    enum Step {
        WEBHOOK_ORIGINAL, WEBHOOK_EDIT, PULLED_ORIGINAL, PULLED_EDIT;

        boolean pulled() {
            return this == PULLED_ORIGINAL || this == PULLED_EDIT;
        }

        boolean edit() {
            return this == WEBHOOK_EDIT || this == PULLED_EDIT;
        }

        String eventId() {
            return (pulled() ? "p-" : "w-") + (edit() ? "edit" : "orig");
        }
    }

    /**
     * A response to {@link #RID}: choice {@code new} for the edited state, {@code old} for the original, with its
     * hidden ResponseTime; {@code flag}: {@code isUpdateResponse} is sent, else the field is absent (a pulled item
     * whose schema lacks it).
     */
    private static byte[] body(String eventId, boolean edit, long responseTime, boolean flag) {
        String questions = "[" + Payloads.question("Choice", "SingleOption", edit ? "\"new\"" : "\"old\"") + ","
                + Payloads.question("ResponseTime", "DateTime", Long.toString(responseTime)) + "]";
        String json = new String(Payloads.response(eventId, RID, edit, questions), StandardCharsets.UTF_8);
        return utf8(flag ? json : json.replace("\"isUpdateResponse\":" + edit + ",", ""));
    }

    /** A raw record as the puller writes it: published at {@code publishedAt}, received at {@code receivedAt}. */
    private static TestRecord<byte[], byte[]> pulled(byte[] body, long receivedAt, long publishedAt) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(PipelineHeaders.RECEIVED_AT, Long.toString(receivedAt).getBytes(StandardCharsets.US_ASCII));
        headers.add(PipelineHeaders.PULLED, utf8("group:" + Payloads.GROUP));
        headers.add(PipelineHeaders.CONTENT_TYPE, utf8("application/json"));
        return new TestRecord<>(utf8(RID), body, headers, publishedAt);
    }

    /** Pipes {@code step} as the k-th arrival (webhooks as the gateway writes them, pulls as the puller does). */
    private static void pipe(TopologyHarness h, Step step, int k, boolean flag) {
        long responseTime = step.edit() ? T_EDIT : T_ORIG;
        long arrival = T_EDIT + Duration.ofMinutes(1 + k).toMillis();
        byte[] body = body(step.eventId(), step.edit(), responseTime, !step.pulled() || flag);
        if (step.pulled()) {
            h.pipe(pulled(body, responseTime, arrival));
        } else {
            h.pipe(RID, body, arrival);
        }
    }

    static Stream<Arguments> orders() {
        Step wo = Step.WEBHOOK_ORIGINAL;
        Step we = Step.WEBHOOK_EDIT;
        Step po = Step.PULLED_ORIGINAL;
        Step pe = Step.PULLED_EDIT;
        return Stream.of(
                // webhook original, pull (before the edit), webhook edit
                Arguments.of(List.of(wo, po, we), true, List.of("typed", "duplicate", "typed"), List.of(wo, we)),
                Arguments.of(List.of(wo, po, we), false, List.of("typed", "duplicate", "typed"), List.of(wo, we)),
                // webhook original, pull after the edit but before its webhook, webhook edit
                Arguments.of(List.of(wo, pe, we), true, List.of("typed", "typed", "superseded"), List.of(wo, pe)),
                Arguments.of(List.of(wo, pe, we), false, List.of("typed", "typed", "typed"), List.of(wo, pe, we)),
                // pull, webhook original, webhook edit
                Arguments.of(List.of(po, wo, we), true, List.of("typed", "superseded", "typed"), List.of(po, we)),
                Arguments.of(List.of(po, wo, we), false, List.of("typed", "superseded", "typed"), List.of(po, we)),
                // webhook original, webhook edit, pull of the edited state
                Arguments.of(List.of(wo, we, pe), true, List.of("typed", "typed", "duplicate"), List.of(wo, we)),
                Arguments.of(List.of(wo, we, pe), false, List.of("typed", "typed", "duplicate"), List.of(wo, we)),
                // pull of the edited state, webhook original, webhook edit
                Arguments.of(List.of(pe, wo, we), true, List.of("typed", "superseded", "superseded"), List.of(pe)),
                Arguments.of(List.of(pe, wo, we), false, List.of("typed", "superseded", "typed"), List.of(pe, we)));
    }

    @ParameterizedTest(name = "{0}, pulled isUpdateResponse sent: {1}")
    @MethodSource("orders")
    void pullAndWebhookInAnyOrderConvergeOnTheEditAndAPulledCopyIsNeverANewFact(List<Step> order, boolean flag,
            List<String> outcomes, List<Step> becameCurrent) {
        try (TopologyHarness h = new TopologyHarness()) {
            for (int k = 0; k < order.size(); k++) {
                pipe(h, order.get(k), k, flag);
            }

            assertThat(h.json(TopicId.RAW_OUTCOMES))
                    .extracting(n -> n.get("event_id").asText(), n -> n.get("outcome").asText())
                    .containsExactlyElementsOf(Stream.iterate(0, k -> k + 1)
                            .limit(order.size())
                            .map(k -> tuple(order.get(k).eventId(), outcomes.get(k)))
                            .toList());
            List<ResponseRecord> responses = h.typed(TopicId.RESPONSES, ResponseRecord.class);
            assertThat(responses).extracting(ResponseRecord::eventId)
                    .containsExactlyElementsOf(becameCurrent.stream().map(Step::eventId).toList());
            List<ResponseSupersession> supersessions = h.typed(TopicId.RESPONSE_SUPERSESSIONS,
                    ResponseSupersession.class);
            assertThat(supersessions).hasSize(becameCurrent.size() - 1);
            // what responses_latest shows: the versions written minus the superseded ones
            Set<Long> superseded = new HashSet<>();
            supersessions.forEach(s -> superseded.add(s.version()));
            List<ResponseRecord> latest = responses.stream().filter(r -> !superseded.contains(r.version())).toList();
            assertThat(latest).singleElement().satisfies(r -> {
                assertThat(r.responseTimeMs()).isEqualTo(T_EDIT);
                assertThat(r.receivedAtMs()).as("never earlier than the versions it replaced")
                        .isGreaterThanOrEqualTo(T_EDIT);
            });
            assertThat(h.typed(TopicId.ANSWERS_OPTION, OptionAnswer.class))
                    .filteredOn(a -> a.version() == latest.get(0).version())
                    .extracting(OptionAnswer::optionTitle)
                    .containsExactly("new");
            long events = outcomes.stream().filter(o -> !o.equals("duplicate")).count();
            assertThat(h.typed(TopicId.EVENTS, EventRecord.class))
                    .as("a pulled copy writes its events row only when it became current")
                    .hasSize((int) events);
        }
    }

    @Test
    void aPulledEditWithTheFlagHasTheWebhookEditsVersionSoBothCopiesAreOneRow() {
        try (TopologyHarness h = new TopologyHarness()) {
            pipe(h, Step.PULLED_EDIT, 0, true);
            pipe(h, Step.WEBHOOK_EDIT, 1, true);
            assertThat(h.typed(TopicId.RESPONSES, ResponseRecord.class))
                    .extracting(ResponseRecord::rowId, ResponseRecord::isUpdate)
                    .containsExactly(tuple(RID + ":" + (UPDATE + T_EDIT), true));
        }
    }

    @Test
    void lastYearsResponsePulledNowIsStoredOnItsDayAndItsCopiesAreDuplicatesWithinAndBeyondTheDedupWindow() {
        try (TopologyHarness h = new TopologyHarness(Map.of("PROCESSOR_DEDUP_WINDOW", "1h"))) {
            byte[] body = body("p-1", false, LAST_YEAR, true);
            h.pipe(pulled(body, LAST_YEAR, T0));

            List<TestRecord<String, byte[]>> responses = h.records(TopicId.RESPONSES);
            assertThat(responses).singleElement().satisfies(r -> {
                assertThat(r.timestamp()).as("publish time: freshness and retention work on it").isEqualTo(T0);
                assertThat(TopologyHarness.tree(r.value()).get("received_at_ms").asLong())
                        .as("the response's own time: its day partition")
                        .isEqualTo(LAST_YEAR);
            });
            assertThat(h.json(TopicId.EVENTS)).extracting(n -> n.get("received_at_ms").asLong())
                    .containsExactly(LAST_YEAR);
            JsonNode first = h.json(TopicId.RAW_OUTCOMES).get(0);
            assertThat(first.get("outcome").asText()).isEqualTo("typed");
            assertThat(first.get("received_at_ms").asLong()).as("the ledger's minute").isEqualTo(LAST_YEAR);
            assertThat(h.drainCounts()).containsOnlyKeys(TopicId.ANSWERS_OPTION, TopicId.ANSWERS_DATETIME);

            // the same state pulled again: within the window (centred on publish time), beyond it, and with
            // another event id (the puller's content hash changed, e.g. an item field it hashes differs)
            h.pipe(pulled(body, LAST_YEAR, T0 + Duration.ofMinutes(30).toMillis()));
            h.pipe(pulled(body, LAST_YEAR, T0 + Duration.ofDays(2).toMillis()));
            h.pipe(pulled(body("p-2", false, LAST_YEAR, true), LAST_YEAR, T0 + Duration.ofDays(3).toMillis()));

            assertThat(h.drainCounts()).as("nothing written for the three copies").isEmpty();
            assertThat(h.counter("kz.processor.events", "outcome", "duplicate")).isEqualTo(3.0);
        }
    }

    @Test
    void aPulledCopyThatIsNoResponseIsWrittenAsUsual() {
        try (TopologyHarness h = new TopologyHarness()) {
            byte[] created = utf8("{\"eventId\":\"p-created\",\"eventType\":\"SurveyCreated\",\"objectId\":\""
                    + Payloads.GROUP + "\",\"data\":{\"actionId\":\"" + Payloads.ACTION + "\"}}");
            h.pipe(new TestRecord<>(utf8("p-created"), created, pulled(created, LAST_YEAR, T0).headers(), T0));
            assertThat(h.drainCounts()).containsEntry(TopicId.EVENTS, 1);
        }
    }
}
