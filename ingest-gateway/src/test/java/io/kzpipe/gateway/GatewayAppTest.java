package io.kzpipe.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kzpipe.gateway.config.GatewayConfig;
import io.kzpipe.gateway.kafka.KafkaEventPublisher;
import io.kzpipe.model.config.CallbackTokenFile;
import io.kzpipe.model.ops.ManagementServer.Health;
import io.kzpipe.model.ops.ServiceMetrics;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayAppTest {

    private final MockProducer<String, byte[]> producer = new MockProducer<>(false, null, new StringSerializer(),
            new ByteArraySerializer());
    private final FakeReadiness readiness = new FakeReadiness();

    private GatewayApp app() {
        return app("KAIZALA_CALLBACK_TOKENS", "tok");
    }

    private GatewayApp app(String tokenVariable, String tokenValue) {
        var registry = ServiceMetrics.newRegistry("ingest-gateway-test");
        GatewayConfig config = GatewayConfig.fromEnv(Map.of(tokenVariable, tokenValue, "GATEWAY_HOST", "127.0.0.1",
                "GATEWAY_PORT", "0", "GATEWAY_MANAGEMENT_PORT", "0", "GATEWAY_PUBLISH_TIMEOUT", "30s",
                "GATEWAY_SHUTDOWN_TIMEOUT", "20s"));
        return new GatewayApp(config, new KafkaEventPublisher(producer, registry), readiness, registry,
                Clock.systemUTC());
    }

    @Test
    void shutdownTurnsReadinessDownDrainsInFlightRequestsThenClosesTheProducer() throws Exception {
        GatewayApp app = app().start();
        assertThat(readiness.started).isTrue();
        int port = app.port();
        HttpClient client = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<String>> inFlight = client
                .sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/kaizala"))
                        .header("kz-callback-token", "tok")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(Fixtures.bytes(Fixtures.SURVEY_RESPONSE)))
                        .build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 1);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(app::close);
        await().atMost(Duration.ofSeconds(5)).until(() -> !app.health().ready());
        assertThat(app.health().state()).isEqualTo("STOPPING");
        // the management port still answers while the webhook drains, so a load balancer sees the shutdown
        HttpResponse<String> ready = get(client, app.managementPort(), "/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).isEqualTo("{\"status\":\"DOWN\",\"state\":\"STOPPING\",\"checks\":{}}");
        // no new connections while draining
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
                        .isInstanceOf(ConnectException.class));
        await().during(Duration.ofMillis(300))
                .atMost(Duration.ofSeconds(2))
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
    void healthAndMetricsAreOnTheManagementPortInTheShapeOfTheOtherServices() throws Exception {
        readiness.health = new Health(false, "KAFKA_UNREACHABLE", Map.of("kafka", Health.Check.DOWN));
        try (GatewayApp app = app().start()) {
            int management = app.managementPort();
            assertThat(management).isNotEqualTo(app.port());
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> notReady = get(client, management, "/health/ready");
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.body())
                    .isEqualTo("{\"status\":\"DOWN\",\"state\":\"KAFKA_UNREACHABLE\",\"checks\":{\"kafka\":\"DOWN\"}}");
            assertThat(get(client, management, "/metrics").body())
                    .containsPattern("kz_dependency_up\\{dependency=\"kafka\".*} 0\\.0");
            HttpResponse<String> live = get(client, management, "/health/live");
            assertThat(live.statusCode()).as("liveness does not depend on Kafka").isEqualTo(200);
            assertThat(live.body()).isEqualTo("{\"status\":\"UP\",\"state\":\"LIVE\",\"checks\":{}}");

            readiness.health = new Health(true, "KAFKA_REACHABLE", Map.of("kafka", Health.Check.UP));
            HttpResponse<String> ready = get(client, management, "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body())
                    .isEqualTo("{\"status\":\"UP\",\"state\":\"KAFKA_REACHABLE\",\"checks\":{\"kafka\":\"UP\"}}");
            CompletableFuture<HttpResponse<String>> post = client.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/webhooks/kaizala"))
                            .header("kz-callback-token", "tok")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(Fixtures.bytes(Fixtures.SURVEY_RESPONSE)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 1);
            producer.completeNext();
            assertThat(post.get().statusCode()).isEqualTo(200);
            assertThat(get(client, management, "/metrics").body()).contains("kz_gateway_requests_total{",
                    "outcome=\"accepted\"", "kz_gateway_request_duration_seconds_bucket",
                    "kz_gateway_publish_duration_seconds_bucket", "kz_gateway_request_body_bytes_bucket",
                    "kz_gateway_ready", "jvm_memory_used_bytes");
        }
    }

    @Test
    void aTokenAppendedToTheTokensFileIsAcceptedWithinTwoSecondsWithoutARestart(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("callback-tokens"), "# local token\nfirst-token\n");
        try (GatewayApp app = app("KAIZALA_CALLBACK_TOKENS_FILE", file.toString()).start()) {
            HttpClient client = HttpClient.newHttpClient();
            assertThat(postWith(client, app.port(), "first-token").statusCode()).isEqualTo(200);
            assertThat(postWith(client, app.port(), "subscribed-token").statusCode()).isEqualTo(401);

            CallbackTokenFile.append(file, "subscribed-token");
            long appended = System.nanoTime();
            await().atMost(Duration.ofSeconds(2))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> postWith(client, app.port(), "subscribed-token").statusCode() == 200);
            assertThat(Duration.ofNanos(System.nanoTime() - appended)).isLessThan(Duration.ofSeconds(2));

            Files.writeString(file, "subscribed-token\n"); // first-token removed
            await().atMost(Duration.ofSeconds(2))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> postWith(client, app.port(), "first-token").statusCode() == 401);
            assertThat(postWith(client, app.port(), "subscribed-token").statusCode()).isEqualTo(200);
        }
    }

    private HttpResponse<String> postWith(HttpClient client, int port, String token) throws Exception {
        CompletableFuture<HttpResponse<String>> post = client
                .sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/kaizala"))
                        .header("kz-callback-token", token)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(Fixtures.bytes(Fixtures.SURVEY_RESPONSE)))
                        .build(), HttpResponse.BodyHandlers.ofString());
        // the MockProducer completes sends by hand: complete whatever this post published
        while (!post.isDone()) {
            producer.completeNext();
            Thread.sleep(5);
        }
        return post.get();
    }

    private static HttpResponse<String> get(HttpClient client, int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void closingANeverStartedAppIsHarmless() throws IOException {
        app().close();
        assertThat(producer.closed()).isTrue();
    }
}
