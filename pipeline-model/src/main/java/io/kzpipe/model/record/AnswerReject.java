package io.kzpipe.model.record;

/** An answer that could not be typed; {@code reason} is a machine-readable code, {@code detail} says why in words. */
public record AnswerReject(int schemaVersion, String rowId, String eventId, String responseId, long version,
        String actionId, String groupId, int questionIndex, String questionTitle, String questionType,
        long receivedAtMs, String answerJson, String reason, String detail) implements TypedRecord {

    /** The answer {@code k} refused with {@code reason} (row id ordinal 0: a question yields a reject or answers). */
    public static AnswerReject of(AnswerKey k, String answerJson, String reason, String detail) {
        return new AnswerReject(SCHEMA_VERSION, k.rowId(0), k.eventId(), k.responseId(), k.version(), k.actionId(),
                k.groupId(), k.questionIndex(), k.questionTitle(), k.questionType(), k.receivedAtMs(), answerJson,
                reason, detail);
    }
}
