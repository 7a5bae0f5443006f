package io.kzpipe.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.clickhouse.client.api.ServerException;
import io.kzpipe.model.topic.PipelineHeaders;
import io.kzpipe.model.topic.Topics;
import io.kzpipe.sink.batch.BatchDelivery;
import io.kzpipe.sink.clickhouse.RetryPolicy;
import io.kzpipe.sink.config.SinkConfig;
import io.kzpipe.sink.metrics.MeterCounts;
import io.kzpipe.sink.metrics.SinkMetrics;
import io.kzpipe.sink.support.FakeWriter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SinkLoopTest {

    private static final Topics TOPICS = Topics.defaults();
    private static final TopicPartition NUM0 = new TopicPartition("kaizala.answers.numeric", 0);
    private static final TopicPartition NUM1 = new TopicPartition("kaizala.answers.numeric", 1);
    private static final TopicPartition DLQ0 = new TopicPartition("kaizala.dlq.gateway", 0);

    /**
     * A MockConsumer whose poll waits a little, like a real one, instead of spinning, and which records every
     * successful commit (MockConsumer refuses {@code committed()} once closed).
     */
    private static final class SlowMockConsumer extends MockConsumer<byte[], byte[]> {
        final java.util.concurrent.atomic.AtomicInteger failCommits = new java.util.concurrent.atomic.AtomicInteger();
        final Map<TopicPartition, OffsetAndMetadata> commits = new java.util.concurrent.ConcurrentHashMap<>();

        SlowMockConsumer() {
            super("earliest");
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
            if (failCommits.getAndDecrement() > 0) {
                throw new org.apache.kafka.common.errors.RebalanceInProgressException("rebalancing");
            }
            super.commitSync(offsets);
            commits.putAll(offsets);
        }

        @Override
        public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            try {
                Thread.sleep(Math.min(2, timeout.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return super.poll(Duration.ZERO);
        }
    }

    private final SlowMockConsumer consumer = new SlowMockConsumer();
    private final java.util.concurrent.ExecutorService insertExecutor = java.util.concurrent.Executors
            .newSingleThreadExecutor();
    private final FakeWriter writer = new FakeWriter();
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SinkMetrics metrics = new SinkMetrics(registry);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private SinkLoop loop;
    private Thread thread;

    private void start(int flushRows) {
        start(new SinkConfig.Flush(flushRows, 1 << 20, Duration.ofSeconds(10), 64 << 20), writer);
    }

    private void start(SinkConfig.Flush flush, io.kzpipe.sink.clickhouse.BatchWriter batchWriter) {
        RetryPolicy policy = new RetryPolicy(new SinkConfig.Retry(Duration.ofMillis(100), Duration.ofSeconds(1), 2, 0,
                SinkConfig.DEFAULT_RETRY_UNREACHABLE_MAX));
        loop = new SinkLoop(consumer, TOPICS, flush, new BatchDelivery(batchWriter, policy, metrics), policy, metrics,
                clock::get, insertExecutor);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(NUM0, NUM1, DLQ0));
            consumer.updateBeginningOffsets(Map.of(NUM0, 0L, NUM1, 0L, DLQ0, 0L));
        });
        thread = new Thread(() -> {
            try {
                loop.run();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        thread.start();
        await().until(() -> loop.state() == SinkLoop.State.RUNNING);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (loop != null) {
            loop.stop();
            thread.join(10_000);
        }
        insertExecutor.shutdownNow();
    }

    private void produce(TopicPartition tp, long offset) {
        consumer.addRecord(new ConsumerRecord<>(tp.topic(), tp.partition(), offset, (byte[]) null,
                ("{\"row_id\":\"" + tp.partition() + ":" + offset + "\"}").getBytes(StandardCharsets.UTF_8)));
    }

    private Map<TopicPartition, OffsetAndMetadata> committed() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        consumer.committed(Set.of(NUM0, NUM1, DLQ0)).forEach((k, v) -> {
            if (v != null) {
                out.put(k, v);
            }
        });
        return out;
    }

    @Test
    void insertsThenCommitsTheNextOffsetPerPartition() {
        start(3);
        produce(NUM0, 0);
        produce(NUM1, 0);
        produce(NUM0, 1);

        await().until(() -> writer.rows("answers_numeric").size() == 3);
        await().until(() -> committed().equals(Map.of(NUM0, new OffsetAndMetadata(2), NUM1, new OffsetAndMetadata(1))));
    }

    @Test
    void whileTheRowsHeldReachTheMemoryBoundTheyAreInsertedAndConsumptionPausesUntilTheInsertFinished()
            throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        // 3 rows of 16 bytes: 3 x (16 + Row.OVERHEAD_BYTES) = 336 bytes reach a bound of 300; no other limit is near
        start(new SinkConfig.Flush(1000, 1 << 20, Duration.ofHours(1), 300), batch -> {
            release.await();
            return writer.write(batch);
        });
        produce(NUM0, 0);
        produce(NUM0, 1);
        produce(NUM1, 0);

        await().until(() -> consumer.paused().containsAll(List.of(NUM0, NUM1, DLQ0)));
        assertThat(writer.rows("answers_numeric")).isEmpty();
        assertThat(committed()).isEmpty();
        produce(NUM1, 1); // arrives while paused: not consumed until the insert made room
        release.countDown();

        await().until(() -> writer.rows("answers_numeric").size() == 3);
        await().until(() -> consumer.paused().isEmpty());
        await().until(() -> committed().equals(Map.of(NUM0, new OffsetAndMetadata(2), NUM1, new OffsetAndMetadata(1))));
        clock.addAndGet(Duration.ofHours(1).toMillis()); // the last row is flushed by age
        await().until(() -> writer.rows("answers_numeric").size() == 4);
    }

    @Test
    void aFailedCommitIsRetriedWithoutNewDataAndTheRowsAreNotInsertedAgain() {
        consumer.failCommits.set(2);
        start(2);
        produce(NUM0, 0);
        produce(NUM0, 1);

        await().until(() -> committed().equals(Map.of(NUM0, new OffsetAndMetadata(2))));
        assertThat(writer.rows("answers_numeric")).hasSize(2);
        assertThat(MeterCounts.count(registry, "kz.sink.commits", "outcome", "failed")).isEqualTo(2);
    }

    @Test
    void whileClickHouseFailsConsumptionIsPausedNothingIsCommittedAndTheSameRowsAreRetried() {
        writer.failNext(2, FakeWriter::serverDown);
        start(2);
        produce(NUM0, 0);
        produce(NUM0, 1);

        await().until(() -> loop.state() == SinkLoop.State.BACKING_OFF);
        assertThat(consumer.paused()).containsExactlyInAnyOrder(NUM0, NUM1, DLQ0);
        produce(NUM1, 0); // arrives while paused: not consumed yet
        assertThat(MeterCounts.count(registry, "kz.sink.insert.retries", "table", "answers_numeric")).isEqualTo(1);

        clock.addAndGet(100); // first backoff (100 ms) over: second attempt fails too, backoff doubles
        await().until(() -> MeterCounts.count(registry, "kz.sink.insert.retries") == 2);
        assertThat(committed()).isEmpty();
        assertThat(writer.rows("answers_numeric")).isEmpty();

        clock.addAndGet(150);
        assertThat(loop.state()).isEqualTo(SinkLoop.State.BACKING_OFF);
        clock.addAndGet(50);
        await().until(() -> writer.rows("answers_numeric").size() == 2);
        await().until(() -> loop.state() == SinkLoop.State.RUNNING && consumer.paused().isEmpty());
        assertThat(committed()).containsEntry(NUM0, new OffsetAndMetadata(2));
        assertThat(writer.rows("answers_numeric")).containsExactly("{\"row_id\":\"0:0\"}", "{\"row_id\":\"0:1\"}");

        produce(NUM1, 1); // with NUM1@0 (consumed after resuming) makes a full batch
        await().until(() -> writer.rows("answers_numeric").size() == 4);
        await().until(() -> new OffsetAndMetadata(2).equals(committed().get(NUM1)));
    }

    @Test
    void aRebalanceWhileBackingOffDropsTheRevokedPartitionsRows() {
        writer.failNext(1, FakeWriter::serverDown);
        start(3);
        produce(NUM0, 0);
        produce(NUM1, 0);
        produce(NUM1, 1);
        await().until(() -> loop.state() == SinkLoop.State.BACKING_OFF);

        consumer.schedulePollTask(() -> consumer.rebalance(List.of(NUM0, DLQ0)));
        await().until(() -> MeterCounts.count(registry, "kz.sink.revoked.rows") == 2);
        produce(NUM0, 1);
        produce(NUM0, 2);
        clock.addAndGet(100); // backoff over: NUM0@0 alone is inserted, then consumption resumes
        await().until(() -> writer.rows("answers_numeric").size() == 1 && loop.state() == SinkLoop.State.RUNNING);
        await().until(() -> consumer.position(NUM0) == 3);
        clock.addAndGet(10_000); // the two newer rows are due by age

        await().until(() -> writer.rows("answers_numeric").size() == 3);
        assertThat(writer.rows("answers_numeric")).containsExactly("{\"row_id\":\"0:0\"}", "{\"row_id\":\"0:1\"}",
                "{\"row_id\":\"0:2\"}");
        await().until(() -> committed().equals(Map.of(NUM0, new OffsetAndMetadata(3))));
    }

    @Test
    void aFatalErrorEndsTheLoopWithoutCommitting() throws InterruptedException {
        writer.failNext(1,
                () -> new ServerException(60, "Code: 60, Table kaizala.answers_numeric doesn't exist", 404, "q"));
        start(1);
        produce(NUM0, 0);

        thread.join(10_000);
        assertThat(failure.get()).hasRootCauseInstanceOf(ServerException.class);
        assertThat(loop.state()).isEqualTo(SinkLoop.State.FAILED);
        assertThat(consumer.closed()).isTrue();
        assertThat(consumer.commits).isEmpty();
        assertThat(writer.rows("answers_numeric")).isEmpty();
        loop = null; // ended already
    }

    @Test
    void stoppingFlushesWhatIsBufferedAndCommitsIt() throws InterruptedException {
        start(1000);
        produce(NUM0, 0);
        await().until(() -> registry.find("kz.sink.buffered.rows").gauge() != null);
        await().until(() -> consumer.position(NUM0) == 1);
        assertThat(writer.rows("answers_numeric")).isEmpty();
        assertThat(consumer.commits).isEmpty();

        loop.stop();
        thread.join(10_000);
        assertThat(thread.isAlive()).isFalse();
        assertThat(loop.state()).isEqualTo(SinkLoop.State.STOPPED);
        assertThat(writer.rows("answers_numeric")).containsExactly("{\"row_id\":\"0:0\"}");
        assertThat(consumer.commits).isEqualTo(Map.of(NUM0, new OffsetAndMetadata(1)));
        assertThat(consumer.closed()).isTrue();
        loop = null; // stopped already
    }

    @Test
    void deadLetterTopicRecordsBecomeDeadLetterRows() {
        start(1);
        RecordHeaders headers = new RecordHeaders();
        headers.add(PipelineHeaders.DLQ_REASON, "invalid_json".getBytes(StandardCharsets.UTF_8));
        consumer.addRecord(new ConsumerRecord<>(DLQ0.topic(), 0, 0, 5L, TimestampType.CREATE_TIME, -1, -1, null,
                "not json".getBytes(StandardCharsets.UTF_8), headers, Optional.empty()));

        await().until(() -> writer.rows("dead_letters").size() == 1);
        assertThat(writer.rows("dead_letters").get(0)).contains("\"reason\":\"invalid_json\"",
                "\"payload\":\"not json\"", "\"row_id\":\"gateway:kaizala.dlq.gateway:0:0\"");
        await().until(() -> committed().equals(Map.of(DLQ0, new OffsetAndMetadata(1))));
    }
}
