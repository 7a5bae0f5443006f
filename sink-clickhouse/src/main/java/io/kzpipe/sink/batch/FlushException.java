package io.kzpipe.sink.batch;

import io.kzpipe.sink.row.Batch;

/** A batch could not be delivered; it stays buffered and uncommitted. The cause is the writer's failure. */
public final class FlushException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String table;
    private final String batchId;
    private final int rows;

    public FlushException(Batch batch, RuntimeException cause) {
        super("insert of batch " + batch.id() + " (" + batch.size() + " rows) failed: " + cause.getMessage(), cause);
        this.table = batch.table();
        this.batchId = batch.id();
        this.rows = batch.size();
    }

    public String table() {
        return table;
    }

    public String batchId() {
        return batchId;
    }

    public int rows() {
        return rows;
    }
}
