package io.kzpipe.puller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kzpipe.kaizaladouble.Call;
import io.kzpipe.kaizaladouble.DoubleSettings;
import io.kzpipe.kaizaladouble.GroupSeed;
import io.kzpipe.model.config.EnvReader;
import io.kzpipe.model.kafka.KafkaSettings;
import io.kzpipe.puller.command.BackfillCommand;
import io.kzpipe.puller.state.BackfillJob;
import io.kzpipe.testkit.KafkaExtension;
import io.kzpipe.testkit.TestKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A backfill of last year's responses, stopped mid-way and resumed by a second puller with the same instance id:
 * every response lands exactly once, with its own time in {@code kz-received-at} and the publish time as record
 * time, and no more than one page is fetched twice. The full-stack kill -9 is in e2e-tests.
 */
@ExtendWith(KafkaExtension.class)
class BackfillIT {

    private static final Instant FROM = Instant.parse("2025-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2025-03-01T00:00:00Z");

    @Test
    void aBackfillStoppedMidWayResumesWhereItsLastCommittedPageEnded(TestKafka kafka) throws Exception {
        try (PullerHarness h = new PullerHarness(kafka, DoubleSettings.defaults().withCallsPerMinute(0))) {
            List<String> inRange = h.kaizala.seed(GroupSeed.of("g2", 30, 20, FROM, TO, 3L));
            // later actions of the same group: outside the range, never backfilled
            List<String> later = h.kaizala.seed(GroupSeed.of("g2", 3, 20, Instant.now().minus(Duration.ofDays(1)),
                    Instant.now().minusSeconds(60), 4L));
            h.env.put("PULLER_PAGE_SIZE", "5");
            h.kaizala.delay(Duration.ofMillis(150)); // slow enough to stop it mid-way
            KafkaSettings kafkaSettings = KafkaSettings.from(new EnvReader(h.env));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BackfillCommand command = new BackfillCommand(kafkaSettings, Clock.systemUTC(), new PrintStream(out, true));
            long started = System.currentTimeMillis();
            String jobId = command.record("group:g2:Survey", FROM, TO);
            assertThat(out.toString()).contains(jobId).contains("recorded");

            PullerApp first = h.start();
            await().atMost(PullerHarness.LONG).until(() -> h.rawRecords().size() >= 150);
            first.close();
            int atStop = h.rawRecords().size();
            assertThat(atStop).as("stopped mid-way").isLessThan(600);

            h.kaizala.delay(Duration.ZERO);
            h.start();
            await().atMost(PullerHarness.LONG)
                    .until(() -> command.status()
                            .stream()
                            .anyMatch(j -> j.id().equals(jobId) && j.status().equals(BackfillJob.DONE)));
            List<ConsumerRecord<String, byte[]>> records = h.rawRecords();

            Set<String> expected = new HashSet<>();
            inRange.forEach(a -> expected.addAll(h.kaizala.responseIds("g2", a)));
            assertThat(records).hasSize(600);
            assertThat(records.stream().map(ConsumerRecord::key).collect(Collectors.toSet())).isEqualTo(expected);
            assertThat(records).allSatisfy(r -> {
                assertThat(Instant.ofEpochMilli(PullerHarness.receivedAt(r))).isBetween(FROM,
                        TO.plus(Duration.ofHours(1)));
                assertThat(r.timestamp()).as("publish time, not last year").isGreaterThanOrEqualTo(started);
            });
            BackfillJob job = command.status().stream().filter(j -> j.id().equals(jobId)).findFirst().orElseThrow();
            assertThat(job.records()).isGreaterThanOrEqualTo(600);

            Map<String, Long> detailCalls = h.kaizala.calls()
                    .stream()
                    .filter(c -> c.status() == 200 && c.path().matches(".*/actions/[^/]+$"))
                    .collect(Collectors.groupingBy(Call::path, Collectors.counting()));
            assertThat(detailCalls.keySet().stream().map(p -> p.substring(p.lastIndexOf('/') + 1)))
                    .containsExactlyInAnyOrderElementsOf(inRange)
                    .doesNotContainAnyElementsOf(later);
            long twice = detailCalls.values().stream().filter(n -> n > 1).count();
            assertThat(twice).as("actions read again after the stop: at most the page in flight")
                    .isLessThanOrEqualTo(5);
            assertThat(detailCalls.values()).allMatch(n -> n <= 2);
        }
    }
}
