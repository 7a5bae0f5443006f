package io.kzpipe.processor.errors;

/**
 * Thrown by the mappers when an event cannot be interpreted at all; the processor sends the raw record to
 * the dead-letter topic with {@link #reason()} and {@link #detail()}. No stack trace: this is control flow
 * for bad input, not a bug.
 */
public final class DeadLetterException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final DeadLetterReason reason;

    public DeadLetterException(DeadLetterReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public DeadLetterReason reason() {
        return reason;
    }

    /** Human-readable detail; names fields, never contains a secret. */
    public String detail() {
        return getMessage();
    }
}
