package io.kzpipe.model.record;

/** A finite Numeric answer. */
public record NumericAnswer(
        int schemaVersion,
        String rowId,
        String eventId,
        String responseId,
        long version,
        String actionId,
        String groupId,
        int questionIndex,
        String questionTitle,
        String questionType,
        long receivedAtMs,
        double value) implements TypedRecord {
}
