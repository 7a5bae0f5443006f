package io.kzpipe.e2e;

import static io.kzpipe.e2e.Payloads.bareEvent;
import static io.kzpipe.e2e.Payloads.id;
import static io.kzpipe.e2e.Payloads.pizzaOrder;
import static io.kzpipe.e2e.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kzpipe.cli.replay.Replay;
import io.kzpipe.e2e.PipelineStack.Delivery;
import io.kzpipe.e2e.PipelineStack.Service;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.testkit.ClickHouseExtension;
import io.kzpipe.testkit.KafkaExtension;
import io.kzpipe.testkit.TestClickHouse;
import io.kzpipe.testkit.TestKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Replay end to end: events dead-lettered by deliberately strict settings (the gateway's JSON depth, the processor's
 * record size), a replay while still strict (refused again, or dead-lettered again and marked as a replay), the
 * settings relaxed, a replay (the events land in their tables once, the dead letters count as recovered), and the
 * same replay again (nothing changes). The command runs in-process through its Java entry point, with the gateway's
 * environment, as it runs in the gateway's pod.
 *
 * <p>One partition per topic: once a barrier event posted after a replay is visible, the replay was processed.
 */
@ExtendWith({KafkaExtension.class, ClickHouseExtension.class})
class ReplayIT {

    private static final Duration VISIBLE = Duration.ofMinutes(2);
    private static PipelineStack stack;

