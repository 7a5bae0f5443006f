package io.kzpipe.sink.clickhouse;

import io.kzpipe.sink.row.Batch;
import io.kzpipe.sink.row.RejectedRow;
import java.util.List;

/**
 * Inserts a batch into ClickHouse: the one seam between the batching logic and the database (tests use a
 * fake). Implementations must be safe to call again with the same rows: every table collapses duplicates
 * by {@code row_id}.
 */
@FunctionalInterface
public interface BatchWriter {

    /**
     * Inserts every row of {@code batch} into {@code batch.table()} except the rows it returns, which it
     * found unfit for the table before sending them (and did not send); or throws. A failed call may have
     * inserted some rows; {@link RetryPolicy#classify} decides what happens next.
     *
     * @return the rows not inserted because they cannot be rows of the table, in batch order (often empty)
     */
    List<RejectedRow> write(Batch batch) throws InterruptedException;
}
