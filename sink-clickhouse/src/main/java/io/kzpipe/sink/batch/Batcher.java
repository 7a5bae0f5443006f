package io.kzpipe.sink.batch;

import io.kzpipe.sink.SinkMetrics;
import io.kzpipe.sink.config.SinkConfig;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers rows per ClickHouse table and decides when they are inserted and which offsets are committed.
 *
 * <p>Guarantees:
 * <ul>
 *   <li><b>Flush:</b> a table's buffer is delivered when it holds {@code SINK_FLUSH_ROWS} rows or
 *       {@code SINK_FLUSH_BYTES} bytes, or when its oldest row has waited {@code SINK_FLUSH_INTERVAL}.</li>
 *   <li><b>Commit after insert:</b> every partition feeds exactly one table (a topic maps to one table),
 *       so a table's batch holds every buffered row of its partitions. Only after
 *       {@link BatchDelivery#deliver} has put every row of the batch into ClickHouse (its table or
 *       {@code dead_letters}) is the next offset of each of those partitions committed. A crash anywhere
 *       before that means re-delivery, never loss; re-delivered rows collapse by {@code row_id}.</li>
 *   <li><b>Failure:</b> when a delivery throws, the batch stays buffered (nothing is committed) and a
 *       {@link FlushException} naming the batch propagates; the caller backs off and calls
 *       {@link #flushDue} again.</li>
 *   <li><b>Rebalance:</b> {@link #drop} forgets the rows of revoked or lost partitions; their new owner
 *       re-reads them from the last committed offset. Flushed rows were committed already.</li>
 *   <li><b>Stop:</b> {@link #close} logs a WARN with the rows still buffered (not committed, so re-read
 *       on restart).</li>
 * </ul>
 * Not thread-safe: owned by the consumer thread.
 */
public final class Batcher {

    private static final Logger LOG = LoggerFactory.getLogger(Batcher.class);

    /** Commits offsets; failures are the committer's to handle (a lost commit means re-delivery). */
    @FunctionalInterface
    public interface OffsetCommitter {
        void commit(Map<TopicPartition, OffsetAndMetadata> offsets);
    }

    private static final class TableBuffer {
        final Map<TopicPartition, ArrayDeque<Row>> partitions = new LinkedHashMap<>();
        int rows;
        long bytes;
        long oldestAtMs;
    }

    private final SinkConfig.Flush limits;
    private final BatchDelivery delivery;
    private final OffsetCommitter committer;
    private final SinkMetrics metrics;
    private final LongSupplier clock;
    private final Map<String, TableBuffer> tables = new LinkedHashMap<>();
    private final Map<TopicPartition, String> tableOf = new LinkedHashMap<>();
    private long totalRows;

    public Batcher(SinkConfig.Flush limits, BatchDelivery delivery, OffsetCommitter committer, SinkMetrics metrics,
                   LongSupplier clock) {
        this.limits = limits;
        this.delivery = delivery;
        this.committer = committer;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Buffers {@code row} for {@code table}; rows of one partition must arrive in offset order. */
    public void add(String table, Row row) {
        String previous = tableOf.putIfAbsent(row.partition(), table);
        if (previous != null && !previous.equals(table)) {
            throw new IllegalArgumentException(row.partition() + " feeds " + previous + ", not " + table);
        }
        TableBuffer buf = tables.computeIfAbsent(table, t -> new TableBuffer());
        if (buf.rows == 0) {
            buf.oldestAtMs = clock.getAsLong();
        }
        buf.partitions.computeIfAbsent(row.partition(), p -> new ArrayDeque<>()).addLast(row);
        buf.rows++;
        buf.bytes += row.size();
        totalRows++;
    }

    /**
     * Delivers and commits every table that is due ({@code force}: every non-empty table), one table at a
     * time. Stops at the first failing table and rethrows; its rows stay buffered.
     */
    public void flushDue(boolean force) throws InterruptedException {
        long now = clock.getAsLong();
        for (Map.Entry<String, TableBuffer> e : tables.entrySet()) {
            TableBuffer buf = e.getValue();
            if (buf.rows > 0 && (force || isDue(buf, now))) {
                flush(e.getKey(), buf);
            }
        }
        metrics.buffered(totalRows);
    }

    /** Milliseconds until the next table is due by age (0 if one is due now, {@code max} if all are empty). */
    public long msUntilDue(long max) {
        long now = clock.getAsLong();
        long wait = max;
        for (TableBuffer buf : tables.values()) {
            if (buf.rows > 0) {
                if (isDue(buf, now)) {
                    return 0;
                }
                wait = Math.min(wait, buf.oldestAtMs + limits.interval().toMillis() - now);
            }
        }
        return Math.max(0, wait);
    }

    /** Forgets the buffered rows of {@code partitions} (revoked or lost); returns how many were dropped. */
    public int drop(Collection<TopicPartition> partitions) {
        int dropped = 0;
        for (TopicPartition p : partitions) {
            String table = tableOf.remove(p);
            TableBuffer buf = table == null ? null : tables.get(table);
            ArrayDeque<Row> rows = buf == null ? null : buf.partitions.remove(p);
            if (rows != null) {
                for (Row r : rows) {
                    buf.bytes -= r.size();
                }
                buf.rows -= rows.size();
                dropped += rows.size();
            }
        }
        totalRows -= dropped;
        metrics.buffered(totalRows);
        if (dropped > 0) {
            metrics.revokedRows(dropped);
            LOG.info("dropped {} buffered rows of revoked partitions {} (their new owner re-reads them)", dropped, partitions);
        }
        return dropped;
    }

    public long bufferedRows() {
        return totalRows;
    }

    /** Logs what is left unflushed; those rows were not committed and are read again after a restart. */
    public void close() {
        if (totalRows > 0) {
            List<String> left = new ArrayList<>();
            tables.forEach((t, b) -> {
                if (b.rows > 0) {
                    left.add(t + "=" + b.rows);
                }
            });
            LOG.warn("stopping with {} unflushed rows {} (not committed: they are re-read on restart)", totalRows, left);
        }
    }

    private boolean isDue(TableBuffer buf, long now) {
        return buf.rows >= limits.rows() || buf.bytes >= limits.bytes()
                || now - buf.oldestAtMs >= limits.interval().toMillis();
    }

    private void flush(String table, TableBuffer buf) throws InterruptedException {
        List<Row> rows = new ArrayList<>(buf.rows);
        buf.partitions.values().forEach(rows::addAll);
        Batch batch = new Batch(table, rows);
        long start = System.nanoTime();
        BatchDelivery.Outcome outcome;
        try {
            outcome = delivery.deliver(batch);
        } catch (RuntimeException e) {
            throw new FlushException(batch, e);
        }
        long insertedAt = clock.getAsLong();
        committer.commit(batch.offsetsToCommit());
        buf.partitions.clear();
        buf.rows = 0;
        buf.bytes = 0;
        totalRows -= rows.size();
        metrics.batchInserted(table, outcome.inserted());
        for (Row r : rows) {
            metrics.freshness(table, insertedAt - r.timestampMs());
        }
        LOG.debug("batch {}: {} rows inserted, {} dead-lettered, committed in {} ms", batch.id(), outcome.inserted(),
                outcome.deadLettered(), (System.nanoTime() - start) / 1_000_000);
    }
}
