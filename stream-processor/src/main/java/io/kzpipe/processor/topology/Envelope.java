package io.kzpipe.processor.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kzpipe.processor.errors.DeadLetterException;
import io.kzpipe.processor.errors.DeadLetterReason;

/**
 * The validated envelope of one Kaizala webhook delivery plus the ids derived from it.
 *
 * <p>{@code groupId} is {@code data.groupId}, else {@code objectId} when {@code objectType} is {@code Group};
 * {@code actionId} is {@code data.actionId}, else {@code objectId} when {@code objectType} is {@code Action};
 * {@code data} is an empty object when the delivery has none (GroupAdded/GroupRemoved are undocumented).
 */
record Envelope(ObjectNode root, ObjectNode data, String eventId, String eventType, String objectId, String objectType,
        String groupId, String actionId, String responseId, long receivedAtMs) {

    /**
     * Validates the envelope: {@code eventId} a non-blank string, {@code data} an object when present.
     *
     * @throws DeadLetterException {@code missing_event_id} or {@code data_not_object}
     */
    static Envelope of(ObjectNode root, long receivedAtMs) {
        JsonNode id = root.get("eventId");
        if (id == null || !id.isTextual() || id.textValue().isBlank()) {
            throw new DeadLetterException(DeadLetterReason.MISSING_EVENT_ID,
                    id == null || id.isNull()
                            ? "eventId is missing"
                            : "eventId must be a non-empty string, got " + AnswerMapper.kind(id));
        }
        JsonNode dataNode = root.get("data");
        ObjectNode data;
        if (JsonFields.isAbsent(dataNode)) {
            data = JsonNodeFactory.instance.objectNode();
        } else if (dataNode instanceof ObjectNode d) {
            data = d;
        } else {
            throw new DeadLetterException(DeadLetterReason.DATA_NOT_OBJECT,
                    "data must be an object, got " + AnswerMapper.kind(dataNode));
        }
        String objectId = JsonFields.text(root, "objectId");
        String objectType = JsonFields.text(root, "objectType");
        String groupId = JsonFields.text(data, "groupId");
        if (groupId.isEmpty() && "Group".equals(objectType)) {
            groupId = objectId;
        }
        String actionId = JsonFields.text(data, "actionId");
        if (actionId.isEmpty() && "Action".equals(objectType)) {
            actionId = objectId;
        }
        return new Envelope(root, data, id.textValue(), JsonFields.text(root, "eventType"), objectId, objectType,
                groupId, actionId, JsonFields.text(data, "responseId"), receivedAtMs);
    }

    /** Kafka key of every record of this event: the response id, else the event id (docs/DESIGN.md). */
    String key() {
        return responseId.isEmpty() ? eventId : responseId;
    }

    /** {@code data.actionPackageId}, else {@code objectId} when {@code objectType} is {@code ActionPackage}. */
    String actionPackageId() {
        String id = JsonFields.text(data, "actionPackageId");
        if (id.isEmpty() && "ActionPackage".equals(objectType)) {
            return objectId;
        }
        return id;
    }
}
