package io.kzpipe.sink.batch;

import static io.kzpipe.sink.support.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kzpipe.model.kafka.RecordLimits;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import io.kzpipe.sink.clickhouse.RetryPolicy;
import io.kzpipe.sink.config.SinkConfig;
import io.kzpipe.sink.metrics.MeterCounts;
import io.kzpipe.sink.metrics.SinkMetrics;
import io.kzpipe.sink.row.Row;
import io.kzpipe.sink.support.FakeWriter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class BatcherTest {

    private static final Topics TOPICS = Topics.defaults();
    private static final String ANSWERS_NUMERIC_TOPIC = TOPICS.name(TopicId.ANSWERS_NUMERIC);
    private static final String ANSWERS_TEXT_TOPIC = TOPICS.name(TopicId.ANSWERS_TEXT);

    private static final TopicPartition NUM0 = new TopicPartition(ANSWERS_NUMERIC_TOPIC, 0);
    private static final TopicPartition NUM1 = new TopicPartition(ANSWERS_NUMERIC_TOPIC, 1);
    private static final TopicPartition TXT0 = new TopicPartition(ANSWERS_TEXT_TOPIC, 0);

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final FakeWriter writer = new FakeWriter();
    private final List<Map<TopicPartition, OffsetAndMetadata>> commits = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SinkMetrics metrics = new SinkMetrics(registry);

    private final java.util.ArrayDeque<Runnable> pendingInserts = new java.util.ArrayDeque<>();

    /** Buffers one row, of its own partition. */
    private static void add(Batcher b, String table, Row row) {
        b.addAll(table, row.partition(), List.of(row));
    }

    private Batcher batcher(int rows, long bytes, Duration interval) {
        return batcher(rows, bytes, interval, Runnable::run);
    }

    private Batcher batcher(int rows, long bytes, Duration interval, java.util.concurrent.Executor executor) {
        return batcher(new SinkConfig.Flush(rows, bytes, interval, Long.MAX_VALUE), executor);
    }

    private Batcher batcher(SinkConfig.Flush flush, java.util.concurrent.Executor executor) {
        RetryPolicy policy = new RetryPolicy(new SinkConfig.Retry(Duration.ofMillis(10), Duration.ofSeconds(1), 2, 0,
                SinkConfig.DEFAULT_RETRY_UNREACHABLE_MAX));
        return new Batcher(flush, new BatchDelivery(writer, policy, metrics), commits::add, metrics, clock::get,
                executor);
    }

    @Test
    void theRowsHeldCountUntilTheirInsertFinishedAndReachingTheBoundFlushesEveryTable() throws Exception {
        Row num = row(NUM0, 0);
        Row txt = row(TXT0, 0);
        Row third = row(NUM0, 1);
        assertThat(num.footprint()).isEqualTo(num.json().length + Row.OVERHEAD_BYTES);
        long bound = num.footprint() + txt.footprint() + third.footprint();
        Batcher b = batcher(new SinkConfig.Flush(1000, 1 << 20, Duration.ofHours(1), bound), pendingInserts::add);
        add(b, "answers_numeric", num);
        add(b, "answers_text", txt);
        b.flushDue(false);
        assertThat(b.isFull()).isFalse();
        assertThat(pendingInserts).as("no limit reached yet").isEmpty();

        add(b, "answers_numeric", third);
        assertThat(b.isFull()).isTrue();
        assertThat(b.msUntilDue(1000)).isZero();
        b.flushDue(false);
        assertThat(pendingInserts).as("both tables inserted at the bound").hasSize(2);
        assertThat(b.isFull()).as("rows in flight still count").isTrue();
        assertThat(b.bufferedBytes()).isEqualTo(bound);

        pendingInserts.poll().run();
        pendingInserts.poll().run();
        b.flushDue(false);
        assertThat(b.isFull()).isFalse();
        assertThat(b.bufferedBytes()).isZero();
        assertThat(commits).hasSize(2);
    }

    @Test
    void aRowOfTheLargestTypedRecordSizeIsInsertedThoughItExceedsEveryByteBound() throws Exception {
        int largest = new RecordLimits(RecordLimits.DEFAULT_MAX_BODY_BYTES).typedRecordBytes();
        SinkConfig.Flush defaults = SinkConfig.fromEnv(Map.of()).flush();
        assertThat((long) largest).isGreaterThan(defaults.bytes()).isGreaterThan(defaults.maxBufferedBytes());
        Batcher b = batcher(defaults, Runnable::run);
        String text = "x".repeat(largest - "{\"text\":\"\"}".length());

        add(b, "answers_text", row(TXT0, 7, "{\"text\":\"" + text + "\"}"));
        assertThat(b.isFull()).as("consumption pauses").isTrue();
        b.flushDue(false);

        assertThat(writer.rows("answers_text")).singleElement().satisfies(r -> assertThat(r).hasSize(largest));
        assertThat(commits).containsExactly(Map.of(TXT0, new OffsetAndMetadata(8)));
        assertThat(b.isFull()).isFalse();
    }

    @Test
    void aFailedInsertGivesItsRowsBackToTheBufferedBytes() throws Exception {
        Batcher b = batcher(new SinkConfig.Flush(2, 1 << 20, Duration.ofHours(1), Long.MAX_VALUE), Runnable::run);
        writer.failNext(1, FakeWriter::serverDown);
        add(b, "answers_numeric", row(NUM0, 0));
        add(b, "answers_numeric", row(NUM0, 1));
        long held = b.bufferedBytes();
        assertThatThrownBy(() -> b.flushDue(false)).isInstanceOf(FlushException.class);
        assertThat(b.bufferedBytes()).isEqualTo(held);
        b.flushDue(false);
        assertThat(b.bufferedBytes()).isZero();
    }

    @Test
    void freshnessIsSampledAtMost64RowsPerBatchStartingWithTheOldest() throws Exception {
        Batcher b = batcher(1000, 1 << 30, Duration.ofHours(1));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            rows.add(new Row(NUM0, i, clock.get() - 5000 + i, null,
                    "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        b.addAll("answers_numeric", NUM0, rows);
        b.flushDue(false);
        io.micrometer.core.instrument.Timer freshness = registry.find("kz.sink.freshness").timer();
        assertThat(freshness).isNotNull();
        assertThat(freshness.count()).isBetween(32L, (long) Batcher.FRESHNESS_SAMPLES);
        assertThat(freshness.max(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(5000.0);
    }

    @Test
    void consumptionContinuesWhileABatchIsInFlightAndItsOffsetsWaitForItsInsert() throws Exception {
        Batcher b = batcher(2, 1 << 20, Duration.ofHours(1), pendingInserts::add);
        add(b, "answers_numeric", row(NUM0, 0));
        add(b, "answers_numeric", row(NUM0, 1));
        b.flushDue(false);
        assertThat(pendingInserts).hasSize(1);
        assertThat(b.msUntilDue(1000)).isEqualTo(Batcher.IN_FLIGHT_POLL_MS);

        add(b, "answers_numeric", row(NUM0, 2));
        add(b, "answers_numeric", row(NUM0, 3));
        b.flushDue(false);
        assertThat(pendingInserts).as("one insert in flight per table").hasSize(1);
        assertThat(commits).isEmpty();
        assertThat(b.bufferedRows()).isEqualTo(4);

        pendingInserts.poll().run();
        b.flushDue(false);
        assertThat(commits).containsExactly(Map.of(NUM0, new OffsetAndMetadata(2)));
        assertThat(pendingInserts).as("the next batch started").hasSize(1);
        pendingInserts.poll().run();
        b.flushDue(false);
        assertThat(commits).last().isEqualTo(Map.of(NUM0, new OffsetAndMetadata(4)));
        assertThat(writer.rows("answers_numeric")).hasSize(4);
    }

    @Test
    void aFailedInsertInFlightPutsItsRowsBackBeforeTheNewerOnes() throws Exception {
        Batcher b = batcher(2, 1 << 20, Duration.ofHours(1), pendingInserts::add);
        writer.failNext(1, FakeWriter::serverDown);
        add(b, "answers_numeric", row(NUM0, 0));
        add(b, "answers_numeric", row(NUM0, 1));
        b.flushDue(false);
        add(b, "answers_numeric", row(NUM0, 2));
        pendingInserts.poll().run();

        assertThatThrownBy(() -> b.flushDue(false)).isInstanceOf(FlushException.class);
        assertThat(commits).isEmpty();
        assertThat(b.bufferedRows()).isEqualTo(3);

        b.flushDue(false);
        pendingInserts.poll().run();
        b.flushDue(false);
        assertThat(writer.rows("answers_numeric")).containsExactly("{\"row_id\":\"kaizala.answers.numeric-0-0\"}",
                "{\"row_id\":\"kaizala.answers.numeric-0-1\"}", "{\"row_id\":\"kaizala.answers.numeric-0-2\"}");
        assertThat(commits).containsExactly(Map.of(NUM0, new OffsetAndMetadata(3)));
    }

    @Test
    void flushesATableWhenItReachesTheRowLimitAndCommitsTheNextOffsetOfEachPartition() throws Exception {
        Batcher b = batcher(3, 1 << 20, Duration.ofHours(1));
        add(b, "answers_numeric", row(NUM0, 10));
        add(b, "answers_numeric", row(NUM1, 4));
        b.flushDue(false);
        assertThat(writer.calls()).isZero();
        assertThat(commits).isEmpty();

        add(b, "answers_numeric", row(NUM0, 11));
        b.flushDue(false);

        assertThat(writer.rows("answers_numeric")).hasSize(3);
        assertThat(commits).containsExactly(Map.of(NUM0, new OffsetAndMetadata(12), NUM1, new OffsetAndMetadata(5)));
        assertThat(b.bufferedRows()).isZero();
        assertThat(MeterCounts.count(registry, "kz.sink.rows.inserted", "table", "answers_numeric")).isEqualTo(3);
    }

    @Test
    void flushesOnBytesAndOnAgeIndependentlyPerTable() throws Exception {
        Batcher b = batcher(1000, 100, Duration.ofMillis(500));
        add(b, "answers_text", row(TXT0, 0, "{\"text\":\"" + "x".repeat(120) + "\"}"));
        add(b, "answers_numeric", row(NUM0, 0));
        b.flushDue(false);
        assertThat(writer.rows("answers_text")).hasSize(1);
        assertThat(writer.rows("answers_numeric")).isEmpty();
        assertThat(b.msUntilDue(10_000)).isEqualTo(500);

        clock.addAndGet(499);
        b.flushDue(false);
        assertThat(writer.rows("answers_numeric")).isEmpty();
        assertThat(b.msUntilDue(10_000)).isEqualTo(1);

        clock.addAndGet(1);
        assertThat(b.msUntilDue(10_000)).isZero();
        b.flushDue(false);
        assertThat(writer.rows("answers_numeric")).hasSize(1);
        assertThat(commits).containsExactly(Map.of(TXT0, new OffsetAndMetadata(1)),
                Map.of(NUM0, new OffsetAndMetadata(1)));
        assertThat(b.msUntilDue(10_000)).isEqualTo(10_000);
    }

    @Test
    void aFailedInsertCommitsNothingAndKeepsTheRowsForTheNextAttempt() throws Exception {
        Batcher b = batcher(2, 1 << 20, Duration.ofHours(1));
        writer.failNext(1, FakeWriter::serverDown);
        add(b, "answers_numeric", row(NUM0, 0));
        add(b, "answers_numeric", row(NUM0, 1));

        assertThatThrownBy(() -> b.flushDue(false)).isInstanceOf(FlushException.class)
                .hasMessageContaining("answers_numeric[kaizala.answers.numeric-0@0..1]")
                .hasCauseInstanceOf(com.clickhouse.client.api.ServerException.class);
        assertThat(commits).isEmpty();
        assertThat(b.bufferedRows()).isEqualTo(2);

        b.flushDue(false);
        assertThat(writer.rows("answers_numeric")).hasSize(2);
        assertThat(commits).containsExactly(Map.of(NUM0, new OffsetAndMetadata(2)));
    }

    @Test
    void revokedPartitionsLoseTheirBufferedRowsOthersKeepThem() throws Exception {
        Batcher b = batcher(100, 1 << 20, Duration.ofHours(1));
        add(b, "answers_numeric", row(NUM0, 0));
        add(b, "answers_numeric", row(NUM1, 0));
        add(b, "answers_numeric", row(NUM1, 1));

        assertThat(b.drop(List.of(NUM1))).isEqualTo(2);
        b.flushDue(true);

        assertThat(writer.rows("answers_numeric")).containsExactly("{\"row_id\":\"kaizala.answers.numeric-0-0\"}");
        assertThat(commits).containsExactly(Map.of(NUM0, new OffsetAndMetadata(1)));
        assertThat(MeterCounts.count(registry, "kz.sink.revoked.rows")).isEqualTo(2);
    }

    @Test
    void aPartitionFeedsExactlyOneTable() {
        Batcher b = batcher(100, 1 << 20, Duration.ofHours(1));
        add(b, "answers_numeric", row(NUM0, 0));
        assertThatThrownBy(() -> add(b, "answers_text", row(NUM0, 1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void forcedFlushDeliversEveryNonEmptyTable() throws Exception {
        Batcher b = batcher(100, 1 << 20, Duration.ofHours(1));
        add(b, "answers_numeric", row(NUM0, 0));
        add(b, "answers_text", row(TXT0, 7));
        b.flushDue(true);
        assertThat(commits).containsExactlyInAnyOrder(Map.of(NUM0, new OffsetAndMetadata(1)),
                Map.of(TXT0, new OffsetAndMetadata(8)));
        b.close();
    }
}
