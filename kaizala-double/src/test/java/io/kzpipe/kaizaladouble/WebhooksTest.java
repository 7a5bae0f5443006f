package io.kzpipe.kaizaladouble;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.model.json.Json;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhooksTest {

    private static final String GROUP = "3f9b6c2e-8d41-4a57-b1e2-6c0a9d7f4e21";
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofMillis(500);

    private KaizalaDouble d;
    private StubReceiver receiver;
    private Client client;
    private String token;

    @BeforeEach
    void start() throws IOException {
        d = KaizalaDouble.start(DoubleSettings.defaults().withHandshakeTimeout(HANDSHAKE_TIMEOUT));
        d.seed(GroupSeed.of(GROUP, 2, 3, Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-02T00:00:00Z"),
                3));
        receiver = new StubReceiver(HANDSHAKE_TIMEOUT.toMillis() * 4);
        client = new Client(d);
        token = client.accessToken();
    }

    @AfterEach
    void stop() {
        d.close();
        receiver.close();
    }

    private Client.Answer create(String eventTypes) {
        return client.send("POST", "/v1/webhook", token, """
                {"objectId":"%s","objectType":"Group","eventTypes":[%s],"callBackUrl":"%s",
                 "callBackToken":"s3cret-token","callBackContext":"ctx-1"}""".formatted(GROUP, eventTypes,
                receiver.url()));
    }

    @Test
    void createPerformsTheHandshakeAndListPutDeleteManageTheSubscription() {
        Client.Answer created = create("\"SurveyResponse\",\"ActionResponse\"");

        assertThat(created.status()).isEqualTo(200);
        String id = created.json().get("webhookId").asText();
        assertThat(receiver.validationTokens()).hasSize(1);
        assertThat(receiver.validationTokens().get(0)).contains("+", "/"); // travelled URL-encoded

        JsonNode listed = client.get("/v1/webhook?objectId=" + GROUP + "&objectType=Group", token).json();
        JsonNode hook = listed.get("webhooks").get(0);
        assertThat(hook.get("id").asText()).isEqualTo(id);
        assertThat(hook.get("callbackUrl").asText()).isEqualTo(receiver.url());
        assertThat(hook.get("callbackToken").asText()).isEqualTo("s3cret-token");
        assertThat(hook.get("events")).extracting(JsonNode::asText).containsExactly("SurveyResponse", "ActionResponse");
        assertThat(hook.get("active").asBoolean()).isTrue();
        assertThat(hook.get("validity").asLong()).isGreaterThan(hook.get("ts").asLong());
        assertThat(client.get("/v1/webhook?objectId=other&objectType=Group", token).json().get("webhooks")).isEmpty();

        assertThat(client.send("PUT", "/v1/webhook/" + id, token, "{\"Active\":\"false\"}").status()).isEqualTo(200);
        assertThat(d.webhooks().get(0).active()).isFalse();
        assertThat(client.send("DELETE", "/v1/webhook/" + id, token, null).status()).isEqualTo(200);
        assertThat(d.webhooks()).isEmpty();
        assertThat(client.send("DELETE", "/v1/webhook/" + id, token, null).status()).isEqualTo(404);
    }

    @Test
    void aWrongEchoAJsonEchoOrASlowEchoRefusesTheSubscription() {
        receiver.mode(StubReceiver.Mode.WRONG_ECHO);
        Client.Answer wrong = create("\"SurveyResponse\"");
        receiver.mode(StubReceiver.Mode.JSON_ECHO);
        Client.Answer json = create("\"SurveyResponse\"");
        receiver.mode(StubReceiver.Mode.SLOW);
        long start = System.nanoTime();
        Client.Answer slow = create("\"SurveyResponse\"");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.json().get("error").asText()).contains("not the validationToken");
        assertThat(json.status()).isEqualTo(400);
        assertThat(json.json().get("error").asText()).contains("text/plain");
        assertThat(slow.status()).isEqualTo(400);
        assertThat(slow.json().get("error").asText()).contains("no answer within");
        assertThat(took).isLessThan(HANDSHAKE_TIMEOUT.multipliedBy(3));
        assertThat(d.webhooks()).isEmpty();
        assertThat(receiver.validationTokens()).hasSize(3);
    }

    @Test
    void badCreateBodiesAre400WithoutAHandshake() {
        assertThat(create("\"NoSuchEvent\"").status()).isEqualTo(400);
        assertThat(create("").status()).isEqualTo(400);
        assertThat(client.send("POST", "/v1/webhook", token, "{\"objectType\":\"Group\"}").status()).isEqualTo(400);
        assertThat(client.send("POST", "/v1/webhook", token, "not json").status()).isEqualTo(400);
        assertThat(receiver.validationTokens()).isEmpty();
    }

    @Test
    void newAndEditedResponsesArePushedAsTheWebhookEnvelopeWithTheCallbackToken() throws IOException {
        assertThat(create("\"SurveyResponse\"").status()).isEqualTo(200);
        String actionId = d.actionIds(GROUP).get(1);

        String responseId = d.addResponse(GROUP, actionId);
        d.editResponse(GROUP, actionId, responseId);

        assertThat(receiver.posts()).hasSize(2);
        StubReceiver.Received first = receiver.posts().get(0);
        assertThat(first.callbackToken()).isEqualTo("s3cret-token");
        assertThat(first.contentType()).isEqualTo("application/json");
        JsonNode event = Json.MAPPER.readTree(first.body());
        assertThat(event.get("objectId").asText()).isEqualTo(GROUP);
        assertThat(event.get("objectType").asText()).isEqualTo("Group");
        assertThat(event.get("eventType").asText()).isEqualTo("SurveyResponse");
        assertThat(event.get("context").asText()).isEqualTo("ctx-1");
        assertThat(event.get("eventId").asText()).matches("[0-9a-f-]{36}");
        JsonNode data = event.get("data");
        assertThat(data.get("responseId").asText()).isEqualTo(responseId);
        assertThat(data.get("actionId").asText()).isEqualTo(actionId);
        assertThat(data.get("groupId").asText()).isEqualTo(GROUP);
        assertThat(data.get("isUpdateResponse").asBoolean()).isFalse();

        JsonNode edited = Json.MAPPER.readTree(receiver.posts().get(1).body());
        assertThat(edited.get("data").get("responseId").asText()).isEqualTo(responseId);
        assertThat(edited.get("data").get("isUpdateResponse").asBoolean()).isTrue();
        assertThat(edited.get("eventId").asText()).isNotEqualTo(event.get("eventId").asText());
        assertThat(responseTime(edited.get("data"))).isGreaterThan(responseTime(data));
        assertThat(d.responseTime(GROUP, actionId, responseId).toEpochMilli())
                .isEqualTo(responseTime(edited.get("data")));

        // the pulled item of the same version carries the same answers
        JsonNode pulled = client.get("/v1/groups/" + GROUP + "/actions/" + actionId + "?getDetails=true", token)
                .json()
                .get("actionDetails")
                .get("responses")
                .get(3);
        assertThat(pulled.get("responseId").asText()).isEqualTo(responseId);
        assertThat(pulled.get("isUpdateResponse").asBoolean()).isTrue();
        assertThat(pulled.get("responseWithQuestions"))
                .isEqualTo(edited.get("data").get("responseDetails").get("responseWithQuestions"));
        assertThat(d.deliveries()).hasSize(2).allMatch(Delivery::delivered);
    }

    @Test
    void unsubscribedEventTypesAndOtherGroupsAreNotPushed() {
        assertThat(create("\"ActionResponse\"").status()).isEqualTo(200);
        d.addResponse(GROUP, d.actionIds(GROUP).get(0));
        assertThat(receiver.posts()).isEmpty();
        assertThat(d.deliveries()).isEmpty();
    }

    private static long responseTime(JsonNode data) {
        for (JsonNode q : data.get("responseDetails").get("responseWithQuestions")) {
            if ("ResponseTime".equals(q.get("title").asText())) {
                return q.get("answer").asLong();
            }
        }
        throw new AssertionError("no ResponseTime in " + data);
    }
}
