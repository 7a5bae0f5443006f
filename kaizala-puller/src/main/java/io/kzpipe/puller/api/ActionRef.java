package io.kzpipe.puller.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One action of an actions list (docs/KAIZALA-API.md), read tolerantly: the id from {@code actionBody.actionId}, else
 * {@code actionId}, {@code referenceId} or {@code id}; the time from {@code sentAt} (ISO) or {@code creationTime}
 * (epoch seconds), whichever is present, in any form {@link Times} reads; the expiry from
 * {@code actionBody.expiryDate} (or {@code dueDate} of a Job).
 *
 * @param actionId   the action's id; {@code null} when the list item names none
 * @param actionType e.g. {@code Survey}, {@code Job}; {@code ""} when absent
 * @param timeMs     when it was sent, epoch ms; {@link #UNKNOWN} when absent or unreadable
 * @param expiryMs   when it stops taking responses, epoch ms; {@link #UNKNOWN} when absent or unreadable
 */
public record ActionRef(String actionId, String actionType, long timeMs, long expiryMs) {

    public static final long UNKNOWN = Long.MIN_VALUE;

    public static ActionRef of(JsonNode item) {
        JsonNode body = item.path("actionBody");
        return new ActionRef(
                firstText(body.get("actionId"), item.get("actionId"), item.get("referenceId"), item.get("id")),
                item.path("actionType").asText(""),
                time(item.get("sentAt"), item.get("creationTime"), item.get("createdAt")),
                time(body.get("expiryDate"), item.get("expiryDate"), body.get("dueDate")));
    }

    /** The first present time of {@code nodes}, or {@link #UNKNOWN}. */
    static long time(JsonNode... nodes) {
        for (JsonNode n : nodes) {
            long t = Times.millis(n, UNKNOWN);
            if (t != UNKNOWN) {
                return t;
            }
        }
        return UNKNOWN;
    }

    static String firstText(JsonNode... nodes) {
        for (JsonNode n : nodes) {
            if (n != null && (n.isTextual() || n.isNumber()) && !n.asText().isBlank()) {
                return n.asText();
            }
        }
        return null;
    }
}
