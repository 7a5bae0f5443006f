package io.kzpipe.puller.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kzpipe.model.json.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The Kaizala endpoints the puller and the subscription commands use (docs/KAIZALA-API.md), over {@link ApiClient}.
 * The {@code endpoint} tag of each call's metric is given per method. Thread-safe.
 */
public final class KaizalaApi {

    /** Page size the API uses when none is asked for. */
    public static final int DEFAULT_PAGE_SIZE = 30;

    private final ApiClient client;

    public KaizalaApi(ApiClient client) {
        this.client = client;
    }

    public ApiClient client() {
        return client;
    }

    /**
     * One page of a group's actions of one type from {@code fromDateMs} on (inclusive), {@code count} at most.
     * {@code fromDate} is sent as epoch milliseconds ({@link #fromDate(long)}).
     */
    public ActionPage actions(String groupId, String actionType, long fromDateMs, int count)
            throws InterruptedException {
        String query = "?actionType=" + enc(actionType) + "&fromDate=" + fromDate(fromDateMs) + "&count=" + count;
        return ActionPage.of(client.call("actions", "GET", group(groupId) + "/actions" + query, null));
    }

    /** One page of the instances of an action package in a group ({@code Id=..&getDetails=true&GroupScope=true}). */
    public ActionPage packageActions(String groupId, String packageId, long fromDateMs, int count)
            throws InterruptedException {
        String query = "?Id=" + enc(packageId) + "&getDetails=true&GroupScope=true&fromDate=" + fromDate(fromDateMs)
                + "&count=" + count;
        return ActionPage.of(client.call("packageActions", "GET", group(groupId) + "/actions" + query, null));
    }

    /** An action with its details and every response ({@code getDetails=true}). */
    public JsonNode actionDetails(String groupId, String actionId) throws InterruptedException {
        return client.call("actionDetails", "GET", group(groupId) + "/actions/" + enc(actionId) + "?getDetails=true",
                null);
    }

    /**
     * Creates a webhook; Kaizala validates {@code callbackUrl} first (the handshake GET, docs/KAIZALA-API.md).
     *
     * @return the new webhook's id
     */
    public String createWebhook(String objectId, String objectType, List<String> eventTypes, String callbackUrl,
            String callbackToken) throws InterruptedException {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("objectId", objectId);
        body.put("objectType", objectType);
        ArrayNode events = body.putArray("eventTypes");
        eventTypes.forEach(events::add);
        body.put("callBackUrl", callbackUrl);
        body.put("callBackToken", callbackToken);
        JsonNode answer = client.call("webhook", "POST", "/v1/webhook", body);
        String id = ActionRef.firstText(answer.get("webhookId"), answer.get("id"));
        if (id == null) {
            throw new ApiException(200, "the webhook was created but the answer names no webhookId");
        }
        return id;
    }

    /** The webhooks of an object ({@code objectType} Group, Action or ActionPackage). */
    public List<Webhook> listWebhooks(String objectId, String objectType) throws InterruptedException {
        JsonNode answer = client.call("webhook", "GET",
                "/v1/webhook?objectId=" + enc(objectId) + "&objectType=" + enc(objectType), null);
        List<Webhook> out = new ArrayList<>();
        for (JsonNode w : answer.isArray() ? answer : answer.path("webhooks")) {
            out.add(Webhook.of(w));
        }
        return out;
    }

    /** Changes a webhook ({@code Active}, {@code eventTypes}, ... any subset of the create fields). */
    public void updateWebhook(String webhookId, ObjectNode fields) throws InterruptedException {
        client.call("webhook", "PUT", "/v1/webhook/" + enc(webhookId), fields);
    }

    public void deleteWebhook(String webhookId) throws InterruptedException {
        client.call("webhook", "DELETE", "/v1/webhook/" + enc(webhookId), null);
    }

    /** The {@code fromDate} parameter of an instant: epoch milliseconds (the docs say only "epoch"). */
    static String fromDate(long epochMs) {
        return Long.toString(Math.max(0, epochMs));
    }

    private static String group(String groupId) {
        return "/v1/groups/" + enc(groupId);
    }

    /** A path segment or query value, percent-encoded (ids may be reverse-DNS strings, docs/KAIZALA-API.md). */
    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
