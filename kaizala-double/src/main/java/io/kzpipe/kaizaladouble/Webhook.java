package io.kzpipe.kaizaladouble;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kzpipe.model.config.Secrets;
import java.util.List;
import java.util.Set;

/**
 * A webhook subscription as the double stores it.
 *
 * @param id              the webhookId
 * @param objectId        groupId, actionId or action-package id
 * @param objectType      {@code Group}, {@code Action} or {@code ActionPackage}
 * @param eventTypes      subscribed event types
 * @param callbackUrl     where events are POSTed
 * @param callbackToken   sent back in header {@code kz-callback-token}, or null
 * @param callbackContext echoed as {@code context} in every event, or null
 * @param ts              creation time, epoch ms
 * @param validity        expiry, epoch ms
 * @param active          false once disabled with {@code PUT ... {"Active": false}}
 */
public record Webhook(String id, String objectId, String objectType, List<String> eventTypes, String callbackUrl,
        String callbackToken, String callbackContext, long ts, long validity, boolean active) {

    public static final Set<String> OBJECT_TYPES = Set.of("Group", "Action", "ActionPackage");

    public Webhook {
        eventTypes = List.copyOf(eventTypes);
    }

    /** The callback token masked: a subscription in a log line shows no secret. */
    @Override
    public String toString() {
        return "Webhook[id=" + id + ", objectId=" + objectId + ", objectType=" + objectType + ", eventTypes="
                + eventTypes + ", callbackUrl=" + callbackUrl + ", callbackToken=" + Secrets.mask(callbackToken)
                + ", active=" + active + "]";
    }

    /** True when this subscription receives {@code eventType} of a response in {@code a} at {@code nowMs}. */
    boolean matches(ActionState a, String eventType, long nowMs) {
        boolean object = switch (objectType) {
            case "Group" -> objectId.equals(a.groupId);
            case "Action" -> objectId.equals(a.actionId);
            default -> objectId.equals(a.packageId);
        };
        return active && nowMs < validity && object && eventTypes.contains(eventType);
    }

    /** The entry of {@code GET /v1/webhook} (lower-case {@code b} in callbackUrl/callbackToken, as Kaizala). */
    ObjectNode json() {
        ObjectNode o = JsonNodeFactory.instance.objectNode()
                .put("id", id)
                .put("objectId", objectId)
                .put("objectType", objectType);
        eventTypes.forEach(o.putArray("events")::add);
        o.putArray("filters");
        return o.put("callbackUrl", callbackUrl)
                .put("callbackToken", callbackToken)
                .put("ts", ts)
                .put("validity", validity)
                .put("active", active);
    }
}
