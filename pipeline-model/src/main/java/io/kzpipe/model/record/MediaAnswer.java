package io.kzpipe.model.record;

/** One attachment of an Image or AttachmentList answer. */
public record MediaAnswer(
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
        int mediaIndex, String mediaUrl, String mediaFileName) implements TypedRecord {
}
