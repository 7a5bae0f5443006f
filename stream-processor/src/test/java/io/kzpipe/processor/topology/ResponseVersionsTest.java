package io.kzpipe.processor.topology;

import static io.kzpipe.processor.topology.TopologyHarness.T0;
import static io.kzpipe.processor.topology.TopologyHarness.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.model.json.JsonSerde;
import io.kzpipe.model.record.AnswerReject;
import io.kzpipe.model.record.EventRecord;
import io.kzpipe.model.record.OptionAnswer;
import io.kzpipe.model.record.ResponseRecord;
import io.kzpipe.model.record.ResponseSupersession;
import io.kzpipe.model.topic.TopicId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The per-response state: current version, superseded-on-arrival versions, supersessions, receive times. */
class ResponseVersionsTest {

    private static final String RID = "r-v-0001";
    private static final long UPDATE = 1L << 62;

    private final List<TopologyHarness> harnesses = new ArrayList<>();

    @AfterEach
    void close() {
        harnesses.forEach(TopologyHarness::close);
    }

    private TopologyHarness harness(Map<String, String> env) {
        TopologyHarness h = new TopologyHarness(env);
        harnesses.add(h);
        return h;
    }

    /** A response to {@link #RID} choosing {@code choice}, with a hidden ResponseTime when not {@code null}. */
    private static byte[] response(String eventId, boolean isUpdate, Long responseTime, String choice) {
        String questions = "[" + Payloads.question("Choice", "SingleOption", "\"" + choice + "\"")
                + (responseTime == null
                        ? ""
                        : "," + Payloads.question("ResponseTime", "DateTime", Long.toString(responseTime)))
                + "]";
        return Payloads.response(eventId, RID, isUpdate, questions);
    }

    private static ResponseSupersession supersession(TestRecord<String, byte[]> r) {
        return JsonSerde.of(ResponseSupersession.class).deserialize("t", r.value());
    }

    private double outcome(TopologyHarness h, String outcome) {
        return h.counter("kz.processor.events", "outcome", outcome);
    }

