package io.kzpipe.kaizaladouble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.model.config.SettingException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The scenario controls over HTTP ({@code /_double/...}) and the standalone settings. */
class ControlRoutesTest {

    private KaizalaDouble d;
    private Client client;

    @BeforeEach
    void start() {
        d = KaizalaDouble.start(DoubleSettings.defaults());
        client = new Client(d);
    }

    @AfterEach
    void stop() {
        d.close();
    }

    @Test
    void seedAddEditAndInspectOverHttp() {
        Client.Answer seeded = client.control("POST", "/_double/seed",
                "{\"groupId\":\"g-demo\",\"actions\":4,\"responsesPerAction\":5,\"seed\":9,"
                        + "\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2026-01-02T00:00:00Z\"}");
        assertThat(seeded.status()).isEqualTo(200);
        assertThat(seeded.json().get("actionIds")).hasSize(4);
        String actionId = seeded.json().get("actionIds").get(0).asText();

        JsonNode added = client.control("POST", "/_double/groups/g-demo/actions/" + actionId + "/responses", null)
                .json();
        String responseId = added.get("responseId").asText();
        assertThat(client.control("POST",
                "/_double/groups/g-demo/actions/" + actionId + "/responses/" + responseId + "/edit", null).status())
                .isEqualTo(200);
        JsonNode group = client.control("GET", "/_double/groups/g-demo", null).json();
        assertThat(group.get("responses").asInt()).isEqualTo(21);
        assertThat(client.control("POST", "/_double/groups/g-demo/actions/nope/responses", null).status())
                .isEqualTo(400);
        assertThat(client.control("POST", "/_double/seed", "{\"actions\":1}").status()).isEqualTo(400);
    }

    @Test
    void tokenEndpointThrottleAndCallControlsOverHttp() {
        String token = client.accessToken();
        assertThat(client.control("POST", "/_double/tokens/expire", null).status()).isEqualTo(200);
        assertThat(client.get("/v1/webhook", token).status()).isEqualTo(401);

        String moved = client.control("POST", "/_double/endpoint/move", null).json().get("endpointUrl").asText();
        assertThat(moved).isEqualTo(d.endpointUrl()).endsWith("/ep/e2");

        assertThat(client.control("POST", "/_double/throttle", "{\"seconds\":5}").status()).isEqualTo(200);
        assertThat(client.get("/v1/webhook", client.accessTokenOrNull()).status()).isEqualTo(429);

        JsonNode calls = client.control("GET", "/_double/calls", null).json();
        assertThat(calls.get("calls")).extracting(c -> c.get("status").asInt()).containsExactly(200, 401, 429, 429);
        assertThat(calls.get("maxCallsInAnyMinute").asInt()).isEqualTo(4);
        assertThat(client.control("DELETE", "/_double/calls", null).status()).isEqualTo(200);
        assertThat(d.calls()).isEmpty();

        assertThat(client.control("POST", "/_double/tokens/rotate", null).status()).isEqualTo(200);
        assertThat(client.control("POST", "/_double/delay", "{\"millis\":0}").status()).isEqualTo(200);
    }

    @Test
    void settingsFromTheEnvironment() {
        DoubleSettings defaults = DoubleSettings.fromEnv(Map.of());
        assertThat(defaults.port()).isEqualTo(8090);
        assertThat(defaults.applicationId()).isEqualTo(DoubleSettings.DEMO_APPLICATION_ID);
        assertThat(defaults.callsPerMinute()).isEqualTo(100);
        assertThat(defaults.accessTokenTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(defaults.toString()).doesNotContain(DoubleSettings.DEMO_APPLICATION_SECRET);

        DoubleSettings set = DoubleSettings.fromEnv(Map.of("KAIZALA_DOUBLE_PORT", "9001",
                "KAIZALA_DOUBLE_APPLICATION_SECRET", "s", "KAIZALA_DOUBLE_ACCESS_TOKEN_TTL", "90s"));
        assertThat(set.port()).isEqualTo(9001);
        assertThat(set.applicationSecret()).isEqualTo("s");
        assertThat(set.accessTokenTtl()).isEqualTo(Duration.ofSeconds(90));

        assertThatThrownBy(() -> DoubleSettings
                .fromEnv(Map.of("KAIZALA_DOUBLE_PORT", "x", "KAIZALA_DOUBLE_CALLS_PER_MINUTE", "-1")))
                .isInstanceOf(SettingException.class)
                .hasMessageContaining("KAIZALA_DOUBLE_PORT")
                .hasMessageContaining("KAIZALA_DOUBLE_CALLS_PER_MINUTE");
    }
}
