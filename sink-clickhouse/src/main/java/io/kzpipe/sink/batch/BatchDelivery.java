package io.kzpipe.sink.batch;

import io.kzpipe.sink.clickhouse.BatchWriter;
import io.kzpipe.sink.clickhouse.RetryPolicy;
import io.kzpipe.sink.deadletter.DeadLetters;
import io.kzpipe.sink.metrics.SinkMetrics;
import io.kzpipe.sink.row.Batch;
import io.kzpipe.sink.row.RejectedRow;
import io.kzpipe.sink.row.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inserts one batch so that rows ClickHouse refuses do not block their neighbours.
 *
 * <p>Blank rows (no value) are dead-lettered without an insert ({@code empty_record}); rows the writer
 * finds unfit for their table are not sent and are dead-lettered with the writer's reason
 * ({@code invalid_value}, {@code missing_column}, ...; docs/DESIGN.md) while the others load. When ClickHouse
 * rejects the data
 * ({@link RetryPolicy.Kind#DATA}), the batch is split in halves recursively until each refused row stands
 * alone; the other halves load normally and each refused row is written to {@code dead_letters} (stage
 * {@code sink}, reason {@code clickhouse_rejected}, detail = ClickHouse's error). {@link #deliver} returns
 * only when every row is either in its table or in {@code dead_letters}; any other failure is thrown
 * unchanged and the caller retries the whole batch later (rows already inserted by then collapse by
 * {@code row_id}). A dead-letter row that ClickHouse refuses is a bug: that throws
 * {@link IllegalStateException}. Not thread-safe (used by the consumer thread only).
 */
public final class BatchDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(BatchDelivery.class);

    /** What happened to a delivered batch. */
    public record Outcome(int inserted, int deadLettered) {}

    private final BatchWriter writer;
    private final RetryPolicy policy;
    private final SinkMetrics metrics;

    public BatchDelivery(BatchWriter writer, RetryPolicy policy, SinkMetrics metrics) {
        this.writer = writer;
        this.policy = policy;
        this.metrics = metrics;
    }

    /**
     * Puts every row of {@code batch} into its table or into {@code dead_letters}.
     *
     * @throws RuntimeException the writer's failure when it is not a data error (retriable or fatal)
     */
    public Outcome deliver(Batch batch) throws InterruptedException {
        List<Row> loadable = new ArrayList<>(batch.size());
        Map<String, List<Row>> refused = new TreeMap<>();
        for (Row row : batch.rows()) {
            if (row.isBlank()) {
                refuse(refused, DeadLetters.REASON_EMPTY, row,
                        "record has no value; nothing to insert into " + batch.table());
            } else {
                loadable.add(row);
            }
        }
        if (!loadable.isEmpty()) {
            insertIsolating(new Batch(batch.table(), loadable), refused);
        }
        int deadLettered = refused.values().stream().mapToInt(List::size).sum();
        if (deadLettered > 0) {
            List<Row> deadLetters = new ArrayList<>();
            refused.values().forEach(deadLetters::addAll);
            if (DeadLetters.TABLE.equals(batch.table())
                    && deadLettered > refused.getOrDefault(DeadLetters.REASON_EMPTY, List.of()).size()) {
                // a dead_letters row refused by dead_letters: re-wrapping it cannot help
                throw new IllegalStateException(
                        "rows of " + DeadLetters.TABLE + " were refused in " + batch.id() + ": " + refused.keySet());
            }
            try {
                List<RejectedRow> unfit = write(new Batch(DeadLetters.TABLE, deadLetters));
                if (!unfit.isEmpty()) {
                    throw new IllegalStateException("dead letter rows for " + batch.id() + " do not fit "
                            + DeadLetters.TABLE + ": " + unfit.get(0).reason() + ": " + unfit.get(0).detail());
                }
            } catch (RuntimeException e) {
                if (policy.classify(e) == RetryPolicy.Kind.DATA) {
                    throw new IllegalStateException("ClickHouse refused dead letter rows for " + batch.id(), e);
                }
                throw e;
            }
            refused.forEach((reason, rows) -> metrics.deadLettered(batch.table(), reason, rows.size()));
            LOG.warn("batch {}: {} of {} rows written to {} instead", batch.id(), deadLettered, batch.size(),
                    DeadLetters.TABLE);
        }
        return new Outcome(batch.size() - deadLettered, deadLettered);
    }

    private void insertIsolating(Batch batch, Map<String, List<Row>> refused) throws InterruptedException {
        try {
            for (RejectedRow r : write(batch)) {
                LOG.warn("row {}-{}@{} cannot be a row of {}: {}: {}", r.row().partition().topic(),
                        r.row().partition().partition(), r.row().offset(), batch.table(), r.reason(), r.detail());
                refuse(refused, r.reason(), r.row(), r.detail());
            }
        } catch (RuntimeException e) {
            if (policy.classify(e) != RetryPolicy.Kind.DATA) {
                throw e;
            }
            if (batch.size() == 1) {
                Row row = batch.rows().get(0);
                LOG.warn("ClickHouse refused row {}-{}@{} of {}: {}", row.partition().topic(),
                        row.partition().partition(), row.offset(), batch.table(), e.getMessage());
                refuse(refused, DeadLetters.REASON_REJECTED, row, String.valueOf(e.getMessage()));
                return;
            }
            LOG.debug("batch {} ({} rows) refused, splitting: {}", batch.id(), batch.size(), e.getMessage());
            int mid = batch.size() / 2;
            insertIsolating(batch.slice(0, mid), refused);
            insertIsolating(batch.slice(mid, batch.size()), refused);
        }
    }

    private static void refuse(Map<String, List<Row>> refused, String reason, Row row, String detail) {
        refused.computeIfAbsent(reason, r -> new ArrayList<>()).add(DeadLetters.fromRejectedRow(row, reason, detail));
    }

    private List<RejectedRow> write(Batch batch) throws InterruptedException {
        long start = System.nanoTime();
        try {
            List<RejectedRow> rejected = writer.write(batch);
            metrics.insertTimed(batch.table(), "ok", System.nanoTime() - start);
            return rejected;
        } catch (RuntimeException e) {
            metrics.insertTimed(batch.table(), policy.classify(e).name().toLowerCase(Locale.ROOT),
                    System.nanoTime() - start);
            throw e;
        }
    }
}
