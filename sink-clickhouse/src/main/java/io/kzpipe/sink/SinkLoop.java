package io.kzpipe.sink;

import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import io.kzpipe.sink.batch.BatchDelivery;
import io.kzpipe.sink.batch.Batcher;
import io.kzpipe.sink.batch.FlushException;
import io.kzpipe.sink.clickhouse.RetryPolicy;
import io.kzpipe.sink.config.SinkConfig;
import io.kzpipe.sink.deadletter.DeadLetters;
import io.kzpipe.sink.ledger.RawReceipts;
import io.kzpipe.sink.metrics.SinkMetrics;
import io.kzpipe.sink.row.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer thread: polls every sink input topic, hands rows to the {@link Batcher}, and keeps the
 * consumer in its group while ClickHouse is failing.
 *
 * <p>When a flush fails with a retriable error, all assigned partitions are paused (also partitions
 * assigned later) and the loop keeps polling, which returns nothing but keeps the group membership, until
 * the backoff of {@link RetryPolicy} has passed; then the same rows are tried again, until an insert into
 * the failing table succeeds. Nothing is skipped. Consumption is paused the same way while the rows held
 * reach {@code SINK_MAX_BUFFERED_BYTES} ({@link Batcher#isFull}), until inserts have made room.
 * A fatal error ends {@link #run} with the exception; rows not inserted yet stay uncommitted. {@link #stop}
 * (any thread) ends the loop: one last flush is tried, then the consumer is closed. The consumer is used
 * by the loop thread only, as Kafka requires.
 */
public final class SinkLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkLoop.class);
    private static final long MAX_POLL_MS = 200;

    /** What readiness reports. */
    public enum State {
        STARTING, RUNNING, BACKING_OFF, STOPPED, FAILED
    }

    private final Consumer<byte[], byte[]> consumer;
    private final Map<String, TopicId> idsByName = new HashMap<>();
    private final Batcher batcher;
    private final RetryPolicy policy;
    private final SinkMetrics metrics;
    private final LongSupplier clock;
    private volatile boolean stopping;
    private volatile State state = State.STARTING;
    private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
    private boolean backingOff;
    private boolean pausedForMemory;
    private final List<Row> partitionRows = new ArrayList<>();
    private int failures;
    private String failingTable;
    private long retryAtMs;

    /**
     * @param consumer a consumer with manual commits; used by the loop thread only
     * @param topics   resolved topic names; every {@link TopicId#sinkInputs()} topic is subscribed
     * @param flush    when a table's buffer is delivered
     * @param delivery inserts a batch (isolating refused rows)
     * @param clock    epoch milliseconds
     * @param insertExecutor runs inserts while this thread keeps polling (SINK_INSERT_THREADS; one per table at most)
     */
    public SinkLoop(Consumer<byte[], byte[]> consumer, Topics topics, SinkConfig.Flush flush, BatchDelivery delivery,
            RetryPolicy policy, SinkMetrics metrics, LongSupplier clock, Executor insertExecutor) {
        this.consumer = consumer;
        this.batcher = new Batcher(flush, delivery, this::commit, metrics, clock, insertExecutor);
        this.policy = policy;
        this.metrics = metrics;
        this.clock = clock;
        for (TopicId id : TopicId.sinkInputs()) {
            idsByName.put(topics.name(id), id);
        }
    }

    public State state() {
        return state;
    }

    /** Ends the loop from any thread; {@link #run} returns after a last flush attempt. */
    public void stop() {
        stopping = true;
        consumer.wakeup();
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.copyOf(idsByName.keySet()), new Rebalance());
            LOG.info("consuming {}", idsByName.keySet());
            while (!stopping) {
                pollOnce();
            }
        } catch (WakeupException e) {
            if (!stopping) {
                throw e;
            }
        } catch (FencedInstanceIdException e) {
            state = State.FAILED;
            LOG.error(
                    "another sink instance joined the group with this instance's SINK_INSTANCE_ID (group.instance.id) "
                            + "and took its partitions; stopping. Give every instance its own SINK_INSTANCE_ID. Rows not "
                            + "inserted yet stay uncommitted and are read by the other instance",
                    e);
            closeConsumer();
            throw e;
        } catch (RuntimeException | Error e) {
            state = State.FAILED;
            LOG.error(
                    "sink stopped by a fatal error; rows not inserted yet stay uncommitted and are re-read on restart",
                    e);
            closeConsumer();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        finish();
    }

    private void pollOnce() throws InterruptedException {
        long now = clock.getAsLong();
        long wait = backingOff && now < retryAtMs
                ? Math.min(MAX_POLL_MS, retryAtMs - now)
                : batcher.msUntilDue(MAX_POLL_MS);
        if (backingOff || pausedForMemory) {
            consumer.pause(consumer.assignment());
        }
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(wait));
        if (state == State.STARTING) {
            state = State.RUNNING;
        }
        if (!uncommitted.isEmpty()) {
            commitPending(consumer.assignment());
        }
        for (TopicPartition tp : records.partitions()) {
            TopicId id = idsByName.get(tp.topic());
            partitionRows.clear();
            for (ConsumerRecord<byte[], byte[]> rec : records.records(tp)) {
                partitionRows.add(id.isDeadLetter()
                        ? DeadLetters.fromDeadLetterTopic(rec, id)
                        : id == TopicId.RAW
                                ? RawReceipts.fromRawTopic(rec)
                                : new Row(tp, rec.offset(), rec.timestamp(), rec.key(), rec.value()));
            }
            batcher.addAll(id.table(), tp, partitionRows);
        }
        partitionRows.clear();
        if (backingOff && clock.getAsLong() < retryAtMs) {
            return;
        }
        try {
            Set<String> committed = batcher.flushDue(false);
            if (backingOff && committed.contains(failingTable)) {
                LOG.info("ClickHouse accepts inserts again after {} failed attempts; resuming consumption", failures);
                backingOff = false;
                failures = 0;
                state = State.RUNNING;
                metrics.backingOff(false);
                if (!pausedForMemory) {
                    consumer.resume(consumer.assignment());
                }
            }
        } catch (FlushException e) {
            onFlushFailure(e);
        }
        pauseWhileFull();
    }

    /** Pauses consumption while the rows held reach SINK_MAX_BUFFERED_BYTES, resumes once inserts made room. */
    private void pauseWhileFull() {
        boolean full = batcher.isFull();
        if (full && !pausedForMemory) {
            pausedForMemory = true;
            consumer.pause(consumer.assignment());
            LOG.debug("{} bytes held; consumption paused until inserts finish", batcher.bufferedBytes());
        } else if (!full && pausedForMemory) {
            pausedForMemory = false;
            if (!backingOff) {
                consumer.resume(consumer.assignment());
            }
        }
    }

    private void onFlushFailure(FlushException e) {
        RetryPolicy.Kind kind = policy.classify(e.getCause());
        if (kind != RetryPolicy.Kind.RETRIABLE) {
            throw e;
        }
        failures++;
        failingTable = e.table();
        Duration delay = policy.backoff(failures, e.getCause());
        retryAtMs = clock.getAsLong() + delay.toMillis();
        metrics.retry(e.table());
        if (!backingOff) {
            backingOff = true;
            state = State.BACKING_OFF;
            metrics.backingOff(true);
            consumer.pause(consumer.assignment());
        }
        LOG.warn("insert of batch {} ({} rows) failed, attempt {}; consumption paused, retrying in {} ms: {}",
                e.batchId(), e.rows(), failures, delay.toMillis(), RetryPolicy.describe(e.getCause()));
    }

    /**
     * Commits the offsets of flushed rows. A failed commit (e.g. during a rebalance) is kept and retried after
     * the next poll and before its partition is revoked; if the partition is lost meanwhile, its rows are
     * simply re-delivered to the next owner (they are in ClickHouse already and collapse by row_id).
     */
    public void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((p, o) -> uncommitted.merge(p, o, (a, b) -> a.offset() >= b.offset() ? a : b));
        commitPending(consumer.assignment());
    }

    private void commitPending(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> due = new HashMap<>();
        for (TopicPartition p : partitions) {
            OffsetAndMetadata o = uncommitted.get(p);
            if (o != null) {
                due.put(p, o);
            }
        }
        if (due.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(due);
            due.keySet().forEach(uncommitted::remove);
            metrics.commit(true);
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            metrics.commit(false);
            LOG.warn("commit of {} failed, will retry (the rows are in ClickHouse; at worst they are re-delivered): {}",
                    due, e.toString());
        }
    }

    private void finish() {
        try {
            if (backingOff) {
                batcher.finishInFlight();
            } else if (batcher.bufferedRows() > 0) {
                batcher.flushDue(true);
            }
        } catch (FlushException | WakeupException e) {
            LOG.warn("last flush before stopping failed: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        batcher.close();
        closeConsumer();
        state = State.STOPPED;
    }

    private void closeConsumer() {
        try {
            consumer.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the consumer failed: {}", e.toString());
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // inserts in flight finish and are committed, failed commits are retried once more, buffered rows
            // are dropped: the next owner re-reads them from the committed offset
            drop(partitions);
            commitPending(partitions);
            partitions.forEach(uncommitted::remove);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            drop(partitions);
            partitions.forEach(uncommitted::remove);
        }

        private void drop(Collection<TopicPartition> partitions) {
            try {
                batcher.drop(partitions);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                LOG.info("assigned {}", partitions);
            }
            if (backingOff || pausedForMemory) {
                consumer.pause(partitions);
            }
        }
    }
}
