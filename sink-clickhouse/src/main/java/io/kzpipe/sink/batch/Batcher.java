package io.kzpipe.sink.batch;

import io.kzpipe.sink.clickhouse.RetryPolicy;
import io.kzpipe.sink.config.SinkConfig;
import io.kzpipe.sink.metrics.SinkMetrics;
import io.kzpipe.sink.row.Batch;
import io.kzpipe.sink.row.Row;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers rows per ClickHouse table, inserts them in batches and decides which offsets are committed.
 *
 * <p>Guarantees:
 * <ul>
 *   <li><b>Flush:</b> a table's buffer is delivered when it holds {@code SINK_FLUSH_ROWS} rows or
 *       {@code SINK_FLUSH_BYTES} bytes, or when its oldest row has waited {@code SINK_FLUSH_INTERVAL}, or when
 *       the rows held by the sink as a whole (buffered and in flight) reach {@code SINK_MAX_BUFFERED_BYTES}.</li>
 *   <li><b>Memory:</b> {@link #isFull} tells the consumer thread to pause consumption while the rows held
 *       (buffered and in flight, estimated heap bytes: record value and key plus
 *       {@value Row#OVERHEAD_BYTES} bytes each) reach {@code SINK_MAX_BUFFERED_BYTES}.</li>
 *   <li><b>Overlap:</b> a batch is inserted on the insert executor while the consumer thread keeps
 *       polling; each table has at most one insert in flight, so its batches complete in offset order.
 *       A table whose buffer reaches twice the flush limits waits for its insert (back-pressure).</li>
 *   <li><b>Commit after insert:</b> every partition feeds exactly one table (a topic maps to one table),
 *       so a batch holds every row of its partitions up to its last offset. Only after
 *       {@link BatchDelivery#deliver} has put every row of the batch into ClickHouse (its table or
 *       {@code dead_letters}) is the next offset of each of those partitions committed, on the consumer
 *       thread. A crash anywhere before that means re-delivery, never loss; re-delivered rows collapse by
 *       {@code row_id}.</li>
 *   <li><b>Failure:</b> when an insert fails, its rows go back to the head of the buffer (nothing is
 *       committed) and a {@link FlushException} naming the batch is thrown; the caller backs off and calls
 *       {@link #flushDue} again, which inserts them (and what arrived since) again.</li>
 *   <li><b>Rebalance:</b> {@link #drop} first waits for inserts in flight that hold rows of the revoked
 *       partitions (committing them when they succeed), then forgets the buffered rows of those
 *       partitions: their new owner re-reads them from the last committed offset.</li>
 *   <li><b>Stop:</b> {@link #flushDue flushDue(true)} delivers and waits for everything; {@link #close}
 *       logs a WARN with the rows still buffered (not committed, so re-read on restart).</li>
 * </ul>
 * Not thread-safe: owned by the consumer thread; only {@link BatchDelivery#deliver} runs on the executor.
 */
public final class Batcher {

    private static final Logger LOG = LoggerFactory.getLogger(Batcher.class);
    /** Poll timeout while an insert is in flight, so that its commit follows promptly. */
    static final long IN_FLIGHT_POLL_MS = 10;

    /** Commits offsets; failures are the committer's to handle (a lost commit means re-delivery). */
    @FunctionalInterface
    public interface OffsetCommitter {
        void commit(Map<TopicPartition, OffsetAndMetadata> offsets);
    }

    private record InFlight(Batch batch, long footprint, CompletableFuture<BatchDelivery.Outcome> result) {}

    /** Rows whose freshness is recorded per batch at most (evenly spread, the first one included). */
    static final int FRESHNESS_SAMPLES = 64;

    private static final class TableBuffer {
        final String table;
        final Map<TopicPartition, ArrayDeque<Row>> partitions = new LinkedHashMap<>();
        int rows;
        long bytes;
        long footprint;
        long oldestAtMs;
        InFlight inFlight;

        TableBuffer(String table) {
            this.table = table;
        }
    }

    private final SinkConfig.Flush limits;
    private final BatchDelivery delivery;
    private final OffsetCommitter committer;
    private final SinkMetrics metrics;
    private final LongSupplier clock;
    private final Executor executor;
    private final Map<String, TableBuffer> tables = new LinkedHashMap<>();
    private final Map<TopicPartition, String> tableOf = new LinkedHashMap<>();
    private final Set<String> committedTables = new HashSet<>();
    /** Estimated heap bytes of the rows buffered and in flight. */
    private long footprint;

    /**
     * @param executor runs the inserts ({@code Runnable::run} inserts on the calling thread)
     * @param clock    epoch milliseconds
     */
    public Batcher(SinkConfig.Flush limits, BatchDelivery delivery, OffsetCommitter committer, SinkMetrics metrics,
            LongSupplier clock, Executor executor) {
        this.limits = limits;
        this.delivery = delivery;
        this.committer = committer;
        this.metrics = metrics;
        this.clock = clock;
        this.executor = executor;
    }

    /**
     * Buffers {@code rows}, all of {@code partition} and in offset order, for {@code table}.
     *
     * @throws IllegalArgumentException when the partition already feeds another table
     */
    public void addAll(String table, TopicPartition partition, List<Row> rows) {
        if (rows.isEmpty()) {
            return;
        }
        String previous = tableOf.putIfAbsent(partition, table);
        if (previous != null && !previous.equals(table)) {
            throw new IllegalArgumentException(partition + " feeds " + previous + ", not " + table);
        }
        TableBuffer buf = tables.computeIfAbsent(table, TableBuffer::new);
        if (buf.rows == 0) {
            buf.oldestAtMs = clock.getAsLong();
        }
        ArrayDeque<Row> deque = buf.partitions.computeIfAbsent(partition, p -> new ArrayDeque<>());
        long bytes = 0;
        long heap = 0;
        for (Row row : rows) {
            deque.addLast(row);
            bytes += row.size();
            heap += row.footprint();
        }
        buf.rows += rows.size();
        buf.bytes += bytes;
        buf.footprint += heap;
        footprint += heap;
    }

    /** True while the rows held (buffered and in flight) reach {@code SINK_MAX_BUFFERED_BYTES}: pause consuming. */
    public boolean isFull() {
        return footprint >= limits.maxBufferedBytes();
    }

    /** Estimated heap bytes of the rows buffered and in flight. */
    public long bufferedBytes() {
        return footprint;
    }

    /**
     * Commits inserts that finished, and starts the inserts of tables that are due ({@code force}: every
     * non-empty table, then waits until every insert finished).
     *
     * @return the tables whose batches were committed by this call
     * @throws FlushException for the first insert found failed; its rows are buffered again
     */
    public Set<String> flushDue(boolean force) throws InterruptedException {
        committedTables.clear();
        try {
            long now = clock.getAsLong();
            for (TableBuffer buf : tables.values()) {
                if (buf.inFlight != null && buf.inFlight.result().isDone()) {
                    complete(buf);
                }
                if (buf.rows == 0 || !(force || isDue(buf, now))) {
                    continue;
                }
                if (buf.inFlight != null) {
                    if (!force && buf.rows < 2L * limits.rows() && buf.bytes < 2L * limits.bytes()) {
                        continue;
                    }
                    await(buf.inFlight);
                    complete(buf);
                }
                start(buf);
            }
            if (force) {
                for (TableBuffer buf : tables.values()) {
                    if (buf.inFlight != null) {
                        await(buf.inFlight);
                        complete(buf);
                    }
                }
            }
            return Set.copyOf(committedTables);
        } finally {
            metrics.buffered(bufferedRows(), footprint);
        }
    }

    /**
     * How long the consumer may block in poll: until the next table is due by age, at most
     * {@value #IN_FLIGHT_POLL_MS} ms while an insert is in flight, {@code max} when nothing is buffered.
     */
    public long msUntilDue(long max) {
        long now = clock.getAsLong();
        long wait = max;
        for (TableBuffer buf : tables.values()) {
            if (buf.inFlight != null) {
                wait = Math.min(wait, IN_FLIGHT_POLL_MS);
            } else if (buf.rows > 0) {
                if (isDue(buf, now)) {
                    return 0;
                }
                wait = Math.min(wait, buf.oldestAtMs + limits.interval().toMillis() - now);
            }
        }
        return Math.max(0, wait);
    }

    /**
     * Forgets the rows of {@code partitions} (revoked or lost) after the inserts in flight that hold some
     * of them finished (successful ones are committed); returns how many buffered rows were dropped.
     */
    public int drop(Collection<TopicPartition> partitions) throws InterruptedException {
        for (TableBuffer buf : tables.values()) {
            if (buf.inFlight != null && touches(buf.inFlight.batch(), partitions)) {
                await(buf.inFlight);
                try {
                    complete(buf);
                } catch (FlushException e) {
                    LOG.warn("insert of batch {} failed while its partitions were revoked; they are re-read by their "
                            + "next owner: {}", e.batchId(), RetryPolicy.describe(e.getCause()));
                }
            }
        }
        int dropped = 0;
        for (TopicPartition p : partitions) {
            String table = tableOf.remove(p);
            TableBuffer buf = table == null ? null : tables.get(table);
            ArrayDeque<Row> rows = buf == null ? null : buf.partitions.remove(p);
            if (rows != null) {
                for (Row r : rows) {
                    buf.bytes -= r.size();
                    buf.footprint -= r.footprint();
                    footprint -= r.footprint();
                }
                buf.rows -= rows.size();
                dropped += rows.size();
            }
        }
        metrics.buffered(bufferedRows(), footprint);
        if (dropped > 0) {
            metrics.revokedRows(dropped);
            LOG.info("dropped {} buffered rows of revoked partitions {} (their new owner re-reads them)", dropped,
                    partitions);
        }
        return dropped;
    }

    /** Waits for the inserts in flight and commits the successful ones (stopping while backing off). */
    public void finishInFlight() throws InterruptedException {
        for (TableBuffer buf : tables.values()) {
            if (buf.inFlight != null) {
                await(buf.inFlight);
                try {
                    complete(buf);
                } catch (FlushException e) {
                    LOG.warn("insert of batch {} failed while stopping: {}", e.batchId(),
                            RetryPolicy.describe(e.getCause()));
                }
            }
        }
    }

    /** Rows buffered or in flight. */
    public long bufferedRows() {
        long n = 0;
        for (TableBuffer buf : tables.values()) {
            n += buf.rows + (buf.inFlight == null ? 0 : buf.inFlight.batch().size());
        }
        return n;
    }

    /** Logs what is left unflushed; those rows were not committed and are read again after a restart. */
    public void close() {
        long left = bufferedRows();
        if (left > 0) {
            List<String> perTable = new ArrayList<>();
            tables.forEach((t, b) -> {
                if (b.rows > 0 || b.inFlight != null) {
                    perTable.add(t + "=" + (b.rows + (b.inFlight == null ? 0 : b.inFlight.batch().size())));
                }
            });
            LOG.warn("stopping with {} unflushed rows {} (not committed: they are re-read on restart)", left, perTable);
        }
    }

    private boolean isDue(TableBuffer buf, long now) {
        return buf.rows >= limits.rows() || buf.bytes >= limits.bytes()
                || now - buf.oldestAtMs >= limits.interval().toMillis() || isFull();
    }

    /** Moves the whole buffer into a batch and starts its insert on the executor. */
    private void start(TableBuffer buf) throws InterruptedException {
        List<Row> rows = new ArrayList<>(buf.rows);
        buf.partitions.values().forEach(rows::addAll);
        buf.partitions.values().forEach(ArrayDeque::clear);
        Batch batch = new Batch(buf.table, rows);
        CompletableFuture<BatchDelivery.Outcome> result = new CompletableFuture<>();
        buf.inFlight = new InFlight(batch, buf.footprint, result);
        buf.rows = 0;
        buf.bytes = 0;
        buf.footprint = 0;
        executor.execute(() -> {
            try {
                result.complete(delivery.deliver(batch));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result.completeExceptionally(e);
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        });
        if (result.isDone()) { // inserted on this thread
            complete(buf);
        }
    }

    /** Commits a finished insert, or puts its rows back at the head of the buffer and throws. */
    private void complete(TableBuffer buf) {
        InFlight f = buf.inFlight;
        buf.inFlight = null;
        BatchDelivery.Outcome outcome;
        try {
            outcome = f.result().join();
        } catch (CompletionException e) {
            footprint -= f.footprint(); // requeue adds the rows back
            requeue(buf, f.batch());
            Throwable cause = e.getCause();
            throw new FlushException(f.batch(),
                    cause instanceof RuntimeException re ? re : new IllegalStateException(cause));
        }
        footprint -= f.footprint();
        long insertedAt = clock.getAsLong();
        committer.commit(f.batch().offsetsToCommit());
        committedTables.add(buf.table);
        metrics.batchInserted(buf.table, outcome.inserted());
        List<Row> rows = f.batch().rows();
        int step = Math.max(1, (rows.size() + FRESHNESS_SAMPLES - 1) / FRESHNESS_SAMPLES);
        for (int i = 0; i < rows.size(); i += step) {
            metrics.freshness(buf.table, insertedAt - rows.get(i).timestampMs());
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("batch {}: {} rows inserted, {} dead-lettered, committed", f.batch().id(), outcome.inserted(),
                    outcome.deadLettered());
        }
    }

    /** Puts the rows of a failed batch back in front of what was buffered since (they have lower offsets). */
    private void requeue(TableBuffer buf, Batch batch) {
        Map<TopicPartition, ArrayDeque<Row>> failed = new LinkedHashMap<>();
        for (Row r : batch.rows()) {
            failed.computeIfAbsent(r.partition(), p -> new ArrayDeque<>()).addLast(r);
        }
        for (Map.Entry<TopicPartition, ArrayDeque<Row>> e : failed.entrySet()) {
            if (!tableOf.containsKey(e.getKey())) {
                continue; // dropped meanwhile: the next owner re-reads it
            }
            ArrayDeque<Row> current = buf.partitions.computeIfAbsent(e.getKey(), p -> new ArrayDeque<>());
            for (Iterator<Row> it = e.getValue().descendingIterator(); it.hasNext();) {
                Row r = it.next();
                current.addFirst(r);
                buf.rows++;
                buf.bytes += r.size();
                buf.footprint += r.footprint();
                footprint += r.footprint();
            }
        }
        buf.oldestAtMs = Math.min(buf.oldestAtMs, clock.getAsLong() - limits.interval().toMillis());
    }

    private static boolean touches(Batch batch, Collection<TopicPartition> partitions) {
        for (Row r : batch.rows()) {
            if (partitions.contains(r.partition())) {
                return true;
            }
        }
        return false;
    }

    private static void await(InFlight f) throws InterruptedException {
        try {
            f.result().get();
        } catch (ExecutionException e) {
            // reported by complete()
        }
    }
}
