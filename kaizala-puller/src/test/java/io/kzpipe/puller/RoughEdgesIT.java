package io.kzpipe.puller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kzpipe.kaizaladouble.Call;
import io.kzpipe.kaizaladouble.DoubleSettings;
import io.kzpipe.kaizaladouble.GroupSeed;
import io.kzpipe.testkit.KafkaExtension;
import io.kzpipe.testkit.TestKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Kaizala's rough edges mid-run, played by the double: token expiry and rotation, endpoint moves, throttling. */
@ExtendWith(KafkaExtension.class)
class RoughEdgesIT {

    private static long distinctKeys(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(ConsumerRecord::key).distinct().count();
    }

    @Test
    void anExpiredTokenARotatedRefreshTokenAndA308MidRunAreHandledAndSurviveARestart(TestKafka kafka) throws Exception {
        try (PullerHarness h = new PullerHarness(kafka, DoubleSettings.defaults().withCallsPerMinute(0))) {
            Instant now = Instant.now();
            List<String> actions = h.kaizala
                    .seed(GroupSeed.of("g3", 10, 3, now.minus(Duration.ofDays(1)), now.minusSeconds(600), 5L));
            h.env.put("PULLER_SOURCES", "group:g3:Survey");
            PullerApp first = h.start();
            await().atMost(PullerHarness.LONG).until(() -> h.rawRecords().size() >= 30);
            String oldEndpoint = first.client().tokenState().endpointUrl();

            h.kaizala.expireAccessTokens();
            h.kaizala.rotateRefreshTokenOnNextCall();
            String newEndpoint = h.kaizala.moveEndpoint();
            String added = h.kaizala.addResponse("g3", actions.get(0));
            await().atMost(PullerHarness.LONG)
                    .until(() -> h.rawRecords().stream().anyMatch(r -> r.key().equals(added)));

            assertThat(newEndpoint).isNotEqualTo(oldEndpoint);
            assertThat(first.client().tokenState().endpointUrl()).isEqualTo(newEndpoint);
            assertThat(h.kaizala.refreshTokenRotations()).isEqualTo(1);
            assertThat(first.client().tokenState().refreshToken()).isEqualTo(h.kaizala.refreshToken())
                    .isNotEqualTo(DoubleSettings.DEMO_REFRESH_TOKEN);
            List<Call> calls = h.kaizala.calls();
            assertThat(calls).anyMatch(c -> c.status() == 401).anyMatch(c -> c.status() == 308);
            assertThat(calls.stream().filter(c -> c.status() == 308).count())
                    .as("the move is kept: one 308, not one per call")
                    .isEqualTo(1);
            first.close();

            // the configured refresh token is invalid now: a restart must use the stored, rotated one
            h.kaizala.clearCalls();
            PullerApp second = h.start();
            String afterRestart = h.kaizala.addResponse("g3", actions.get(1));
            await().atMost(PullerHarness.LONG)
                    .until(() -> h.rawRecords().stream().anyMatch(r -> r.key().equals(afterRestart)));
            assertThat(h.kaizala.calls()).noneMatch(c -> c.status() == 401);
            assertThat(second.client().tokenState().refreshToken()).isEqualTo(h.kaizala.refreshToken());
            List<ConsumerRecord<String, byte[]>> records = h.rawRecords();
            assertThat(records).hasSize(32);
            assertThat(distinctKeys(records)).isEqualTo(32);
        }
    }

    @Test
    void theCallBudgetHoldsInAnyMinuteMeasuredAtTheDouble(TestKafka kafka) throws Exception {
        try (PullerHarness h = new PullerHarness(kafka, DoubleSettings.defaults().withCallsPerMinute(0))) {
            Instant now = Instant.now();
            h.kaizala.seed(GroupSeed.of("g4", 30, 2, now.minus(Duration.ofDays(1)), now.minusSeconds(600), 6L));
            h.env.put("PULLER_SOURCES", "group:g4:Survey");
            h.env.put("PULLER_CALLS_PER_MINUTE", "20");
            h.start();

            // 1 token + 1 list + 30 detail calls at 20 per minute: the last responses land in the second minute,
            // and the re-reads of the 30 open actions keep the budget saturated all the time
            await().atMost(PullerHarness.LONG).until(() -> h.rawRecords().size() >= 60);

            assertThat(h.rawRecords()).hasSize(60);
            assertThat(h.kaizala.maxCallsInAnyMinute()).as("saturated, never above").isEqualTo(20);
            assertThat(h.kaizala.calls()).noneMatch(c -> c.status() == 429);
        }
    }

    @Test
    void a429WithRetryAfterPausesEveryCallAndPullingGoesOnAfterIt(TestKafka kafka) throws Exception {
        try (PullerHarness h = new PullerHarness(kafka, DoubleSettings.defaults().withCallsPerMinute(0))) {
            Instant now = Instant.now();
            List<String> actions = h.kaizala
                    .seed(GroupSeed.of("g5", 5, 2, now.minus(Duration.ofDays(1)), now.minusSeconds(600), 8L));
            h.env.put("PULLER_SOURCES", "group:g5:Survey");
            h.start();
            await().atMost(PullerHarness.LONG).until(() -> h.rawRecords().size() >= 10);

            h.kaizala.clearCalls();
            h.kaizala.throttleFor(Duration.ofSeconds(4));
            long throttledAt = System.currentTimeMillis();
            String added = h.kaizala.addResponse("g5", actions.get(2));
            await().atMost(PullerHarness.LONG)
                    .until(() -> h.rawRecords().stream().anyMatch(r -> r.key().equals(added)));

            List<Call> calls = h.kaizala.calls();
            List<Call> refused = calls.stream().filter(c -> c.status() == 429).toList();
            assertThat(refused).as("each 429 pauses every call for its Retry-After: no hammering while throttled")
                    .hasSizeBetween(1, 3);
            assertThat(calls.stream()
                    .filter(c -> c.status() == 200)
                    .mapToLong(c -> c.time().toEpochMilli())
                    .min()
                    .orElseThrow()).as("the next accepted call comes after the throttle")
                    .isGreaterThanOrEqualTo(throttledAt + 3500);
            assertThat(h.rawRecords()).hasSize(11);
        }
    }
}
