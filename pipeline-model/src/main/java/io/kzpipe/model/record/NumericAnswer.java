package io.kzpipe.model.record;

/** A finite Numeric answer. */
public record NumericAnswer(int schemaVersion, String rowId, String eventId, String responseId, long version,
        String actionId, String groupId, int questionIndex, String questionTitle, String questionType,
        long receivedAtMs, double value) implements TypedRecord {

    /** The single value of the answer {@code k} (row id ordinal 0). */
    public static NumericAnswer of(AnswerKey k, double value) {
        return new NumericAnswer(SCHEMA_VERSION, k.rowId(0), k.eventId(), k.responseId(), k.version(), k.actionId(),
                k.groupId(), k.questionIndex(), k.questionTitle(), k.questionType(), k.receivedAtMs(), value);
    }
}
