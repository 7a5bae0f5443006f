package io.kzpipe.sink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kzpipe.model.topic.TopicId;
import io.kzpipe.testkit.ClickHouseExtension;
import io.kzpipe.testkit.KafkaExtension;
import io.kzpipe.testkit.ServiceProcess;
import io.kzpipe.testkit.TestClickHouse;
import io.kzpipe.testkit.TestKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The sink's real entry point in a child JVM, killed with SIGKILL mid-stream and restarted. */
@ExtendWith({KafkaExtension.class, ClickHouseExtension.class})
class SinkProcessIT {

    private static final Duration LONG = Duration.ofSeconds(120);

    @Test
    void aSinkKilledMidStreamAndRestartedLosesAndDoubleCountsNothing(TestKafka kafka, TestClickHouse ch)
            throws Exception {
        SinkHarness h = new SinkHarness(kafka, ch);
        Path log = Path.of("target", "sink-process-it", h.group + ".log");
        // small batches so that the kill lands between inserts and commits of a stream of batches
        Map<String, String> env = h.env(Map.of("SINK_FLUSH_ROWS", "500", "SINK_FLUSH_INTERVAL", "50ms"));
        int total = 12_000;
        try (ServiceProcess sink = ServiceProcess.start("io.kzpipe.sink.Main", env, log)) {
            // a steady stream of 200 responses every 50 ms while the sink is killed and restarted
            Thread producer = new Thread(() -> {
                for (int from = 0; from < total; from += 200) {
                    h.produce(h.numericAnswers(from, 200));
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "it-producer");
            producer.start();
            await().atMost(LONG).ignoreExceptions().until(() -> !sink.isAlive() || h.count("answers_numeric") >= 2_000);
            assertThat(sink.isAlive()).as(sink.logTail(40)).isTrue();
            sink.kill();
            long atKill = h.count("answers_numeric");
            assertThat(atKill).as("killed mid-stream").isLessThan(total);

            sink.restart();
            producer.join();
            await().atMost(LONG)
                    .until(() -> h.count("answers_numeric_latest") == total && h.count("responses_latest") == total);
            assertThat(ch.query("SELECT uniqExact(row_id), sum(value) FROM " + h.db + ".answers_numeric_latest"))
                    .isEqualTo("12000\t" + (11_999L * 12_000 / 2) + "\n");
            await().atMost(LONG).untilAsserted(() -> {
                var offsets = h.committedAndEnd(h.topic(TopicId.ANSWERS_NUMERIC));
                assertThat(offsets.get("committed")).isEqualTo(offsets.get("end"));
            });
            sink.stop();
            assertThat(sink.exitCode()).as(sink.logTail(40)).isNotNull();
            assertThat(sink.logTail(200)).contains("sink stopped")
                    .doesNotContain(ch.password() == null || ch.password().isEmpty() ? "\u0000" : ch.password());
        }
    }
}
