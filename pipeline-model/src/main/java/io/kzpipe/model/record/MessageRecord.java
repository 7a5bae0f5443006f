package io.kzpipe.model.record;

import java.util.List;

/**
 * A TextMessageCreated, Announcement or AttachmentCreated event. Fields an event type does not carry are
 * empty. Announcement media under {@code url}/{@code fileName} and AttachmentCreated media under
 * {@code mediaUrl}/{@code mediaFileName} both land in {@code mediaUrls}/{@code mediaFileNames} (same order).
 */
public record MessageRecord(int schemaVersion, String rowId, String eventId, String eventType, String groupId,
        String fromUser, String fromUserName, String text, String title, String caption, String actionType,
        List<String> mediaUrls, List<String> mediaFileNames, long receivedAtMs) implements TypedRecord {}
