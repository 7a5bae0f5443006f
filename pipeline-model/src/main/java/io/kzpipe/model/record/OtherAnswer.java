package io.kzpipe.model.record;

/** An answer of a question type the processor does not type (PhoneNumber, SingleSelectExternal, unknown), kept as its raw JSON. */
public record OtherAnswer(int schemaVersion, String rowId, String eventId, String responseId, long version,
        String actionId, String groupId, int questionIndex, String questionTitle, String questionType,
        long receivedAtMs, String answerJson) implements TypedRecord {

    /** The single value of the answer {@code k} (row id ordinal 0). */
    public static OtherAnswer of(AnswerKey k, String answerJson) {
        return new OtherAnswer(SCHEMA_VERSION, k.rowId(0), k.eventId(), k.responseId(), k.version(), k.actionId(),
                k.groupId(), k.questionIndex(), k.questionTitle(), k.questionType(), k.receivedAtMs(), answerJson);
    }
}
