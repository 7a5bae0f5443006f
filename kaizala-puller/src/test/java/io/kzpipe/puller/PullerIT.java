package io.kzpipe.puller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.kaizaladouble.DoubleSettings;
import io.kzpipe.kaizaladouble.GroupSeed;
import io.kzpipe.model.config.EnvReader;
import io.kzpipe.model.json.Json;
import io.kzpipe.model.kafka.KafkaSettings;
import io.kzpipe.model.topic.PipelineHeaders;
import io.kzpipe.puller.api.ActionRef;
import io.kzpipe.puller.state.StateKeys;
import io.kzpipe.puller.state.StateTopic;
import io.kzpipe.puller.state.TrackedAction;
import io.kzpipe.testkit.KafkaExtension;
import io.kzpipe.testkit.TestKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Live polling against the Kaizala double and a real broker. */
@ExtendWith(KafkaExtension.class)
class PullerIT {

    private final HttpClient http = HttpClient.newHttpClient();

    private String get(int port, String path) throws Exception {
        return http
                .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    @Test
    void overlappingPagesLandEachResponseOnceAndNewOrEditedResponsesFollow(TestKafka kafka) throws Exception {
        try (PullerHarness h = new PullerHarness(kafka, DoubleSettings.defaults().withCallsPerMinute(0))) {
            Instant now = Instant.now();
            // 40 actions over 2 days, every fifth sharing its predecessor's instant; pages of 7 overlap on instants
            List<String> actions = h.kaizala
                    .seed(GroupSeed.of("g1", 40, 5, now.minus(Duration.ofDays(2)), now.minusSeconds(3600), 7L));
            h.env.put("PULLER_SOURCES", "group:g1");
            h.env.put("PULLER_PAGE_SIZE", "7");
            long started = System.currentTimeMillis();
            PullerApp app = h.start();

            await().atMost(PullerHarness.LONG).until(() -> h.rawRecords().size() >= 200);
            Thread.sleep(3000); // a few more polls: re-reads of unchanged actions publish nothing
            List<ConsumerRecord<String, byte[]>> records = h.rawRecords();

            Set<String> expected = new HashSet<>();
            actions.forEach(a -> expected.addAll(h.kaizala.responseIds("g1", a)));
            assertThat(records).hasSize(200);
            assertThat(records.stream().map(ConsumerRecord::key).collect(Collectors.toSet())).isEqualTo(expected);
            ConsumerRecord<String, byte[]> r = records.get(0);
            JsonNode env = Json.MAPPER.readTree(r.value());
            String actionId = env.path("data").path("actionId").asText();
            assertThat(PullerHarness.header(r, PipelineHeaders.PULLED)).isEqualTo("group:g1");
            assertThat(PullerHarness.receivedAt(r))
                    .isEqualTo(h.kaizala.responseTime("g1", actionId, r.key()).toEpochMilli());
            assertThat(r.timestamp()).as("record time = publish time").isGreaterThanOrEqualTo(started);
            assertThat(env.path("eventType").asText()).isEqualTo("SurveyResponse");

            Set<String> before = records.stream().map(EventIdOf::of).collect(Collectors.toSet());
            String added = h.kaizala.addResponse("g1", actions.get(3));
            String edited = h.kaizala.responseIds("g1", actions.get(5)).get(0);
            h.kaizala.editResponse("g1", actions.get(5), edited);
            await().atMost(PullerHarness.LONG).until(() -> h.rawRecords().size() >= 202);
            Thread.sleep(2000);
            List<ConsumerRecord<String, byte[]>> after = h.rawRecords();
            List<ConsumerRecord<String, byte[]>> fresh = after.stream()
                    .filter(x -> !before.contains(EventIdOf.of(x)))
                    .toList();
            assertThat(after).hasSize(202);
            assertThat(fresh).extracting(ConsumerRecord::key).containsExactlyInAnyOrder(added, edited);
            JsonNode editEnv = Json.MAPPER
                    .readTree(fresh.stream().filter(x -> x.key().equals(edited)).findFirst().orElseThrow().value());
            assertThat(editEnv.path("data").path("isUpdateResponse").asBoolean()).isTrue();

            assertThat(get(app.managementPort(), "/health/ready")).isEqualTo(
                    "{\"status\":\"UP\",\"state\":\"RUNNING\",\"checks\":{\"kafka\":\"UP\",\"kaizala\":\"UP\"}}");
            String metrics = get(app.managementPort(), "/metrics");
            assertThat(metrics).contains("kz_puller_calls_total{endpoint=\"actionDetails\"")
                    .contains("kz_puller_pages_total{")
                    .contains("kz_puller_records_total{")
                    .contains("kz_puller_cursor_lag_seconds{")
                    .contains("kz_puller_token_refreshes_total{")
                    .contains("kz_puller_throttled_waits_total{")
                    .contains("kz_puller_throttled_wait_seconds_total{")
                    .contains("kz_dependency_up{dependency=\"kaizala\"");
        }
    }

    @Test
    void aTrackedActionThatIsGoneIsUntrackedAndTheOthersAreStillReadAgain(TestKafka kafka) throws Exception {
        try (PullerHarness h = new PullerHarness(kafka, DoubleSettings.defaults().withCallsPerMinute(0))) {
            Instant now = Instant.now();
            List<String> actions = h.kaizala
                    .seed(GroupSeed.of("g6", 3, 2, now.minus(Duration.ofHours(5)), now.minusSeconds(600), 9L));
            h.env.put("PULLER_SOURCES", "group:g6:Survey");
            KafkaSettings settings = KafkaSettings.from(new EnvReader(h.env));
            String stateTopic = StateTopic.ensure(settings, Duration.ofSeconds(30));
            // tracked before, deleted at Kaizala since ("aaa" sorts before the double's ids: it is read first)
            String ghost = StateKeys.track("group:g6:Survey", "aaa-deleted");
            kafka.produce(List.of(new ProducerRecord<>(stateTopic, ghost, Json.MAPPER
                    .writeValueAsBytes(new TrackedAction("Survey", now.toEpochMilli(), ActionRef.UNKNOWN, "x", "")))));
            h.start();
            await().atMost(PullerHarness.LONG).until(() -> h.rawRecords().size() >= 6);

            String added = h.kaizala.addResponse("g6", actions.get(1));

            await().atMost(PullerHarness.LONG)
                    .until(() -> h.rawRecords().stream().anyMatch(r -> r.key().equals(added)));
            await().atMost(PullerHarness.LONG).until(() -> {
                List<ConsumerRecord<String, byte[]>> state = kafka.readToEnd(stateTopic, Duration.ofSeconds(30));
                ConsumerRecord<String, byte[]> last = null;
                for (ConsumerRecord<String, byte[]> r : state) {
                    last = ghost.equals(r.key()) ? r : last;
                }
                return last != null && last.value() == null;
            });
            assertThat(h.rawRecords()).hasSize(7);
        }
    }

    /** The eventId of a raw record. */
    static final class EventIdOf {
        static String of(ConsumerRecord<String, byte[]> r) {
            try {
                return Json.MAPPER.readTree(r.value()).path("eventId").asText();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
