package io.kzpipe.model.record;

/** A Location answer within WGS84 ranges. {@code placeName} is empty when absent. */
public record LocationAnswer(
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
        double latitude, double longitude, String placeName, Double accuracy) implements TypedRecord {
}