    @Test
    void anEditOfTheCurrentVersionWritesBothVersionsAndOneSupersession() {
        TopologyHarness h = harness(Map.of());
        h.pipe(RID, response("e-orig", false, null, "old"), T0);
        h.pipe(RID, response("e-edit", true, null, "new"), T0 + 60_000);

        long edit = UPDATE + T0 + 60_000;
        assertThat(h.typed(TopicId.RESPONSES, ResponseRecord.class))
                .extracting(ResponseRecord::eventId, ResponseRecord::version, ResponseRecord::receivedAtMs)
                .containsExactly(tuple("e-orig", T0, T0), tuple("e-edit", edit, T0 + 60_000));
        assertThat(h.typed(TopicId.ANSWERS_OPTION, OptionAnswer.class))
                .extracting(OptionAnswer::optionTitle, OptionAnswer::version)
                .containsExactly(tuple("old", T0), tuple("new", edit));
        List<TestRecord<String, byte[]>> written = h.records(TopicId.RESPONSE_SUPERSESSIONS);
        assertThat(written).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo(RID);
            assertThat(r.timestamp()).isEqualTo(T0 + 60_000);
            assertThat(r.headers().toArray()).isEmpty();
            assertThat(supersession(r)).isEqualTo(new ResponseSupersession(1, RID + ":" + T0, "e-edit", RID, T0, edit,
                    Payloads.ACTION, Payloads.GROUP, T0, T0 + 60_000));
            List<String> fields = new ArrayList<>();
            TopologyHarness.tree(r.value()).fieldNames().forEachRemaining(fields::add);
            assertThat(fields).containsExactly("schema_version", "row_id", "event_id", "response_id", "version",
                    "superseded_by", "action_id", "group_id", "received_at_ms", "superseded_at_ms");
        });
        assertThat(h.drainCounts()).isEqualTo(Map.of(TopicId.EVENTS, 2));
        assertThat(outcome(h, "processed")).isEqualTo(2.0);
        assertThat(outcome(h, "superseded")).isZero();
        assertThat(h.counter("kz.processor.records.out", "topic", h.topics.name(TopicId.RESPONSE_SUPERSESSIONS)))
                .isEqualTo(1.0);
    }

    @Test
    void anOriginalArrivingAfterItsEditIsSupersededOnArrival() {
        TopologyHarness h = harness(Map.of());
        h.pipe(RID, response("e-edit", true, null, "new"), T0);
        String withReject = "[" + Payloads.question("Choice", "SingleOption", "\"old\"") + ","
                + Payloads.question("Qty", "Numeric", "\"many\"") + "]";
        h.pipe(RID, Payloads.response("e-orig", RID, false, withReject), T0 + 60_000);

        assertThat(h.typed(TopicId.RESPONSES, ResponseRecord.class)).extracting(ResponseRecord::eventId)
                .containsExactly("e-edit");
        assertThat(h.typed(TopicId.ANSWERS_OPTION, OptionAnswer.class)).extracting(OptionAnswer::optionTitle)
                .containsExactly("new");
        assertThat(h.typed(TopicId.ANSWER_REJECTS, AnswerReject.class)).isEmpty();
        assertThat(h.typed(TopicId.EVENTS, EventRecord.class))
                .extracting(EventRecord::eventId, EventRecord::receivedAtMs)
                .containsExactly(tuple("e-edit", T0), tuple("e-orig", T0 + 60_000));
        assertThat(h.drainCounts()).isEmpty();
        assertThat(outcome(h, "processed")).isEqualTo(1.0);
        assertThat(outcome(h, "superseded")).isEqualTo(1.0);
        assertThat(outcome(h, "duplicate")).isZero();
        assertThat(h.counter("kz.processor.answer.rejects", "reason", "not_a_number")).isZero();
        assertThat(h.counter("kz.processor.records.out", "topic", h.topics.name(TopicId.EVENTS))).isEqualTo(2.0);
        assertThat(h.counter("kz.processor.records.out", "topic", h.topics.name(TopicId.RESPONSES))).isEqualTo(1.0);

        // and a delivery of the superseded event within the dedup window is still a plain duplicate
        h.pipe(RID, Payloads.response("e-orig", RID, false, withReject), T0 + 120_000);
        assertThat(h.drainCounts()).isEmpty();
        assertThat(outcome(h, "duplicate")).isEqualTo(1.0);
    }

    @Test
    void aRedeliveryOfTheCurrentVersionBeyondTheDedupWindowIsADuplicate() {
        TopologyHarness h = harness(Map.of("PROCESSOR_DEDUP_WINDOW", "1h"));
        h.pipe(RID, response("e-orig", false, null, "old"), T0);
        h.drainCounts();
        // stream time moves well past the window, so the dedup store has forgotten e-orig
        long later = T0 + Duration.ofHours(5).toMillis();
        h.pipe("x", utf8("{\"eventId\":\"x\",\"eventType\":\"GroupAdded\"}"), later);
        // without ResponseTime these copies would get a higher version (from their receive time) if taken as new
        h.pipe(RID, response("e-orig", false, null, "old"), later + 1);
        h.pipe(RID, response("e-orig", false, null, "old"), T0 - Duration.ofHours(3).toMillis());

        assertThat(h.drainCounts()).isEqualTo(Map.of(TopicId.EVENTS, 1));
        assertThat(outcome(h, "duplicate")).isEqualTo(2.0);
        assertThat(outcome(h, "processed")).isEqualTo(2.0);
        KeyValueStore<String, ResponseVersions.Current> store = h.keyValueStore(ProcessorTopology.VERSIONS_STORE);
        assertThat(store.get(RID)).isEqualTo(new ResponseVersions.Current("e-orig", T0, T0));
    }

    /** Every arrival order of an original (ResponseTime 1000) and two edits (ResponseTime 2000 and 3000). */
    static Stream<List<Integer>> arrivalOrders() {
        return Stream.of(List.of(0, 1, 2), List.of(0, 2, 1), List.of(1, 0, 2), List.of(1, 2, 0), List.of(2, 0, 1),
                List.of(2, 1, 0));
    }

    @ParameterizedTest
    @MethodSource("arrivalOrders")
    void whateverTheArrivalOrderTheNewestWinsAndEachReplacedVersionIsSupersededOnce(List<Integer> order) {
        String[] ids = {"e-orig", "e-edit-a", "e-edit-b"};
        long[] versions = {1000, UPDATE + 2000, UPDATE + 3000};
        TopologyHarness h = harness(Map.of());
        List<Integer> current = new ArrayList<>(); // versions that became current, in order
        long[] arrivedAt = new long[3];
        for (int k = 0; k < order.size(); k++) {
            int v = order.get(k);
            arrivedAt[v] = T0 + k * 1000L;
            h.pipe(RID, response(ids[v], v > 0, (v + 1) * 1000L, "c" + v), arrivedAt[v]);
            if (current.isEmpty() || versions[v] > versions[current.get(current.size() - 1)]) {
                current.add(v);
            }
        }

        assertThat(h.typed(TopicId.RESPONSES, ResponseRecord.class)).extracting(ResponseRecord::eventId)
                .containsExactlyElementsOf(current.stream().map(v -> ids[v]).toList());
        List<ResponseSupersession> expected = new ArrayList<>();
        for (int i = 1; i < current.size(); i++) {
            int old = current.get(i - 1);
            int now = current.get(i);
            expected.add(ResponseSupersession.of(ids[now], RID, versions[old], versions[now], Payloads.ACTION,
                    Payloads.GROUP, arrivedAt[old], arrivedAt[now]));
        }
        assertThat(h.records(TopicId.RESPONSE_SUPERSESSIONS).stream().map(ResponseVersionsTest::supersession))
                .containsExactlyElementsOf(expected);
        assertThat(h.typed(TopicId.EVENTS, EventRecord.class)).hasSize(3);
        assertThat(outcome(h, "superseded")).isEqualTo(3.0 - current.size());
        KeyValueStore<String, ResponseVersions.Current> store = h.keyValueStore(ProcessorTopology.VERSIONS_STORE);
        assertThat(store.get(RID).eventId()).isEqualTo("e-edit-b");
    }

    @Test
    void aNewVersionNeverCarriesAnEarlierReceiveTimeThanTheVersionItReplaces() {
        TopologyHarness h = harness(Map.of());
        h.pipe(RID, response("e-orig", false, null, "a"), T0 + 10_000);
        h.pipe(RID, response("e-edit-1", true, null, "b"), T0); // gateway clock behind: version from T0 + 10 s
        h.pipe(RID, response("e-edit-2", true, null, "c"), T0 + 20_000);
        long responseTime = T0 + 100_000;
        h.pipe(RID, response("e-edit-3", true, responseTime, "d"), T0 + 15_000);

        long edit1 = UPDATE + T0 + 10_000;
        long edit2 = UPDATE + T0 + 20_000;
        long edit3 = UPDATE + responseTime;
        List<TestRecord<String, byte[]>> responses = h.records(TopicId.RESPONSES);
        assertThat(responses.stream().map(r -> JsonSerde.of(ResponseRecord.class).deserialize("t", r.value())))
                .extracting(ResponseRecord::eventId, ResponseRecord::version, ResponseRecord::receivedAtMs)
                .containsExactly(tuple("e-orig", T0 + 10_000, T0 + 10_000), tuple("e-edit-1", edit1, T0 + 10_000),
                        tuple("e-edit-2", edit2, T0 + 20_000), tuple("e-edit-3", edit3, T0 + 20_000));
        assertThat(responses).extracting(TestRecord::timestamp)
                .as("Kafka timestamp = input timestamp")
                .containsExactly(T0 + 10_000, T0, T0 + 20_000, T0 + 15_000);
        assertThat(h.typed(TopicId.ANSWERS_OPTION, OptionAnswer.class))
                .extracting(OptionAnswer::optionTitle, OptionAnswer::version, OptionAnswer::receivedAtMs,
                        OptionAnswer::rowId)
                .containsExactly(tuple("a", T0 + 10_000, T0 + 10_000, RID + ":" + (T0 + 10_000) + ":0:0"),
                        tuple("b", edit1, T0 + 10_000, RID + ":" + edit1 + ":0:0"),
                        tuple("c", edit2, T0 + 20_000, RID + ":" + edit2 + ":0:0"),
                        tuple("d", edit3, T0 + 20_000, RID + ":" + edit3 + ":0:0"));
        List<JsonNode> events = h.json(TopicId.EVENTS);
        assertThat(events).extracting(e -> e.get("received_at_ms").asLong())
                .containsExactly(T0 + 10_000, T0 + 10_000, T0 + 20_000, T0 + 20_000);
        assertThat(h.records(TopicId.RESPONSE_SUPERSESSIONS).stream().map(ResponseVersionsTest::supersession))
                .extracting(ResponseSupersession::version, ResponseSupersession::supersededBy,
                        ResponseSupersession::receivedAtMs, ResponseSupersession::supersededAtMs)
                .containsExactly(tuple(T0 + 10_000, edit1, T0 + 10_000, T0 + 10_000),
                        tuple(edit1, edit2, T0 + 10_000, T0 + 20_000), tuple(edit2, edit3, T0 + 20_000, T0 + 20_000));
    }

    @Test
    void theCurrentVersionsAreChangeloggedAndAStoreRestoredFromTheChangelogKeepsTheRules() {
        TopologyHarness first = harness(Map.of());
        first.pipe(RID, response("e-orig", false, null, "old"), T0);
        List<TestRecord<String, byte[]>> changelog = first.changelog(ProcessorTopology.VERSIONS_STORE);
        assertThat(changelog).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo(RID);
            assertThat(ResponseVersions.decode(r.value())).isEqualTo(new ResponseVersions.Current("e-orig", T0, T0));
        });

        // TopologyTestDriver wipes its state dir on close, so a restart is played as Streams restores a
        // store: a new instance (empty dedup store) whose versions store is loaded from the changelog
        TopologyHarness second = harness(Map.of());
        KeyValueStore<String, ResponseVersions.Current> store = second.keyValueStore(ProcessorTopology.VERSIONS_STORE);
        changelog.forEach(r -> store.put(r.key(), ResponseVersions.decode(r.value())));
        second.changelog(ProcessorTopology.VERSIONS_STORE);

        second.pipe(RID, response("e-orig", false, null, "old"), T0 + 3_600_000);
        assertThat(second.drainCounts()).isEmpty();
        assertThat(outcome(second, "duplicate")).isEqualTo(1.0);

        second.pipe(RID, response("e-copy", false, 1000L, "older"), T0 + 7_200_000);
        assertThat(second.drainCounts()).isEqualTo(Map.of(TopicId.EVENTS, 1));
        assertThat(outcome(second, "superseded")).isEqualTo(1.0);

        second.pipe(RID, response("e-edit", true, null, "new"), T0 + 10_800_000);
        assertThat(second.records(TopicId.RESPONSE_SUPERSESSIONS).stream().map(ResponseVersionsTest::supersession))
                .containsExactly(ResponseSupersession.of("e-edit", RID, T0, UPDATE + T0 + 10_800_000, Payloads.ACTION,
                        Payloads.GROUP, T0, T0 + 10_800_000));
        assertThat(second.changelog(ProcessorTopology.VERSIONS_STORE)).singleElement()
                .satisfies(r -> assertThat(ResponseVersions.decode(r.value()))
                        .isEqualTo(new ResponseVersions.Current("e-edit", UPDATE + T0 + 10_800_000, T0 + 10_800_000)));
    }

    @Test
    void eventsWithoutAResponseRecordLeaveTheStoreAlone() {
        TopologyHarness h = harness(Map.of());
        h.pipe(RID,
                utf8("{\"eventId\":\"j1\",\"eventType\":\"JobResponse\",\"data\":{\"responseId\":\"" + RID + "\"}}"),
                T0);
        h.pipe(RID, response("e-orig", false, null, "old"), T0 + 1);

        assertThat(h.typed(TopicId.RESPONSES, ResponseRecord.class)).hasSize(1);
        assertThat(h.records(TopicId.RESPONSE_SUPERSESSIONS)).isEmpty();
        KeyValueStore<String, ResponseVersions.Current> store = h.keyValueStore(ProcessorTopology.VERSIONS_STORE);
        assertThat(store.get(RID)).isEqualTo(new ResponseVersions.Current("e-orig", T0 + 1, T0 + 1));
    }

    @Test
    void theStoredValueRoundTripsAndAnUnknownEncodingFailsLoudly() {
        ResponseVersions.Current c = new ResponseVersions.Current("é-😀-id", UPDATE + 5, Long.MAX_VALUE);
        byte[] bytes = ResponseVersions.encode(c);
        assertThat(bytes).hasSize(17 + "é-😀-id".getBytes(StandardCharsets.UTF_8).length);
        assertThat(bytes[0]).isEqualTo((byte) 1);
        assertThat(ResponseVersions.decode(bytes)).isEqualTo(c);
        var serde = ResponseVersions.serde();
        assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", c))).isEqualTo(c);
        assertThat(ResponseVersions.decode(null)).isNull();

        bytes[0] = 2;
        byte[] other = bytes;
        assertThatThrownBy(() -> ResponseVersions.decode(other)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ResponseVersions.decode(new byte[3])).isInstanceOf(IllegalStateException.class);
    }
}
