package io.kzpipe.gateway.http.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.kzpipe.gateway.http.DeadLetterReason;

/**
 * The 200 answer to a webhook post: {@code {"status":"accepted","eventId":"…"}} once the event is on the raw
 * topic, or {@code {"status":"dead-lettered","reason":"…"}} once the body is on the dead-letter topic. camelCase as
 * the webhook contract spells it; the absent one of {@code eventId} and {@code reason} is left out.
 *
 * @param status  {@code accepted} or {@code dead-lettered}
 * @param eventId the accepted event's {@code eventId}, else {@code null}
 * @param reason  the dead-letter reason's code, else {@code null}
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WebhookReply(String status, String eventId, String reason) {

    /** {@code {"status":"accepted","eventId":"…"}}. */
    public static WebhookReply accepted(String eventId) {
        return new WebhookReply("accepted", eventId, null);
    }

    /** {@code {"status":"dead-lettered","reason":"…"}}. */
    public static WebhookReply deadLettered(DeadLetterReason reason) {
        return new WebhookReply("dead-lettered", null, reason.code());
    }
}
