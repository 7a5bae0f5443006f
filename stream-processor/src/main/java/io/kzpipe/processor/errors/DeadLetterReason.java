package io.kzpipe.processor.errors;

import java.util.Locale;

/**
 * Why the processor dead-lettered a raw record (header {@code kz-dlq-reason}, column
 * {@code dead_letters.reason}). The codes are part of the contract in {@code docs/DESIGN.md}.
 */
public enum DeadLetterReason {
    /** The value is not parseable JSON (empty, truncated, invalid UTF-8, trailing garbage, too deep). */
    INVALID_JSON,
    /** The JSON root is not an object. */
    NOT_AN_OBJECT,
    /** {@code eventId} is missing, not a string, or blank. */
    MISSING_EVENT_ID,
    /** {@code data} is present but not an object. */
    DATA_NOT_OBJECT,
    /** Question definitions or answers are present but not an array of objects. */
    QUESTIONS_NOT_ARRAY,
    /** A response event (ActionResponse, SurveyResponse, JobResponse) without {@code data.responseId}. */
    MISSING_RESPONSE_ID,
    /** A typed record of the event would exceed the configured maximum record size. */
    RECORD_TOO_LARGE,
    /** Mapping failed unexpectedly (a bug or an unforeseen shape); the stream continues. */
    PROCESSING_ERROR;

    /** The wire code, e.g. {@code invalid_json}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
