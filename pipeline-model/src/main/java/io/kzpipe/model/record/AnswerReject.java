package io.kzpipe.model.record;

/** An answer that could not be typed; {@code reason} is a machine-readable code, {@code detail} says why in words. */
public record AnswerReject(
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
        String answerJson, String reason, String detail) implements TypedRecord {
}
