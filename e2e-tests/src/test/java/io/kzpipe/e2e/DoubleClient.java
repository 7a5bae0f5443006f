package io.kzpipe.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.kaizaladouble.DoubleSettings;
import io.kzpipe.kaizaladouble.KaizalaDouble;
import io.kzpipe.model.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The test's own client of the Kaizala double (independent of the puller's): reads what the double holds, to compare
 * with what reached ClickHouse, and creates webhook subscriptions. Its calls appear in the double's call log, so
 * tests count the puller's calls before using it.
 */
final class DoubleClient {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private final KaizalaDouble d;
    private final String accessToken;
    private final String endpoint;

    private DoubleClient(KaizalaDouble d, String accessToken, String endpoint) {
        this.d = d;
        this.accessToken = accessToken;
        this.endpoint = endpoint;
    }

    /** Signs in with the double's current credentials (the demo connector and its current refresh token). */
    static DoubleClient of(KaizalaDouble d) {
        DoubleSettings s = d.settings();
        JsonNode token = json(send(HttpRequest.newBuilder(URI.create(d.url() + "/v1/accessToken"))
                .header("applicationId", s.applicationId())
                .header("applicationSecret", s.applicationSecret())
                .header("refreshToken", d.refreshToken())
                .GET()));
        return new DoubleClient(d, token.get("accessToken").asText(), token.get("endpointUrl").asText());
    }

    /** Every response item of the group in its current version, action by action (detail calls). */
    List<JsonNode> items(String groupId) {
        List<JsonNode> out = new ArrayList<>();
        for (String actionId : d.actionIds(groupId)) {
            JsonNode detail = json(send(HttpRequest
                    .newBuilder(URI
                            .create(endpoint + "/v1/groups/" + groupId + "/actions/" + actionId + "?getDetails=true"))
                    .header("accessToken", accessToken)
                    .GET()));
            detail.path("actionDetails").path("responses").forEach(out::add);
        }
        return out;
    }

    /** Subscribes {@code callbackUrl} to the group's survey responses (the double validates it first). */
    String subscribe(String groupId, String callbackUrl, String callbackToken) {
        String body = Json.MAPPER.createObjectNode()
                .put("objectId", groupId)
                .put("objectType", "Group")
                .put("callBackUrl", callbackUrl)
                .put("callBackToken", callbackToken)
                .set("eventTypes", Json.MAPPER.createArrayNode().add("SurveyResponse").add("ActionResponse"))
                .toString();
        return json(send(HttpRequest.newBuilder(URI.create(endpoint + "/v1/webhook"))
                .header("accessToken", accessToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)))).get("webhookId").asText();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        HttpRequest r = request.timeout(Duration.ofSeconds(30)).build();
        try {
            HttpResponse<String> response = HTTP.send(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        r.method() + " " + r.uri() + " answered " + response.statusCode() + ": " + response.body());
            }
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(r.method() + " " + r.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
