package io.kzpipe.model.record;

/** One attachment of an Image or AttachmentList answer. */
public record MediaAnswer(int schemaVersion, String rowId, String eventId, String responseId, long version,
        String actionId, String groupId, int questionIndex, String questionTitle, String questionType,
        long receivedAtMs, int mediaIndex, String mediaUrl, String mediaFileName) implements TypedRecord {

    /** The {@code mediaIndex}-th attachment of the answer {@code k} (row id ordinal = media index). */
    public static MediaAnswer of(AnswerKey k, int mediaIndex, String mediaUrl, String mediaFileName) {
        return new MediaAnswer(SCHEMA_VERSION, k.rowId(mediaIndex), k.eventId(), k.responseId(), k.version(),
                k.actionId(), k.groupId(), k.questionIndex(), k.questionTitle(), k.questionType(), k.receivedAtMs(),
                mediaIndex, mediaUrl, mediaFileName);
    }
}
