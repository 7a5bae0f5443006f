package io.kzpipe.puller.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A webhook as {@code GET /v1/webhook} lists it (docs/KAIZALA-API.md; note the lower-case {@code b} of {@code callbackUrl}).
 * {@link #toString()} masks the callback token.
 *
 * @param validityMs expiry, epoch ms ({@code 0} when absent)
 */
public record Webhook(String id, String objectId, String objectType, List<String> events, String callbackUrl,
        String callbackToken, long validityMs, boolean active) {

    public Webhook {
        events = List.copyOf(events);
    }

    static Webhook of(JsonNode w) {
        List<String> events = new ArrayList<>();
        w.path(w.has("events") ? "events" : "eventTypes").forEach(e -> events.add(e.asText()));
        return new Webhook(ActionRef.firstText(w.get("id"), w.get("webhookId")), w.path("objectId").asText(""),
                w.path("objectType").asText(""), events,
                ActionRef.firstText(w.get("callbackUrl"), w.get("callBackUrl")),
                ActionRef.firstText(w.get("callbackToken"), w.get("callBackToken")),
                Math.max(0, Times.millis(w.get("validity"), 0)), !w.has("active") || w.get("active").asBoolean(true)
                        || "true".equalsIgnoreCase(w.path("active").asText()));
    }

    @Override
    public String toString() {
        return "Webhook[id=" + id + ", objectId=" + objectId + ", objectType=" + objectType + ", events=" + events
                + ", callbackUrl=" + callbackUrl + ", callbackToken=" + Mask.token(callbackToken) + ", active=" + active
                + "]";
    }
}
