package io.kzpipe.sink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kzpipe.model.ops.ServiceMetrics;
import io.kzpipe.sink.SinkApp;
import io.kzpipe.sink.config.SinkConfig;
import io.kzpipe.sink.metrics.MeterCounts;
import io.kzpipe.testkit.KafkaExtension;
import io.kzpipe.testkit.RestartableClickHouse;
import io.kzpipe.testkit.TestKafka;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The sink under a steady load while its ClickHouse server is killed (SIGKILL, not a proxy disconnect: the kernel
 * closes the sink's pooled keep-alive connections under its feet) and started again on the same port and data.
 * Runs with the shipped retry settings: the point is how the sink as deployed recovers.
 */
@ExtendWith(KafkaExtension.class)
class ClickHouseRestartIT {

    private static final Duration LONG = Duration.ofSeconds(90);
    /** Long enough for the backoff of errors ClickHouse reports to grow past {@link #RESUME_BOUND}. */
    private static final Duration OUTAGE = Duration.ofSeconds(25);
    /** The issue asks for 5 s; generous for a loaded 2-core build machine. */
    private static final Duration RESUME_BOUND = Duration.ofSeconds(10);

    private static double inserted(SinkApp app) {
        return MeterCounts.count(app.registry(), "kz.sink.rows.inserted");
    }

    @Test
    void insertsAgainWithinSecondsOfARestartedClickHouseAnsweringAndLosesNothing(TestKafka kafka) throws Exception {
        try (RestartableClickHouse server = RestartableClickHouse.start()) {
            SinkHarness h = new SinkHarness(kafka, server.clickHouse());
            Map<String, String> env = new HashMap<>(h.env(Map.of()));
            env.remove("SINK_RETRY_INITIAL");
            env.remove("SINK_RETRY_MAX");
            try (SinkApp app = new SinkApp(SinkConfig.fromEnv(env), ServiceMetrics.newRegistry(SinkApp.SERVICE),
                    UnaryOperator.identity())) {
                app.start();
                AtomicInteger produced = new AtomicInteger();
                AtomicBoolean stop = new AtomicBoolean();
                Thread load = new Thread(() -> produceSteadily(h, kafka, produced, stop), "load");
                load.start();
                try {
                    await().atMost(LONG).until(() -> inserted(app) >= 200);
                    await().atMost(LONG).until(() -> health(app).contains("\"clickhouse\":\"UP\""));

                    server.kill();
                    await().atMost(LONG).until(() -> health(app).contains("\"clickhouse\":\"DOWN\""));
                    assertThat(SinkHarness.get(app.managementPort(), "/health/ready").statusCode()).isEqualTo(503);
                    assertThat(SinkHarness.get(app.managementPort(), "/health/live").statusCode()).isEqualTo(200);
                    assertThat(SinkHarness.get(app.managementPort(), "/metrics").body())
                            .containsPattern("kz_dependency_up\\{dependency=\"clickhouse\".*} 0\\.0");
                    Thread.sleep(OUTAGE.toMillis());
                    double before = inserted(app);

                    server.restart(); // returns as soon as the new server answers /ping
                    long answeredAt = System.nanoTime();
                    await().atMost(LONG).pollInterval(Duration.ofMillis(50)).until(() -> inserted(app) > before);
                    Duration resumedAfter = Duration.ofNanos(System.nanoTime() - answeredAt);
                    System.out.printf("sink inserting again %d ms after the restarted ClickHouse answered /ping%n",
                            resumedAfter.toMillis());
                    assertThat(resumedAfter).as("first insert after ClickHouse answered /ping again")
                            .isLessThan(RESUME_BOUND);
                    await().atMost(LONG)
                            .until(() -> SinkHarness.get(app.managementPort(), "/health/ready").statusCode() == 200);
                    assertThat(health(app)).contains("\"clickhouse\":\"UP\"", "\"kafka\":\"UP\"");
                } finally {
                    stop.set(true);
                    load.join();
                }
                int total = produced.get();
                await().atMost(LONG).until(() -> h.count("answers_numeric_latest") == total);
                assertThat(server.clickHouse()
                        .query("SELECT uniqExact(row_id), min(value), max(value) FROM " + h.db
                                + ".answers_numeric_latest"))
                        .isEqualTo(total + "\t0\t" + (total - 1) + "\n");
            }
        }
    }

    private static String health(SinkApp app) throws Exception {
        return SinkHarness.get(app.managementPort(), "/health/ready").body();
    }

    /** 200 responses a second (each a responses and an answers record), each batch acknowledged, until stopped. */
    private static void produceSteadily(SinkHarness h, TestKafka kafka, AtomicInteger produced, AtomicBoolean stop) {
        Map<String, Object> props = kafka.producerProps();
        props.put("enable.idempotence", false); // see SinkHarness.produce
        props.put("max.in.flight.requests.per.connection", 1);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            while (!stop.get()) {
                List<ProducerRecord<String, byte[]>> batch = h.numericAnswers(produced.get(), 20);
                var acks = batch.stream().map(producer::send).toList();
                for (var ack : acks) {
                    ack.get();
                }
                produced.addAndGet(20);
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("load failed", e);
        }
    }
}
