package io.kzpipe.model.record;

/** A DateTime or Date answer as epoch milliseconds (UTC). */
public record DateTimeAnswer(
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
        long valueMs) implements TypedRecord {
}
