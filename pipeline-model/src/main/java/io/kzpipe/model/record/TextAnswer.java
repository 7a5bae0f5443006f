package io.kzpipe.model.record;

/** A Text or LargeText answer. */
public record TextAnswer(int schemaVersion, String rowId, String eventId, String responseId, long version,
        String actionId, String groupId, int questionIndex, String questionTitle, String questionType,
        long receivedAtMs, String text) implements TypedRecord {

    /** The single value of the answer {@code k} (row id ordinal 0). */
    public static TextAnswer of(AnswerKey k, String text) {
        return new TextAnswer(SCHEMA_VERSION, k.rowId(0), k.eventId(), k.responseId(), k.version(), k.actionId(),
                k.groupId(), k.questionIndex(), k.questionTitle(), k.questionType(), k.receivedAtMs(), text);
    }
}
