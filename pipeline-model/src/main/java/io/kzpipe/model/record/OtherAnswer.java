package io.kzpipe.model.record;

/** An answer of a question type the processor does not type (PhoneNumber, SingleSelectExternal, unknown), kept as its raw JSON. */
public record OtherAnswer(
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
        String answerJson) implements TypedRecord {
}
