package io.kzpipe.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.gateway.Fixtures;
import io.kzpipe.gateway.GatewayApp;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The handshake, callback-token checks and unknown paths (health and metrics among them: not on this port). */
class WebhookHandshakeAndAuthTest extends WebhookTestSupport {

    @Test
    void handshakeEchoesTheDecodedTokenAsPlainTextWithoutAuthenticationOrPublishing() {
        test(app(), (server, client) -> {
            var get = client.get(PATH + "?validationToken=a%2Bb+c%26d%E2%82%AC");
            assertThat(get.code()).isEqualTo(200);
            assertThat(get.body().string()).isEqualTo("a+b c&d€");
            assertThat(get.headers().get("Content-Type").get(0)).startsWith("text/plain");
            assertThat(get.headers().get("X-Request-Id")).isNotEmpty();

            var post = post(client, PATH + "?validationToken=xyz", Fixtures.bytes(Fixtures.SURVEY_RESPONSE), null);
            assertThat(post.code()).isEqualTo(200);
            assertThat(post.body().string()).isEqualTo("xyz");
        });
        assertThat(producer.history()).isEmpty();
        assertThat(count("handshake")).isEqualTo(2);
    }

    @Test
    void handshakeTokenUpTo1KiBIsEchoedAndLongerIsABadRequest() {
        test(app(), (server, client) -> {
            assertThat(client.get(PATH + "?validationToken=" + "t".repeat(1024)).body().string()).hasSize(1024);
            var tooLong = client.get(PATH + "?validationToken=" + "t".repeat(1025));
            assertThat(tooLong.code()).isEqualTo(400);
            assertThat(json(tooLong).get("code").asText()).isEqualTo("validation_token_too_long");
            // 342 three-byte characters are 1026 bytes: the limit is on UTF-8 bytes, not characters
            assertThat(client.get(PATH + "?validationToken=" + "%E2%82%AC".repeat(342)).code()).isEqualTo(400);
            assertThat(client.get(PATH).code()).isEqualTo(400);
        });
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void missingOrWrongCallbackTokenIs401WithNothingPublishedAndNoTokenLogged() {
        GatewayApp app = app();
        ch.qos.logback.classic.Logger gatewayLog = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger("io.kzpipe.gateway");
        ch.qos.logback.classic.Level level = gatewayLog.getLevel();
        gatewayLog.setLevel(ch.qos.logback.classic.Level.DEBUG);
        try {
            assert401s(app);
        } finally {
            gatewayLog.setLevel(level);
        }
        String logs = String.valueOf(app.http().unsafe.appDataManager.get(io.javalin.testtools.TestTool.TestLogsKey));
        assertThat(logs).contains("missing or invalid callback token")
                .doesNotContain(TOKEN.substring(1), "older-token");
    }

    private void assert401s(GatewayApp app) {
        test(app, (server, client) -> {
            byte[] body = Fixtures.bytes(Fixtures.SURVEY_RESPONSE);
            for (String token : new String[]{null, "", "wrong", TOKEN + "x", TOKEN.substring(1)}) {
                var r = post(client, PATH, body, token);
                assertThat(r.code()).as(String.valueOf(token)).isEqualTo(401);
                JsonNode error = json(r);
                assertThat(error.get("code").asText()).isEqualTo("unauthorized");
                assertThat(error.get("message").asText()).isEqualTo("missing or invalid kz-callback-token header");
                assertThat(error.get("details").isArray()).isTrue();
                assertThat(r.headers().get("X-Request-Id")).isNotEmpty();
                assertThat(r.headers().get("WWW-Authenticate")).isNotEmpty();
            }
            assertThat(post(client, PATH, body, "older-token").code()).isEqualTo(200);
        });
        assertThat(producer.history()).hasSize(1);
        assertThat(count("unauthorized")).isEqualTo(5);
    }

    @Test
    void withoutConfiguredTokensAndTheOptInEveryPostIsAccepted() {
        test(app("KAIZALA_CALLBACK_TOKENS", "", "GATEWAY_ALLOW_UNAUTHENTICATED", "true"),
                (server, client) -> assertThat(post(client, PATH, Fixtures.bytes(Fixtures.TEXT_MESSAGE), null).code())
                        .isEqualTo(200));
        assertThat(producer.history()).hasSize(1);
    }

    @Test
    void healthAndMetricsAreNotOnTheWebhookPort() {
        test(app(), (server, client) -> {
            for (String path : new String[]{"/health/live", "/health/ready", "/metrics"}) {
                var r = client.get(path);
                assertThat(r.code()).as(path).isEqualTo(404);
                assertThat(r.body().string()).as(path).contains("\"code\":\"not_found\"");
            }
        });
    }

    @Test
    void unknownPathsGetTheSameErrorBody() throws IOException {
        test(app(), (server, client) -> {
            var r = client.get("/nope");
            assertThat(r.code()).isEqualTo(404);
            assertThat(json(r).get("code").asText()).isEqualTo("not_found");
            assertThat(r.headers().get("X-Request-Id")).isNotEmpty();
        });
    }
}
