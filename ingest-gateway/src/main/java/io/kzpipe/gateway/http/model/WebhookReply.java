package io.kzpipe.gateway.http.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The 200 answer to a webhook post: {@code {"status":"accepted","eventId":"…"}} once the event is on the raw
 * topic, or {@code {"status":"dead-lettered","reason":"…"}} once the body is on the dead-letter topic.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WebhookReply(String status, String eventId, String reason) {

    public static WebhookReply accepted(String eventId) {
        return new WebhookReply("accepted", eventId, null);
    }

    public static WebhookReply deadLettered(String reason) {
        return new WebhookReply("dead-lettered", null, reason);
    }
}
