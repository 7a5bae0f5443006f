package io.kzpipe.sink.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class SinkMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SinkMetrics metrics = new SinkMetrics(registry);

    @Test
    void perTableCountersExistAtZeroBeforeTheFirstInsertAndCountFromThere() {
        metrics.tables(List.of("responses", "answers_location"));

        assertThat(registry.find("kz.sink.rows.inserted").tag("table", "answers_location").counter()).isNotNull()
                .extracting(c -> c.count())
                .isEqualTo(0.0);
        assertThat(registry.find("kz.sink.insert.retries").tag("table", "responses").counter()).isNotNull()
                .extracting(c -> c.count())
                .isEqualTo(0.0);

        metrics.batchInserted("answers_location", 7);
        metrics.batchInserted("answers_location", 3);
        metrics.retry("responses");

        assertThat(registry.find("kz.sink.rows.inserted").tag("table", "answers_location").counter().count())
                .isEqualTo(10.0);
        assertThat(registry.find("kz.sink.rows.inserted").counters()).hasSize(2);
        assertThat(registry.find("kz.sink.insert.retries").tag("table", "responses").counter().count()).isEqualTo(1.0);
    }
}
