package io.kzpipe.e2e;

import static io.kzpipe.e2e.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.kaizaladouble.GroupSeed;
import io.kzpipe.kaizaladouble.KaizalaDouble;
import io.kzpipe.model.json.Json;
import io.kzpipe.model.topic.PipelineHeaders;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.testkit.ClickHouseExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The two ways in meet: the same responses by pull and by webhook in either order, with edits in between, converge
 * on the newest version in {@code responses_latest}; and a backfill of last year's data survives a short topic
 * retention and the processor's dedup window. Webhook pushes are held by a {@link WebhookCapture} and posted to the
 * gateway when the scenario says, so the arrival order is the test's.
 */
@ExtendWith({ClickHouseExtension.class, PullerStackExtension.class})
class PulledConvergenceIT {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static PipelineStack stack;

    @BeforeAll
    static void start(PipelineStack shared) {
        stack = shared;
    }

    /** Posts a held push to the gateway and waits until its event row landed. */
    private static void deliver(String body) {
        assertThat(stack.post(body).status()).isEqualTo(200);
        String eventId = tree(body).get("eventId").asText();
        await("webhook " + eventId + " processed").atMost(PullerChecks.LANDED)
                .until(() -> stack.number("SELECT count() FROM {db}.events_latest WHERE event_id = '" + eventId + "'"),
                        n -> n == 1);
    }

