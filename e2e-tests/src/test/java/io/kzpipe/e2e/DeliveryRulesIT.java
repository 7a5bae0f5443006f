package io.kzpipe.e2e;

import static io.kzpipe.e2e.Payloads.id;
import static io.kzpipe.e2e.Payloads.pizzaOrder;
import static io.kzpipe.e2e.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kzpipe.e2e.PipelineStack.Delivery;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.testkit.ClickHouseExtension;
import io.kzpipe.testkit.KafkaExtension;
import io.kzpipe.testkit.TestClickHouse;
import io.kzpipe.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The delivery rules end to end, over HTTP into the {@code _latest} views: edits before and after their original,
 * the later of two edits, duplicate deliveries, malformed bodies (dead letters with their reason), wrong and
 * missing tokens (401, nothing stored), and event types that are kept as events only.
 *
 * <p>One partition per topic, so the pipeline keeps one total order: once a later "barrier" response is visible
 * in a table, everything posted before it has been processed and loaded into that table. That is what makes the
 * "stored once" and "nothing stored" assertions able to fail.
 */
@ExtendWith({KafkaExtension.class, ClickHouseExtension.class})
class DeliveryRulesIT {

    private static final Duration VISIBLE = Duration.ofMinutes(2);
    private static final long EDIT = 1L << 62; // ResponseVersion: an edit outranks any original
    private static PipelineStack stack;

    @BeforeAll
    static void start(TestKafka kafka, TestClickHouse ch) {
        stack = PipelineStack.start("rules", 1, kafka, ch);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void anEditThatArrivesBeforeItsOriginalStillWins() {
        String responseId = id();
        String editId = id();
        assertAccepted(stack.post(pizzaOrder(editId, responseId, true, 2_000_000L, List.of("Olives"), 7)));
        assertAccepted(stack.post(pizzaOrder(id(), responseId, false, 1_000_000L, List.of("Cheese", "Basil"), 2)));
        awaitStored(responseId, 2, 1); // the original, older than the edit, is not written

        assertThat(stack.rows(
                "SELECT event_id, is_update, version, answer_count FROM {db}.responses_latest WHERE response_id = '"
                        + responseId + "'"))
                .containsExactly(row(editId, "1", Long.toString(EDIT + 2_000_000L), "3"));
        assertThat(options(responseId)).containsExactly("Olives");
        assertThat(quantities(responseId)).containsExactly("7");
    }

    @Test
    void anEditAfterItsOriginalReplacesItsAnswersIncludingDroppedOptions() {
        String responseId = id();
        assertAccepted(stack.post(pizzaOrder(id(), responseId, false, 1_000_000L, List.of("Cheese", "Olives"), 2)));
        await("original visible").atMost(VISIBLE)
                .untilAsserted(() -> assertThat(options(responseId)).containsExactly("Cheese", "Olives"));

        String editId = id();
        assertAccepted(stack.post(pizzaOrder(editId, responseId, true, 1_500_000L, List.of("Cheese"), 3)));
        awaitStored(responseId, 2, 2);
        assertThat(stack.rows("SELECT version, superseded_by FROM {db}.response_supersessions WHERE response_id = '"
                + responseId + "'")).as("the processor's marker for the replaced original")
                .containsExactly(row("1000000", Long.toString(EDIT + 1_500_000L)));
        assertThat(stack
                .rows("SELECT event_id, is_update FROM {db}.responses_latest WHERE response_id = '" + responseId + "'"))
                .containsExactly(row(editId, "1"));
        assertThat(options(responseId)).as("Olives was dropped by the edit").containsExactly("Cheese");
        assertThat(quantities(responseId)).containsExactly("3");
    }

    @Test
    void theLaterOfTwoEditsWinsWhicheverArrivesLast() {
        String responseId = id();
        String laterEdit = id();
        assertAccepted(stack.post(pizzaOrder(id(), responseId, false, 1_000_000L, List.of("Cheese"), 1)));
        assertAccepted(stack.post(pizzaOrder(laterEdit, responseId, true, 3_000_000L, List.of("Basil"), 3)));
        assertAccepted(stack.post(pizzaOrder(id(), responseId, true, 2_000_000L, List.of("Olives"), 2)));
        awaitStored(responseId, 3, 2); // the earlier edit arrives after the later one: not written

        assertThat(stack
                .rows("SELECT event_id, version FROM {db}.responses_latest WHERE response_id = '" + responseId + "'"))
                .containsExactly(row(laterEdit, Long.toString(EDIT + 3_000_000L)));
        assertThat(options(responseId)).containsExactly("Basil");
        assertThat(quantities(responseId)).containsExactly("3");
    }

    @Test
    void aDeliveryPostedSixTimesIsStoredOnce() {
        String eventId = id();
        String responseId = id();
        String body = pizzaOrder(eventId, responseId, false, 5_000_000L, List.of("Cheese", "Olives"), 4);
        for (int i = 0; i < 3; i++) {
            assertAccepted(stack.post(body));
        }
        List<CompletableFuture<Delivery>> concurrent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            concurrent.add(CompletableFuture.supplyAsync(() -> stack.post(body)));
        }
        concurrent.forEach(f -> assertAccepted(f.join()));
        barrier();

        // the processor drops the repeats (dedup by eventId), so even the tables without FINAL hold one copy
        assertThat(stack.rows("SELECT (SELECT count() FROM {db}.events WHERE event_id = '" + eventId + "'),"
                + " (SELECT count() FROM {db}.responses WHERE response_id = '" + responseId + "'),"
                + " (SELECT count() FROM {db}.answers_option WHERE response_id = '" + responseId + "'),"
                + " (SELECT count() FROM {db}.answers_numeric WHERE response_id = '" + responseId + "')"))
                .containsExactly("1 | 1 | 2 | 1");
        assertThat(options(responseId)).containsExactly("Cheese", "Olives");
        assertThat(quantities(responseId)).containsExactly("4");
    }