    @BeforeAll
    static void start(TestKafka kafka, TestClickHouse ch) {
        stack = PipelineStack.start("replay", 1, kafka, ch,
                Map.of(Service.GATEWAY, Map.of("GATEWAY_MAX_JSON_DEPTH", "4"),
                        // the processor alone believes in a 1 KiB body limit: its record limit is then 36 KiB + 64 KiB
                        Service.PROCESSOR,
                        Map.of("GATEWAY_MAX_BODY_BYTES", "1024", "PROCESSOR_RAW_JSON_MAX_BYTES", "512")));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void deadLettersReplayedAfterTheFixLandOnceAndASecondReplayChangesNothing(TestKafka kafka) {
        String deepId = id();
        String responseId = id();
        String bigId = id();
        Delivery deep = stack.post(pizzaOrder(deepId, responseId, false, 1_000_000L, List.of("Cheese", "Olives"), 2));
        assertThat(deep.body()).isEqualTo("{\"status\":\"dead-lettered\",\"reason\":\"too_deep\"}");
        Delivery big = stack.post(bareEvent("GroupAdded", bigId).replace("Test Admin", "A".repeat(120_000)));
        assertThat(big.status()).as(big.body()).isBetween(200, 299);
        String ids = "'" + deepId + "', '" + bigId + "'";
        await("two dead letters").atMost(VISIBLE)
                .untilAsserted(() -> assertThat(stack.rows(
                        "SELECT stage, reason, event_id, replay_of FROM {db}.dead_letters_latest WHERE event_id IN ("
                                + ids + ") ORDER BY stage"))
                        .containsExactly(row("gateway", "too_deep", deepId, ""),
                                row("processor", "record_too_large", bigId, "")));
        String firstBig = stack.rows("SELECT row_id FROM {db}.dead_letters_latest WHERE event_id = '" + bigId + "'")
                .get(0);

        // still strict: the gateway's validator still refuses the deep one; the big one fails again, as a replay
        Result dry = replay("--all", "--dry-run");
        assertThat(dry.status()).as(dry.err()).isZero();
        assertThat(dry.out()).containsPattern("gateway +too_deep +still refused by the gateway +1")
                .containsPattern("processor +record_too_large +replay +1")
                .contains("nothing sent");
        assertThat(kafka.readToEnd(stack.topic(TopicId.RAW), Duration.ofSeconds(30)))
                .as("a dry run sends nothing: the big event's own delivery only")
                .hasSize(1);
        Result strict = replay("--stage", "processor,gateway");
        assertThat(strict.status()).as(strict.err()).isZero();
        assertThat(strict.out()).contains("replayed 1 of 2 selected dead letters");
        await("the failed replay's dead letter").atMost(VISIBLE)
                .untilAsserted(() -> assertThat(
                        stack.rows("SELECT reason, replay_of FROM {db}.dead_letters_latest WHERE event_id = '" + bigId
                                + "' AND replay_of != ''"))
                        .containsExactly(row("record_too_large", firstBig)));

        // the fix: both services relaxed (the replay reads the gateway's settings from the same environment)
        stack.restartWith(Service.GATEWAY, Map.of("GATEWAY_MAX_JSON_DEPTH", ""), "relaxed");
        stack.restartWith(Service.PROCESSOR, Map.of("GATEWAY_MAX_BODY_BYTES", "", "PROCESSOR_RAW_JSON_MAX_BYTES", ""),
                "relaxed");
        Result fixed = replay("--all");
        assertThat(fixed.status()).as(fixed.err()).isZero();
        assertThat(fixed.out()).contains("replayed 2 of 3 selected dead letters")
                .containsPattern(
                        "processor +record_too_large +replayed before, failed again \\(newer dead letter\\) +1");
        barrier();
        List<String> once = List.of(row(deepId, "1", "1"), row(bigId, "1", "0"));
        String stored = "SELECT event_id, count(), countIf(response_id != '') FROM {db}.events WHERE event_id IN ("
                + ids + ")" + " GROUP BY event_id ORDER BY event_id = '" + bigId + "'";
        assertThat(stack.rows(stored)).containsExactlyElementsOf(once);
        assertThat(stack
                .rows("SELECT count(), any(answer_count) FROM {db}.responses WHERE response_id = '" + responseId + "'"))
                .as("one version; answers: toppings, quantity and the hidden ResponseTime")
                .containsExactly(row("1", "3"));
        assertThat(stack.rows("SELECT e.received_at_ms = d.received_at_ms FROM {db}.events AS e ALL INNER JOIN"
                + " (SELECT event_id, received_at_ms FROM {db}.dead_letters WHERE row_id = '" + firstBig
                + "') AS d USING event_id")).as("received_at is the original receive time, not the replay's")
                .containsExactly("1");
        List<String> stillDead = stack.rows("SELECT count() FROM {db}.dead_letters FINAL WHERE event_id IN (" + ids
                + ")" + " AND row_id NOT IN (SELECT replay_of FROM {db}.dead_letters)"
                + " AND event_id NOT IN (SELECT event_id FROM {db}.events)");
        assertThat(stillDead).as("every dead letter of both events is recovered or replaced").containsExactly("0");

        // the same replay again: sent again, dropped by the processor's dedup; nothing changes anywhere
        String counts = "SELECT (SELECT count() FROM {db}.events WHERE event_id IN (" + ids + ")),"
                + " (SELECT count() FROM {db}.responses WHERE response_id = '" + responseId + "'),"
                + " (SELECT count() FROM {db}.answers_option WHERE response_id = '" + responseId + "'),"
                + " (SELECT count() FROM {db}.dead_letters WHERE event_id IN (" + ids + "))";
        List<String> before = stack.rows(counts);
        assertThat(before).containsExactly("2 | 1 | 2 | 3");
        Result again = replay("--all");
        assertThat(again.status()).as(again.err()).isZero();
        assertThat(again.out()).contains("replayed 2 of 3 selected dead letters");
        barrier();
        assertThat(stack.rows(counts)).isEqualTo(before);
        List<ConsumerRecord<String, byte[]>> raw = kafka.readToEnd(stack.topic(TopicId.RAW), Duration.ofSeconds(30));
        assertThat(raw.stream().filter(r -> r.headers().lastHeader("kz-replay-of") != null)).as("1 + 2 + 2 replays")
                .hasSize(5);
    }

    /** An event posted now and visible: everything posted or replayed before it was processed and loaded. */
    private static void barrier() {
        String eventId = id();
        assertThat(stack.post(bareEvent("GroupAdded", eventId)).status()).isBetween(200, 299);
        await("barrier event").atMost(VISIBLE)
                .until(() -> stack.number("SELECT count() FROM {db}.events WHERE event_id = '" + eventId + "'") == 1);
    }

    private record Result(int status, String out, String err) {}

    private static Result replay(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Replay.run(List.of(args), stack.environment(Service.GATEWAY), Clock.systemUTC(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
