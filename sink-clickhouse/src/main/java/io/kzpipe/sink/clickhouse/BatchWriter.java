package io.kzpipe.sink.clickhouse;

import io.kzpipe.sink.batch.Batch;

/**
 * Inserts a batch into ClickHouse: the one seam between the batching logic and the database (tests use a
 * fake). Implementations must be safe to call again with the same rows: every table collapses duplicates
 * by {@code row_id}.
 */
@FunctionalInterface
public interface BatchWriter {

    /**
     * Inserts every row of {@code batch} into {@code batch.table()}, or throws. A failed call may have
     * inserted some rows; {@link RetryPolicy#classify} decides what happens next.
     */
    void write(Batch batch) throws InterruptedException;
}
