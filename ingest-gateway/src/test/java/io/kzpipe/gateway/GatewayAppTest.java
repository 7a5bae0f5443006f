package io.kzpipe.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kzpipe.gateway.config.GatewayConfig;
import io.kzpipe.gateway.kafka.KafkaEventPublisher;
import io.kzpipe.model.ops.ServiceMetrics;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class GatewayAppTest {

    private final MockProducer<String, byte[]> producer = new MockProducer<>(false, null, new StringSerializer(),
            new ByteArraySerializer());
    private final FakeReadiness readiness = new FakeReadiness();

    private GatewayApp app() {
        var registry = ServiceMetrics.newRegistry("ingest-gateway-test");
        GatewayConfig config = GatewayConfig.fromEnv(Map.of("KAIZALA_CALLBACK_TOKENS", "tok", "GATEWAY_HOST", "127.0.0.1",
                "GATEWAY_PORT", "0", "GATEWAY_PUBLISH_TIMEOUT", "30s", "GATEWAY_SHUTDOWN_TIMEOUT", "20s"));
        return new GatewayApp(config, new KafkaEventPublisher(producer, registry), readiness, registry, Clock.systemUTC());
    }

    @Test
    void shutdownTurnsReadinessDownDrainsInFlightRequestsThenClosesTheProducer() throws Exception {
        GatewayApp app = app().start();
        assertThat(readiness.started).isTrue();
        int port = app.port();
        HttpClient client = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/kaizala"))
                        .header("kz-callback-token", "tok")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(Fixtures.bytes(Fixtures.SURVEY_RESPONSE))).build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 1);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(app::close);
        await().atMost(Duration.ofSeconds(5)).until(() -> !app.health().ready());
        assertThat(app.health().state()).isEqualTo("STOPPING");
        // no new connections while draining
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> !closing.isDone() && !inFlight.isDone() && !producer.closed());

        producer.completeNext();
        HttpResponse<String> response = inFlight.get();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"status\":\"accepted\"");
        closing.get();
        assertThat(producer.closed()).isTrue();
        assertThat(readiness.closed).isTrue();
        app.close(); // idempotent
    }

    @Test
    void closingANeverStartedAppIsHarmless() throws IOException {
        app().close();
        assertThat(producer.closed()).isTrue();
    }
}
