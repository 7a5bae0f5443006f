package io.kzpipe.kaizaladouble;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.model.record.KaizalaEventTypes;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Webhook subscriptions: create (after the validation handshake), list, update, delete. The handshake is Kaizala's:
 * a GET to {@code callBackUrl?validationToken=<token>} (URL-encoded) that must answer 200 with exactly the token as
 * its body, {@code text/plain} (or no content type), within the handshake timeout; otherwise the call is refused
 * with 400 and the reason. Thread-safe.
 */
final class Webhooks {

    /** Kaizala's default validity of a subscription. */
    static final Duration DEFAULT_VALIDITY = Duration.ofDays(730);

    private final Map<String, Webhook> byId = new LinkedHashMap<>();
    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock;

    Webhooks(HttpClient http, Duration timeout, Clock clock) {
        this.http = http;
        this.timeout = timeout;
        this.clock = clock;
    }

    /** {@code POST /v1/webhook}: validates the body, performs the handshake, stores the subscription. */
    Webhook create(JsonNode body) {
        String objectId = required(body, "objectId");
        String objectType = required(body, "objectType");
        if (!Webhook.OBJECT_TYPES.contains(objectType)) {
            throw ApiException.badRequest("objectType must be one of " + Webhook.OBJECT_TYPES);
        }
        List<String> events = eventTypes(body.get("eventTypes"));
        String url = required(body, "callBackUrl");
        handshake(url);
        long now = clock.millis();
        Webhook hook = new Webhook(UUID.randomUUID().toString(), objectId, objectType, events, url,
                optional(body, "callBackToken"), optional(body, "callBackContext"), now,
                body.hasNonNull("validity") ? body.get("validity").asLong() : now + DEFAULT_VALIDITY.toMillis(), true);
        synchronized (this) {
            byId.put(hook.id(), hook);
        }
        return hook;
    }

    /**
     * {@code PUT /v1/webhook/{id}}: any subset of the create fields plus {@code Active} (boolean or the string
     * {@code "true"}); a new callBackUrl is validated again.
     */
    Webhook update(String id, JsonNode body) {
        Webhook old = get(id);
        String url = body.hasNonNull("callBackUrl") ? body.get("callBackUrl").asText() : old.callbackUrl();
        if (!url.equals(old.callbackUrl())) {
            handshake(url);
        }
        JsonNode active = body.hasNonNull("Active") ? body.get("Active") : body.get("active");
        Webhook hook = new Webhook(id, body.hasNonNull("objectId") ? body.get("objectId").asText() : old.objectId(),
                body.hasNonNull("objectType") ? body.get("objectType").asText() : old.objectType(),
                body.has("eventTypes") ? eventTypes(body.get("eventTypes")) : old.eventTypes(), url,
                body.has("callBackToken") ? optional(body, "callBackToken") : old.callbackToken(),
                body.has("callBackContext") ? optional(body, "callBackContext") : old.callbackContext(), old.ts(),
                body.hasNonNull("validity") ? body.get("validity").asLong() : old.validity(),
                active == null ? old.active() : Boolean.parseBoolean(active.asText()));
        synchronized (this) {
            byId.put(id, hook);
        }
        return hook;
    }

    synchronized void delete(String id) {
        if (byId.remove(id) == null) {
            throw ApiException.notFound("no webhook " + id);
        }
    }

    synchronized Webhook get(String id) {
        Webhook hook = byId.get(id);
        if (hook == null) {
            throw ApiException.notFound("no webhook " + id);
        }
        return hook;
    }

    /** The subscriptions on {@code objectId} (null = any) of {@code objectType} (null = any), in creation order. */
    synchronized List<Webhook> list(String objectId, String objectType) {
        List<Webhook> out = new ArrayList<>();
        for (Webhook h : byId.values()) {
            if ((objectId == null || objectId.equals(h.objectId()))
                    && (objectType == null || objectType.equals(h.objectType()))) {
                out.add(h);
            }
        }
        return out;
    }

    /** @throws ApiException 400 with the reason when the callback does not echo the token in time */
    void handshake(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("callBackUrl is not a URL: " + e.getMessage());
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
            throw ApiException.badRequest("callBackUrl must be an http(s) URL");
        }
        String token = Tokens.random(18) + "+/=";
        String sep = uri.getRawQuery() == null ? "?" : "&";
        HttpRequest request = HttpRequest
                .newBuilder(
                        URI.create(url + sep + "validationToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
                .timeout(timeout)
                .GET()
                .build();
        HttpResponse<String> answer;
        try {
            answer = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw ApiException.badRequest("callback validation failed: no answer within " + timeout);
        } catch (IOException e) {
            throw ApiException.badRequest("callback validation failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.badRequest("callback validation interrupted");
        }
        String type = answer.headers().firstValue("Content-Type").orElse("text/plain");
        if (answer.statusCode() != 200) {
            throw ApiException.badRequest("callback validation failed: HTTP " + answer.statusCode());
        }
        if (!type.toLowerCase(Locale.ROOT).startsWith("text/plain")) {
            throw ApiException.badRequest("callback validation failed: content type " + type + ", not text/plain");
        }
        if (!token.equals(answer.body())) {
            throw ApiException.badRequest("callback validation failed: the body is not the validationToken");
        }
    }

    private static List<String> eventTypes(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw ApiException.badRequest("eventTypes must be a non-empty array");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : node) {
            if (!KaizalaEventTypes.ALL.contains(e.asText())) {
                throw ApiException.badRequest("unknown event type " + e);
            }
            out.add(e.asText());
        }
        return out;
    }

    private static String required(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw ApiException.badRequest(field + " is required");
        }
        return v.asText();
    }

    private static String optional(JsonNode body, String field) {
        JsonNode v = body.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
