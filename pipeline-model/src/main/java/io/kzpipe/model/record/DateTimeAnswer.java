package io.kzpipe.model.record;

/** A DateTime or Date answer as epoch milliseconds (UTC). */
public record DateTimeAnswer(int schemaVersion, String rowId, String eventId, String responseId, long version,
        String actionId, String groupId, int questionIndex, String questionTitle, String questionType,
        long receivedAtMs, long valueMs) implements TypedRecord {

    /** The single value of the answer {@code k} (row id ordinal 0). */
    public static DateTimeAnswer of(AnswerKey k, long valueMs) {
        return new DateTimeAnswer(SCHEMA_VERSION, k.rowId(0), k.eventId(), k.responseId(), k.version(), k.actionId(),
                k.groupId(), k.questionIndex(), k.questionTitle(), k.questionType(), k.receivedAtMs(), valueMs);
    }
}
