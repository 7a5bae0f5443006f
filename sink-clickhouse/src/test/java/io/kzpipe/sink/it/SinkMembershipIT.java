package io.kzpipe.sink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kzpipe.model.ops.ServiceMetrics;
import io.kzpipe.sink.SinkApp;
import io.kzpipe.testkit.ClickHouseExtension;
import io.kzpipe.testkit.KafkaBrokerProcess;
import io.kzpipe.testkit.KafkaExtension;
import io.kzpipe.testkit.ServiceProcess;
import io.kzpipe.testkit.TestClickHouse;
import io.kzpipe.testkit.TestKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Static group membership ({@code SINK_INSTANCE_ID}) and the health of the sink's dependencies, against a real broker
 * and ClickHouse. The consumer session timeout is Kafka's default (45 s) here, so a restart that had to wait for the
 * group to time out the old member could not pass the bounds below.
 */
@ExtendWith({KafkaExtension.class, ClickHouseExtension.class})
class SinkMembershipIT {

    private static final Duration LONG = Duration.ofSeconds(120);
    private static final Map<String, String> STATIC = Map.of("SINK_INSTANCE_ID", "sink-0",
            "KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "45000", "KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS", "3000");
    /** The issue asks for 10 s from the start of the new process; generous for a loaded 2-core machine. */
    private static final Duration KILLED_RESTART_BOUND = Duration.ofSeconds(20);

    private static List<MemberDescription> members(SinkHarness h) throws Exception {
        try (Admin admin = Admin.create(h.kafka.adminProps())) {
            return List.copyOf(admin.describeConsumerGroups(List.of(h.group))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .get(h.group)
                    .members());
        }
    }

    @Test
    void aKilledSinkStartedAgainWithItsInstanceIdInsertsWithinSecondsNotAfterTheSessionTimeout(TestKafka kafka,
            TestClickHouse ch) throws Exception {
        SinkHarness h = new SinkHarness(kafka, ch);
        Path log = Path.of("target", "sink-membership-it", h.group + ".log");
        try (ServiceProcess sink = ServiceProcess.start("io.kzpipe.sink.Main", h.env(STATIC), log)) {
            h.produce(h.numericAnswers(0, 100));
            // ignoring exceptions: the tables appear once the child process has migrated the schema
            await().atMost(LONG)
                    .ignoreExceptions()
                    .until(() -> !sink.isAlive() || h.count("answers_numeric_latest") == 100);
            assertThat(sink.isAlive()).as(sink.logTail(40)).isTrue();
            // the configured id is the consumer's group.instance.id, as the broker sees it
            assertThat(members(h)).singleElement().satisfies(m -> assertThat(m.groupInstanceId()).contains("sink-0"));

            sink.kill();
            h.produce(h.numericAnswers(100, 100));
            long startedAt = System.nanoTime();
            sink.restart();
            await().atMost(LONG)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> !sink.isAlive() || h.count("answers_numeric_latest") == 200);
            Duration resumedAfter = Duration.ofNanos(System.nanoTime() - startedAt);
            assertThat(sink.isAlive()).as(sink.logTail(40)).isTrue();
            System.out.printf("killed sink inserting again %d ms after the start of the new process%n",
                    resumedAfter.toMillis());
            assertThat(resumedAfter).as("from the start of the new process to its rows in ClickHouse")
                    .isLessThan(KILLED_RESTART_BOUND);
        }
    }

    @Test
    void aSecondInstanceWithTheSameIdFencesTheFirstWhichStopsNamingTheCause(TestKafka kafka, TestClickHouse ch)
            throws Exception {
        SinkHarness h = new SinkHarness(kafka, ch);
        try (SinkApp first = new SinkApp(h.config(STATIC), ServiceMetrics.newRegistry(SinkApp.SERVICE),
                UnaryOperator.identity());
                SinkApp second = new SinkApp(h.config(STATIC), ServiceMetrics.newRegistry(SinkApp.SERVICE),
                        UnaryOperator.identity())) {
            first.start();
            h.produce(h.numericAnswers(0, 50));
            await().atMost(LONG).until(() -> h.count("answers_numeric_latest") == 50);

            second.start();
            assertThat(first.awaitTermination()).isInstanceOf(FencedInstanceIdException.class);
            assertThat(first.health().state()).isEqualTo("FAILED");
            h.produce(h.numericAnswers(50, 50));
            await().atMost(LONG).until(() -> h.count("answers_numeric_latest") == 100);
            assertThat(second.health().state()).isEqualTo("RUNNING");
        }
    }

    @Test
    void healthAndTheDependencyMetricSayWhileKafkaIsDownAndLivenessStaysUp(TestClickHouse ch) throws Exception {
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.launch()) {
            SinkHarness h = new SinkHarness(broker.kafka(), ch);
            try (SinkApp app = new SinkApp(h.config(Map.of()), ServiceMetrics.newRegistry(SinkApp.SERVICE),
                    UnaryOperator.identity())) {
                app.start();
                await().atMost(LONG).until(() -> ready(app) == 200);
                assertThat(body(app, "/health/ready")).isEqualTo(
                        "{\"status\":\"UP\",\"state\":\"RUNNING\",\"checks\":{\"clickhouse\":\"UP\",\"kafka\":\"UP\"}}");
                assertThat(body(app, "/metrics")).containsPattern("kz_dependency_up\\{dependency=\"kafka\".*} 1\\.0");

                broker.stop();
                await().atMost(LONG).until(() -> ready(app) == 503);
                assertThat(body(app, "/health/ready")).isEqualTo(
                        "{\"status\":\"DOWN\",\"state\":\"RUNNING\",\"checks\":{\"clickhouse\":\"UP\",\"kafka\":\"DOWN\"}}");
                assertThat(body(app, "/metrics")).containsPattern("kz_dependency_up\\{dependency=\"kafka\".*} 0\\.0");
                assertThat(SinkHarness.get(app.managementPort(), "/health/live").statusCode()).isEqualTo(200);
                assertThat(body(app, "/health/live")).isEqualTo("{\"status\":\"UP\",\"state\":\"LIVE\",\"checks\":{}}");

                broker.start();
                await().atMost(LONG).until(() -> ready(app) == 200);
                h.produce(h.numericAnswers(0, 10));
                await().atMost(LONG).until(() -> h.count("answers_numeric_latest") == 10);
            }
        }
    }

    private static int ready(SinkApp app) throws Exception {
        return SinkHarness.get(app.managementPort(), "/health/ready").statusCode();
    }

    private static String body(SinkApp app, String path) throws Exception {
        return SinkHarness.get(app.managementPort(), path).body();
    }
}