    @Test
    void malformedBodiesAreAnswered200AndKeptAsDeadLettersWithTheirReason() {
        String missingEventId = "{\"objectId\":\"g\",\"objectType\":\"Group\",\"eventType\":\"TextMessageCreated\",\"data\":{\"text\":\"hi\"}}";
        String questionsNotArray = pizzaOrder(id(), 1).replaceFirst("\"responseWithQuestions\":\\[",
                "\"responseWithQuestions\":\"oops\",\"x\":[");
        List<String> bodies = List.of("this is not json", "[1,2,3]", "",
                "{\"objectId\":\"g\",\"objectType\":\"Group\",\"eventType\"", missingEventId, questionsNotArray);
        List<String> reasons = List.of("invalid_json", "not_an_object", "empty_body", "truncated_json",
                "missing_field");
        List<Delivery> answers = bodies.stream().map(stack::post).toList();
        for (int i = 0; i < reasons.size(); i++) {
            assertThat(answers.get(i).status()).isEqualTo(200);
            assertThat(answers.get(i).body())
                    .isEqualTo("{\"status\":\"dead-lettered\",\"reason\":\"" + reasons.get(i) + "\"}");
        }
        assertAccepted(answers.get(5)); // a valid envelope: the processor refuses it

        String requestIds = answers.stream().map(a -> "'" + a.requestId() + "'").collect(Collectors.joining(","));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            String stage = i < 5 ? "gateway" : "processor";
            String reason = i < 5 ? reasons.get(i) : "questions_not_array";
            expected.add(row(answers.get(i).requestId(), stage, reason,
                    Integer.toString(bodies.get(i).getBytes(StandardCharsets.UTF_8).length), bodies.get(i)));
        }
        await("six dead letters").atMost(VISIBLE)
                .untilAsserted(() -> assertThat(stack
                        .rows("SELECT request_id, stage, reason, payload_size, payload FROM {db}.dead_letters_latest"
                                + " WHERE request_id IN (" + requestIds + ")"))
                        .containsExactlyInAnyOrderElementsOf(expected));
        assertThat(stack.rows("SELECT reason, detail FROM {db}.dead_letters_latest WHERE request_id IN (" + requestIds
                + ")" + " AND reason IN ('missing_field', 'questions_not_array') ORDER BY reason"))
                .containsExactly(row("missing_field", "eventId is missing"), row("questions_not_array",
                        "data.responseDetails.responseWithQuestions must be an array, got string"));
    }

    @Test
    void aWrongOrMissingTokenIsAnswered401AndNothingIsStored(TestKafka kafka) {
        String eventId = id();
        String body = pizzaOrder(eventId, 9);
        for (String token : new String[]{"wrong-token", null, ""}) {
            Delivery answer = stack.post(body, token);
            assertThat(answer.status()).as("token %s", token).isEqualTo(401);
            assertThat(answer.body()).doesNotContain(PipelineStack.TOKEN).contains("\"code\":\"unauthorized\"");
        }
        // the gateway writes before it answers, so the topics are already final for this request
        for (TopicId topic : List.of(TopicId.RAW, TopicId.DLQ_GATEWAY)) {
            List<ConsumerRecord<String, byte[]>> records = kafka.readToEnd(stack.topic(topic), Duration.ofSeconds(30));
            assertThat(records).as(topic.name())
                    .noneMatch(
                            r -> r.value() != null && new String(r.value(), StandardCharsets.UTF_8).contains(eventId));
        }
        barrier();
        assertThat(stack.rows("SELECT (SELECT count() FROM {db}.events WHERE event_id = '" + eventId + "'),"
                + " (SELECT count() FROM {db}.dead_letters WHERE position(payload, '" + eventId + "') > 0)"))
                .containsExactly("0 | 0");
    }

    @Test
    void groupEventsAndUnknownEventTypesAreStoredAsEventsOnly() {
        List<String> types = List.of("GroupAdded", "GroupRemoved", "PollCreated");
        List<String> ids = new ArrayList<>();
        for (String type : types) {
            String eventId = id();
            ids.add(eventId);
            assertAccepted(stack.post(Payloads.bareEvent(type, eventId)));
        }
        barrier();
        String in = ids.stream().map(i -> "'" + i + "'").collect(Collectors.joining(","));
        assertThat(stack.rows("SELECT event_type, group_id, object_type FROM {db}.events_latest WHERE event_id IN ("
                + in + ") ORDER BY event_type")).containsExactly(row("GroupAdded", Payloads.GROUP, "Group"),
                        row("GroupRemoved", Payloads.GROUP, "Group"), row("PollCreated", Payloads.GROUP, "Group"));
        String elsewhere = List.of("responses", "messages", "jobs", "memberships", "action_definitions")
                .stream()
                .map(t -> "(SELECT count() FROM {db}." + t + " WHERE event_id IN (" + in + "))")
                .collect(Collectors.joining(" + "));
        assertThat(stack.number("SELECT " + elsewhere)).isZero();
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static void assertAccepted(Delivery answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).startsWith("{\"status\":\"accepted\"");
    }

    /** Waits until {@code versions} versions of the response, with their option and numeric answers, are stored. */
    /**
     * Waits until all {@code deliveries} of a response were processed (each writes its {@code events} row) and
     * {@code written} versions are in responses, options and numbers: a version that arrives after a newer one is
     * superseded on arrival, and only its events row is written.
     */
    private static void awaitStored(String responseId, int deliveries, int written) {
        await(deliveries + " deliveries of " + responseId).atMost(VISIBLE)
                .untilAsserted(() -> assertThat(stack.rows(
                        "SELECT (SELECT uniqExact(event_id) FROM {db}.events WHERE response_id = '" + responseId + "'),"
                                + " (SELECT uniqExact(version) FROM {db}.responses WHERE response_id = '" + responseId
                                + "')," + " (SELECT uniqExact(version) FROM {db}.answers_option WHERE response_id = '"
                                + responseId + "'),"
                                + " (SELECT uniqExact(version) FROM {db}.answers_numeric WHERE response_id = '"
                                + responseId + "')"))
                        .containsExactly(row(Integer.toString(deliveries), Integer.toString(written),
                                Integer.toString(written), Integer.toString(written))));
    }

    /**
     * Posts a fresh response and waits until it is visible in events, responses, options and numbers: with one
     * partition, everything posted earlier has then been processed and loaded into those tables.
     */
    private static void barrier() {
        String eventId = id();
        String responseId = id();
        assertAccepted(stack.post(pizzaOrder(eventId, responseId, false, null, List.of("Basil"), 1)));
        await("barrier " + eventId).atMost(VISIBLE)
                .untilAsserted(
                        () -> assertThat(stack.rows("SELECT (SELECT count() FROM {db}.events_latest WHERE event_id = '"
                                + eventId + "')," + " (SELECT count() FROM {db}.responses_latest WHERE response_id = '"
                                + responseId + "'),"
                                + " (SELECT count() FROM {db}.answers_option_latest WHERE response_id = '" + responseId
                                + "')," + " (SELECT count() FROM {db}.answers_numeric_latest WHERE response_id = '"
                                + responseId + "')")).containsExactly("1 | 1 | 1 | 1"));
    }

    private static List<String> options(String responseId) {
        return stack.rows("SELECT option_title FROM {db}.answers_option_latest WHERE response_id = '" + responseId
                + "' ORDER BY option_title");
    }

    private static List<String> quantities(String responseId) {
        return stack.rows("SELECT value FROM {db}.answers_numeric_latest WHERE response_id = '" + responseId + "'");
    }
}
