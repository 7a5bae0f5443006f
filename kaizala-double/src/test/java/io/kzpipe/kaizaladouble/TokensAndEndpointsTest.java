package io.kzpipe.kaizaladouble;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TokensAndEndpointsTest {

    private static final String GROUP = "g-tokens";
    private static final Duration TTL = Duration.ofMinutes(10);

    private final TestClock clock = new TestClock(Instant.parse("2026-06-01T00:00:00Z"));
    private KaizalaDouble d;
    private Client client;

    @BeforeEach
    void start() {
        d = KaizalaDouble.start(DoubleSettings.defaults().withAccessTokenTtl(TTL).withClock(clock));
        d.seed(GroupSeed.of(GROUP, 3, 2, Instant.parse("2026-05-01T00:00:00Z"), Instant.parse("2026-05-02T00:00:00Z"),
                7));
        client = new Client(d);
    }

    @AfterEach
    void stop() {
        d.close();
    }

    @Test
    void tokenCallAnswersTheDocumentedFieldsAndTheTokenOpensDataCalls() {
        Client.Answer a = client.token(DoubleSettings.DEMO_APPLICATION_ID, DoubleSettings.DEMO_APPLICATION_SECRET,
                DoubleSettings.DEMO_REFRESH_TOKEN);

        assertThat(a.status()).isEqualTo(200);
        JsonNode body = a.json();
        assertThat(body.get("accessToken").asText()).isNotBlank();
        assertThat(body.get("endpointUrl").asText()).isEqualTo(d.url() + "/ep/e1");
        assertThat(body.get("accessTokenExpiry").asLong()).isEqualTo(clock.millis() + TTL.toMillis());
        assertThat(body.get("refreshToken").isNull()).isTrue();
        assertThat(body.get("scope").asText()).contains("action.read");
        assertThat(client.get("/v1/groups/" + GROUP + "/actions", body.get("accessToken").asText()).status())
                .isEqualTo(200);
    }

    @Test
    void wrongOrMissingCredentialsAnd401OnDataCallsWithoutAValidToken() {
        assertThat(
                client.token(DoubleSettings.DEMO_APPLICATION_ID, "wrong", DoubleSettings.DEMO_REFRESH_TOKEN).status())
                .isEqualTo(401);
        assertThat(
                client.token(DoubleSettings.DEMO_APPLICATION_ID, DoubleSettings.DEMO_APPLICATION_SECRET, null).status())
                .isEqualTo(401);
        assertThat(client.get("/v1/groups/" + GROUP + "/actions", null).status()).isEqualTo(401);
        assertThat(client.get("/v1/groups/" + GROUP + "/actions", "at-made-up").status()).isEqualTo(401);
        assertThat(client.get("/v1/webhook", "at-made-up").status()).isEqualTo(401);
    }

    @Test
    void accessTokensExpireAfterTheirLifetimeOrWhenTold() {
        String token = client.accessToken();
        clock.advance(TTL.minusSeconds(1));
        assertThat(client.get("/v1/groups/" + GROUP + "/actions", token).status()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(1));
        assertThat(client.get("/v1/groups/" + GROUP + "/actions", token).status()).isEqualTo(401);

        String fresh = client.accessToken();
        assertThat(client.get("/v1/groups/" + GROUP + "/actions", fresh).status()).isEqualTo(200);
        d.expireAccessTokens();
        assertThat(client.get("/v1/groups/" + GROUP + "/actions", fresh).status()).isEqualTo(401);
        assertThat(client.get("/v1/groups/" + GROUP + "/actions", client.accessToken()).status()).isEqualTo(200);
    }

    @Test
    void aRotatedRefreshTokenIsReturnedOnceAndTheOldOneStopsWorking() {
        String old = d.refreshToken();
        d.rotateRefreshTokenOnNextCall();

        Client.Answer rotated = client.token(DoubleSettings.DEMO_APPLICATION_ID, DoubleSettings.DEMO_APPLICATION_SECRET,
                old);
        assertThat(rotated.status()).isEqualTo(200);
        String fresh = rotated.json().get("refreshToken").asText();
        assertThat(fresh).isNotBlank().isNotEqualTo(old).isEqualTo(d.refreshToken());
        assertThat(d.refreshTokenRotations()).isEqualTo(1);

        assertThat(
                client.token(DoubleSettings.DEMO_APPLICATION_ID, DoubleSettings.DEMO_APPLICATION_SECRET, old).status())
                .isEqualTo(401);
        Client.Answer next = client.token(DoubleSettings.DEMO_APPLICATION_ID, DoubleSettings.DEMO_APPLICATION_SECRET,
                fresh);
        assertThat(next.status()).isEqualTo(200);
        assertThat(next.json().get("refreshToken").isNull()).isTrue();
    }

    @Test
    void aMovedEndpointAnswers308WithTheSamePathOnTheNewEndpoint() {
        String token = client.accessToken();
        String oldEndpoint = d.endpointUrl();
        String newEndpoint = d.moveEndpoint();
        String path = "/v1/groups/" + GROUP + "/actions?actionType=Survey&count=2";

        Client.Answer moved = client.getUrl(oldEndpoint + path, token);

        assertThat(moved.status()).isEqualTo(308);
        assertThat(moved.header("Location")).isEqualTo(newEndpoint + path);
        assertThat(newEndpoint).isNotEqualTo(oldEndpoint).startsWith(d.url() + "/ep/");
        Client.Answer followed = client.getUrl(moved.header("Location"), token);
        assertThat(followed.status()).isEqualTo(200);
        assertThat(followed.json().get("actions")).hasSize(2);
        assertThat(client.token(DoubleSettings.DEMO_APPLICATION_ID, DoubleSettings.DEMO_APPLICATION_SECRET,
                DoubleSettings.DEMO_REFRESH_TOKEN).json().get("endpointUrl").asText()).isEqualTo(newEndpoint);
        assertThat(client.getUrl(d.url() + "/ep/e9" + path, token).status()).isEqualTo(404);
        assertThat(d.calls()).extracting(Call::status).containsSequence(308, 200);
    }

    @Test
    void slowAnswersWaitTheConfiguredDelay() {
        d.delay(Duration.ofMillis(300));
        long start = System.nanoTime();
        assertThat(client.token(DoubleSettings.DEMO_APPLICATION_ID, DoubleSettings.DEMO_APPLICATION_SECRET,
                DoubleSettings.DEMO_REFRESH_TOKEN).status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }
}
