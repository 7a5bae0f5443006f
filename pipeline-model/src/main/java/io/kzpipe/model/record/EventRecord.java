package io.kzpipe.model.record;

/**
 * One per accepted (non-duplicate) webhook delivery, whatever its event type, unknown types included.
 * {@code groupId}/{@code actionId}/{@code responseId} are empty when the event does not carry them.
 * {@code rawJson} is the delivery body as received.
 */
public record EventRecord(int schemaVersion, String rowId, String eventId, String eventType, String objectId,
        String objectType, String groupId, String actionId, String responseId, String fromUser, String fromUserId,
        String fromUserName, String fromUserProfilePic, String context, String subscriptionId, long receivedAtMs,
        String rawJson) implements TypedRecord {}