    /**
     * Runs a backfill of the group to its end and waits until the processor handled and the sink loaded every record
     * it published: as many more raw receipts as the puller counted records, and an outcome for each.
     */
    private static void pull(PullerProcess p, String group, Instant from, Instant to) {
        long receipts = stack.number("SELECT count() FROM {db}.raw_receipts_latest");
        double records = p.metric("kz_puller_records_total");
        p.awaitBackfill(p.backfill("group:" + group, from, to));
        long expected = receipts + (long) (p.metric("kz_puller_records_total") - records);
        await("every record of the backfill processed").atMost(PullerChecks.LANDED)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> stack.rows("SELECT (SELECT count() FROM {db}.raw_receipts_latest),"
                        + " (SELECT count() FROM {db}.raw_outcomes_latest)"),
                        r -> r.get(0).equals(row(Long.toString(expected), Long.toString(expected))));
    }

    private static String isUpdate(String responseId) {
        return String.join(",", stack.rows(
                "SELECT toString(is_update) FROM {db}.responses_latest WHERE response_id = '" + responseId + "'"));
    }

    @Test
    void pullAndWebhookInEitherOrderWithEditsInBetweenConvergeOnTheNewestVersion() {
        try (KaizalaDouble d = PullerChecks.unlimitedDouble(); WebhookCapture hooks = WebhookCapture.start()) {
            String group = "g-converge";
            Instant from = NOW.minus(Duration.ofHours(2));
            String action = d.seed(GroupSeed.of(group, 1, 0, from, from, 21L)).get(0);
            DoubleClient.of(d).subscribe(group, hooks.url(), PipelineStack.TOKEN);
            String x = d.addResponse(group, action); // webhook original, webhook edit, then pulled
            d.editResponse(group, action, x);
            String y = d.addResponse(group, action); // pulled, webhook original, edit pulled, webhook edit
            String z = d.addResponse(group, action); // edited state pulled, then both webhooks
            d.editResponse(group, action, z);
            List<String> held = hooks.bodies();
            assertThat(held).hasSize(5);
            deliver(held.get(0));
            deliver(held.get(1));

            try (PullerProcess p = PullerProcess.start(stack, d, "converge", PullerChecks.LIFTED)) {
                p.backfill("group:" + group, from, NOW.plus(Duration.ofHours(1)));
                await().atMost(PullerChecks.LANDED).until(() -> !isUpdate(y).isEmpty() && !isUpdate(z).isEmpty());
                assertThat(List.of(isUpdate(x), isUpdate(y), isUpdate(z))).containsExactly("1", "0", "1");
                deliver(held.get(2)); // y's original, after its pulled copy
                deliver(held.get(3)); // z's original, after its pulled edit
                deliver(held.get(4)); // z's edit, after its pulled copy

                d.editResponse(group, action, y);
                String yEdit = hooks.bodies().get(5);
                pull(p, group, from, NOW.plus(Duration.ofHours(1)));
                assertThat(isUpdate(y)).isEqualTo("1");
                deliver(yEdit); // y's edit, after its pulled copy
            }
            assertThat(List.of(isUpdate(x), isUpdate(y), isUpdate(z))).containsExactly("1", "1", "1");
            assertThat(stack.rows("SELECT response_id, count() FROM {db}.events_latest WHERE group_id = '" + group
                    + "' GROUP BY response_id ORDER BY response_id"))
                    .as("events: every webhook event; a pulled copy only when it was new")
                    .containsExactlyInAnyOrder(row(x, "2"), row(y, "4"), row(z, "3"));
            PullerChecks.assertContent(stack, d, group, 3);
        }
    }

    @Test
    void aBackfillOfLastYearsDataSurvivesAShortRetentionAndTheDedupWindowAndLandsOnItsDays() throws Exception {
        String rawTopic = stack.topic(TopicId.RAW);
        String control = stack.topic(TopicId.RAW) + "-retention-control";
        stack.kafka().createTopics(List.of(control), 1);
        setRetention(List.of(rawTopic, control), Duration.ofMinutes(1));
        // the control: a record stamped with last year's time is deleted by this broker within seconds
        Instant lastYear = NOW.minus(Duration.ofDays(365));
        stack.kafka()
                .produce(List.of(new ProducerRecord<>(control, 0, lastYear.toEpochMilli(), "k",
                        "old".getBytes(StandardCharsets.UTF_8))));
        await("the control record deleted by retention").atMost(Duration.ofSeconds(30))
                .until(() -> startOffset(new TopicPartition(control, 0)) > 0);

        try (KaizalaDouble d = PullerChecks.unlimitedDouble()) {
            String group = "g-last-year";
            Instant from = NOW.minus(Duration.ofDays(400));
            Instant to = NOW.minus(Duration.ofDays(330));
            d.seed(GroupSeed.of(group, 20, 50, from, to, 22L));
            Instant published = Instant.now();
            try (PullerProcess p = PullerProcess.start(stack, d, "last-year", PullerChecks.LIFTED)) {
                p.awaitBackfill(p.backfill("group:" + group, from, to));
                PullerChecks.awaitResponses(stack, group, 1_000);
                Thread.sleep(3_000); // three retention checks
                List<ConsumerRecord<String, byte[]>> pulled = stack.kafka()
                        .readToEnd(rawTopic, Duration.ofSeconds(30))
                        .stream()
                        .filter(r -> r.headers().lastHeader(PipelineHeaders.PULLED) != null)
                        .filter(r -> receivedAt(r) < to.plus(Duration.ofDays(1)).toEpochMilli())
                        .toList();
                assertThat(pulled).as("still in the raw topic after the retention checks").hasSize(1_000);
                assertThat(pulled).as("stamped with the publish time, not last year's")
                        .allMatch(r -> r.timestamp() >= published.toEpochMilli());

                // the same range again: every response published once more, copies within the dedup window
                pull(p, group, from, to);
                assertThat(p.metric("kz_puller_records_total")).isEqualTo(2_000.0);
            }
            PullerChecks.assertExactlyOnce(stack, d, group, 1_000);
            assertThat(stack.rows("SELECT toString(max(received_at) < toDateTime('"
                    + to.plus(Duration.ofDays(2)).toString().replace("T", " ").replace("Z", "")
                    + "')) FROM {db}.responses_latest WHERE group_id = '" + group + "'"))
                    .as("stored on last year's days")
                    .containsExactly("1");
            // the ledger over last year's minutes: two backfills accepted, the first typed, the second duplicates
            assertThat(PullerChecks.ledgerTotals(stack, from.minus(Duration.ofDays(1)), to.plus(Duration.ofDays(2))))
                    .as("accepted | typed | duplicates | unbalanced | minutes not balanced")
                    .isEqualTo(row("2000", "1000", "1000", "0", "0"));
        }
    }

    private static long receivedAt(ConsumerRecord<String, byte[]> r) {
        Header h = r.headers().lastHeader(PipelineHeaders.RECEIVED_AT);
        return h == null ? Long.MAX_VALUE : Long.parseLong(new String(h.value(), StandardCharsets.US_ASCII));
    }

    private static void setRetention(List<String> topics, Duration retention)
            throws InterruptedException, ExecutionException, TimeoutException {
        try (Admin admin = Admin.create(stack.kafka().adminProps())) {
            AlterConfigOp op = new AlterConfigOp(
                    new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis())),
                    AlterConfigOp.OpType.SET);
            Map<ConfigResource, java.util.Collection<AlterConfigOp>> ops = new java.util.HashMap<>();
            topics.forEach(t -> ops.put(new ConfigResource(ConfigResource.Type.TOPIC, t), List.of(op)));
            admin.incrementalAlterConfigs(ops).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static long startOffset(TopicPartition tp)
            throws InterruptedException, ExecutionException, TimeoutException {
        try (Admin admin = Admin.create(stack.kafka().adminProps())) {
            return admin.listOffsets(Map.of(tp, OffsetSpec.earliest()))
                    .partitionResult(tp)
                    .get(30, TimeUnit.SECONDS)
                    .offset();
        }
    }

    private static JsonNode tree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
