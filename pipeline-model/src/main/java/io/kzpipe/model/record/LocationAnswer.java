package io.kzpipe.model.record;

/** A Location answer within WGS84 ranges. {@code placeName} is empty when absent. */
public record LocationAnswer(int schemaVersion, String rowId, String eventId, String responseId, long version,
        String actionId, String groupId, int questionIndex, String questionTitle, String questionType,
        long receivedAtMs, double latitude, double longitude, String placeName,
        Double accuracy) implements TypedRecord {

    /** The location answer {@code k} (row id ordinal 0). */
    public static LocationAnswer of(AnswerKey k, double latitude, double longitude, String placeName, Double accuracy) {
        return new LocationAnswer(SCHEMA_VERSION, k.rowId(0), k.eventId(), k.responseId(), k.version(), k.actionId(),
                k.groupId(), k.questionIndex(), k.questionTitle(), k.questionType(), k.receivedAtMs(), latitude,
                longitude, placeName, accuracy);
    }
}
