package io.kzpipe.sink.clickhouse;

import java.util.List;

/**
 * Some rows of a batch cannot be encoded for their table (see {@link RowBinaryRowEncoder}); nothing of the
 * batch was sent. The caller dead-letters these rows and inserts the others.
 */
public final class RowsRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Row {@code index} of the batch, and why it does not fit. */
    public record Rejection(int index, String reason) {
    }

    private final transient List<Rejection> rejections;

    public RowsRejectedException(String batchId, List<Rejection> rejections) {
        super(rejections.size() + " rows of " + batchId + " do not fit their columns, e.g. " + rejections.get(0).reason());
        this.rejections = List.copyOf(rejections);
    }

    public List<Rejection> rejections() {
        return rejections;
    }
}
