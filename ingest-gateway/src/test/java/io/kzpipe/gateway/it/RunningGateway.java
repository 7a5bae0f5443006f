package io.kzpipe.gateway.it;

import static org.awaitility.Awaitility.await;

import io.kzpipe.gateway.GatewayApp;
import io.kzpipe.gateway.config.GatewayConfig;
import io.kzpipe.gateway.kafka.KafkaEventPublisher;
import io.kzpipe.gateway.kafka.KafkaReadiness;
import io.kzpipe.model.ops.ServiceMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.header.Header;

/**
 * The real gateway (as {@code Main} wires it: KafkaProducer, KafkaReadiness, Prometheus registry) running
 * in-process on free ports (webhook and management) against a real broker, with an HTTP client for it.
 */
final class RunningGateway implements AutoCloseable {

    static final String TOKEN = "it-token-5b1e";
    static final String PATH = "/webhooks/kaizala";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    final GatewayConfig config;
    final GatewayApp app;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private RunningGateway(GatewayConfig config) {
        this.config = config;
        PrometheusMeterRegistry registry = ServiceMetrics.newRegistry("ingest-gateway-it");
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config.producerProps());
        KafkaEventPublisher publisher = new KafkaEventPublisher(producer, registry);
        KafkaReadiness readiness = new KafkaReadiness(config.kafka(),
                List.of(config.rawTopic(), config.deadLetterTopic()), config.limits().bodyTopicConfigs(), producer,
                config.kafkaCheckInterval(), config.publishTimeout());
        this.app = new GatewayApp(config, publisher, readiness, registry, Clock.systemUTC()).start();
    }

    /** Starts a gateway on {@code bootstrapServers} with its own topic prefix and the given extra settings. */
    static RunningGateway start(String bootstrapServers, String topicPrefix, String... env) {
        Map<String, String> map = new HashMap<>(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers, "TOPIC_PREFIX",
                topicPrefix, "KAIZALA_CALLBACK_TOKENS", TOKEN, "GATEWAY_HOST", "127.0.0.1", "GATEWAY_PORT", "0",
                "GATEWAY_MANAGEMENT_PORT", "0", "GATEWAY_KAFKA_CHECK_INTERVAL", "500ms", "GATEWAY_SHUTDOWN_TIMEOUT",
                "5s"));
        for (int i = 0; i < env.length; i += 2) {
            map.put(env[i], env[i + 1]);
        }
        return new RunningGateway(GatewayConfig.fromEnv(map));
    }

    RunningGateway awaitReady() {
        await().atMost(Duration.ofSeconds(60)).until(() -> app.health().ready());
        return this;
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + app.port() + pathAndQuery);
    }

    HttpRequest.Builder webhook(byte[] body, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(PATH))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("kz-callback-token", token);
        }
        return b;
    }

    HttpResponse<String> post(byte[] body) {
        return send(webhook(body, TOKEN).build());
    }

    CompletableFuture<HttpResponse<String>> postAsync(byte[] body) {
        return http.sendAsync(webhook(body, TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    /** A GET on the management port ({@code /health/live}, {@code /health/ready}, {@code /metrics}). */
    HttpResponse<String> management(String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.managementPort() + path))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String requestId(HttpResponse<?> response) {
        return response.headers().firstValue("X-Request-Id").orElseThrow();
    }

    static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The {@code eventId} inside a stored record's value. */
    static String eventId(ConsumerRecord<String, byte[]> record) {
        try {
            return JSON.readTree(record.value()).get("eventId").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        app.close();
    }
}
