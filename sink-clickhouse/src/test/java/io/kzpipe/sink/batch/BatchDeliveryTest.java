package io.kzpipe.sink.batch;

import static io.kzpipe.sink.support.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.model.json.Json;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import io.kzpipe.sink.clickhouse.RetryPolicy;
import io.kzpipe.sink.config.SinkConfig;
import io.kzpipe.sink.metrics.MeterCounts;
import io.kzpipe.sink.metrics.SinkMetrics;
import io.kzpipe.sink.row.Batch;
import io.kzpipe.sink.row.Row;
import io.kzpipe.sink.support.FakeWriter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class BatchDeliveryTest {

    private static final Topics TOPICS = Topics.defaults();
    private static final String ANSWERS_NUMERIC_TOPIC = TOPICS.name(TopicId.ANSWERS_NUMERIC);

    private static final TopicPartition TP = new TopicPartition(ANSWERS_NUMERIC_TOPIC, 2);

    private final FakeWriter writer = new FakeWriter();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SinkMetrics metrics = new SinkMetrics(registry);
    private final BatchDelivery delivery = new BatchDelivery(writer,
            new RetryPolicy(new SinkConfig.Retry(Duration.ofMillis(10), Duration.ofSeconds(1), 2, 0,
                    SinkConfig.DEFAULT_RETRY_UNREACHABLE_MAX)),
            metrics);

    private static Batch batch(int rows, int... poisoned) {
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            boolean bad = false;
            for (int p : poisoned) {
                bad |= p == i;
            }
            out.add(bad ? row(TP, 100 + i, "{\"value\":\"poison\"}") : row(TP, 100 + i));
        }
        return new Batch("answers_numeric", out);
    }

    @Test
    void aCleanBatchIsOneInsert() throws Exception {
        BatchDelivery.Outcome outcome = delivery.deliver(batch(50));
        assertThat(outcome).isEqualTo(new BatchDelivery.Outcome(50, 0));
        assertThat(writer.insertSizes()).containsExactly(50);
    }

    @Test
    void refusedRowsAreIsolatedAndDeadLetteredWhileTheirNeighboursLoad() throws Exception {
        BatchDelivery.Outcome outcome = delivery.deliver(batch(64, 5, 40));

        assertThat(outcome).isEqualTo(new BatchDelivery.Outcome(62, 2));
        assertThat(writer.rows("answers_numeric")).hasSize(62).noneMatch(r -> r.contains("poison"));
        List<String> dead = writer.rows("dead_letters");
        assertThat(dead).hasSize(2);
        JsonNode first = Json.MAPPER.readTree(dead.get(0));
        assertThat(first.get("row_id").asText()).isEqualTo("sink:kaizala.answers.numeric:2:105");
        assertThat(first.get("stage").asText()).isEqualTo("sink");
        assertThat(first.get("reason").asText()).isEqualTo("clickhouse_rejected");
        assertThat(first.get("detail").asText()).contains("Cannot parse input");
        assertThat(first.get("payload").asText()).isEqualTo("{\"value\":\"poison\"}");
        assertThat(first.get("source_offset").asLong()).isEqualTo(105);
        assertThat(MeterCounts.count(registry, "kz.sink.dead.letters", "reason", "clickhouse_rejected")).isEqualTo(2);
        // halving isolates 2 bad rows in 64 with a few dozen inserts, not one per row
        assertThat(writer.calls()).isLessThan(30);
    }

    @Test
    void rowsTheWriterCannotEncodeAreDeadLetteredWithItsReasonWithoutSplitting() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            rows.add(i == 3 || i == 17 ? row(TP, i, "{\"value\":\"unfit\"}") : row(TP, i));
        }
        BatchDelivery.Outcome outcome = delivery.deliver(new Batch("answers_numeric", rows));

        assertThat(outcome).isEqualTo(new BatchDelivery.Outcome(18, 2));
        assertThat(writer.insertSizes()).as("one insert for the table, one for dead_letters").containsExactly(18, 2);
        List<String> dead = writer.rows("dead_letters");
        JsonNode first = Json.MAPPER.readTree(dead.get(0));
        assertThat(first.get("row_id").asText()).isEqualTo("sink:kaizala.answers.numeric:2:3");
        assertThat(first.get("reason").asText()).isEqualTo("invalid_value");
        assertThat(first.get("detail").asText()).isEqualTo("column value (Float64): expected a number, got a string");
        assertThat(first.get("payload").asText()).isEqualTo("{\"value\":\"unfit\"}");
        assertThat(MeterCounts.count(registry, "kz.sink.dead.letters", "reason", "invalid_value")).isEqualTo(2);
    }

    @Test
    void deadLetterRowsTheWriterCannotEncodeStopTheSink() {
        Batch deadLetters = new Batch("dead_letters", List.of(row(TP, 1, "{\"value\":\"unfit\"}")));
        assertThatThrownBy(() -> delivery.deliver(deadLetters)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("invalid_value");
    }

    @Test
    void rowsWithoutAValueAreDeadLetteredWithoutAnInsertAttempt() throws Exception {
        List<Row> rows = List.of(row(TP, 1), row(TP, 2, null), row(TP, 3, "  "));
        BatchDelivery.Outcome outcome = delivery.deliver(new Batch("answers_numeric", rows));

        assertThat(outcome).isEqualTo(new BatchDelivery.Outcome(1, 2));
        assertThat(writer.insertSizes()).containsExactly(1, 2);
        assertThat(writer.rows("dead_letters")).allMatch(r -> r.contains("\"reason\":\"empty_record\""));
    }

    @Test
    void retriableFailuresPropagateUnchanged() {
        writer.failNext(1, FakeWriter::serverDown);
        assertThatThrownBy(() -> delivery.deliver(batch(10)))
                .isInstanceOf(com.clickhouse.client.api.ServerException.class);
        assertThat(writer.rows("answers_numeric")).isEmpty();
    }

    @Test
    void aFailureWhileSplittingIsRetriedAsAWholeLater() {
        // first call: data error (split), second call (left half): ClickHouse goes away
        writer.failNext(1, FakeWriter::parseError).failNext(1, FakeWriter::serverDown);
        assertThatThrownBy(() -> delivery.deliver(batch(10)))
                .isInstanceOf(com.clickhouse.client.api.ServerException.class)
                .hasMessageContaining("210");
        assertThat(writer.rows("dead_letters")).isEmpty();
    }

    @Test
    void deadLetterRowsThatClickHouseRefusesStopTheSink() {
        Batch deadLetters = new Batch("dead_letters", List.of(row(TP, 1, "{\"value\":\"poison\"}")));
        assertThatThrownBy(() -> delivery.deliver(deadLetters)).isInstanceOf(IllegalStateException.class);
    }
}
