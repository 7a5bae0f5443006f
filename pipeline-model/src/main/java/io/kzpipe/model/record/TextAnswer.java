package io.kzpipe.model.record;

/** A Text or LargeText answer. */
public record TextAnswer(
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
        String text) implements TypedRecord {
}
