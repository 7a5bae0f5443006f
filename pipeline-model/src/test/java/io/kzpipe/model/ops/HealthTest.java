package io.kzpipe.model.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.kzpipe.model.ops.ManagementServer.Health;
import io.kzpipe.model.ops.ManagementServer.Health.Check;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HealthTest {

    @Test
    void theJsonNamesStatusStateAndEveryDependencyInNameOrder() {
        assertThat(new Health(false, "RUNNING", Map.of("kafka", Check.DOWN, "clickhouse", Check.UP)).json()).isEqualTo(
                "{\"status\":\"DOWN\",\"state\":\"RUNNING\",\"checks\":{\"clickhouse\":\"UP\",\"kafka\":\"DOWN\"}}");
        assertThat(ManagementServer.LIVE.json()).isEqualTo("{\"status\":\"UP\",\"state\":\"LIVE\",\"checks\":{}}");
    }

    @Test
    void aProbeIsUnknownUntilItsFirstAnswerThenFollowsItsDependencyAndIsAGauge() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        BlockingQueue<Boolean> answers = new ArrayBlockingQueue<>(4);
        try (DependencyProbe probe = new DependencyProbe("kafka", () -> {
            try {
                Boolean next = answers.poll(10, TimeUnit.SECONDS);
                if (next == null) {
                    throw new IllegalStateException("no answer scripted");
                }
                return next;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, Duration.ofMillis(1), Duration.ofMillis(1), registry)) {
            double gauge = registry.get(DependencyProbe.GAUGE).tag("dependency", "kafka").gauge().value();
            assertThat(probe.check()).isEqualTo(Check.UNKNOWN);
            assertThat(gauge).isZero();
            probe.start();

            answers.add(true);
            awaitCheck(probe, Check.UP);
            assertThat(registry.get(DependencyProbe.GAUGE).tag("dependency", "kafka").gauge().value()).isEqualTo(1.0);
            answers.add(false);
            awaitCheck(probe, Check.DOWN);
            assertThat(registry.get(DependencyProbe.GAUGE).tag("dependency", "kafka").gauge().value()).isZero();
            answers.add(true);
            awaitCheck(probe, Check.UP);
        }
    }

    @Test
    void aProbeThatThrowsCountsAsDown() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (DependencyProbe probe = new DependencyProbe("clickhouse", () -> {
            throw new IllegalStateException("connection refused");
        }, Duration.ofSeconds(1), Duration.ofSeconds(1), registry)) {
            probe.start();
            awaitCheck(probe, Check.DOWN);
        }
    }

    /** Polls the latest result (the probe thread sets it); fails after 10 s. */
    private static void awaitCheck(DependencyProbe probe, Check expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (probe.check() != expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(probe.check()).isEqualTo(expected);
    }
}
