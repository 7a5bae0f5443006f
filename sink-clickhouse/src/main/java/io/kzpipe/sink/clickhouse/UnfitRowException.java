package io.kzpipe.sink.clickhouse;

/**
 * A record that cannot become a row of its table: not one JSON object, a value that does not fit its
 * column, a required column missing. Carries the dead-letter reason code (docs/DESIGN.md) and a detail
 * naming the column. Cheap: no stack trace.
 */
final class UnfitRowException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String reason;

    UnfitRowException(String reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    /** Dead-letter reason code, e.g. {@code invalid_value}. */
    public String reason() {
        return reason;
    }

    /** Human-readable detail (never the record's content beyond a short excerpt). */
    public String detail() {
        return getMessage();
    }
}
