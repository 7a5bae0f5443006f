package io.kzpipe.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.kzpipe.gateway.FakeReadiness;
import io.kzpipe.gateway.GatewayApp;
import io.kzpipe.gateway.config.GatewayConfig;
import io.kzpipe.gateway.kafka.KafkaEventPublisher;
import io.kzpipe.model.ops.ServiceMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Shared set-up of the webhook tests: the real gateway wiring (GatewayApp) over real HTTP with javalin-testtools,
 * publishing to a MockProducer, a fixed clock and a readiness check the test controls.
 */
abstract class WebhookTestSupport {

    static final String TOKEN = "tok-3f9b6c2e";
    static final String PATH = "/webhooks/kaizala";
    static final long NOW = 1_763_946_000_123L;
    static final ObjectMapper JSON = new ObjectMapper();

    MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
            new ByteArraySerializer());
    final FakeReadiness readiness = new FakeReadiness();
    final PrometheusMeterRegistry registry = ServiceMetrics.newRegistry("ingest-gateway-test");
    final java.net.http.HttpClient async = java.net.http.HttpClient.newHttpClient();

    GatewayApp app(String... env) {
        Map<String, String> map = new HashMap<>(
                Map.of("KAIZALA_CALLBACK_TOKENS", TOKEN + ",older-token", "GATEWAY_MAX_BODY_BYTES", "4096",
                        "GATEWAY_SHUTDOWN_TIMEOUT", "0s", "GATEWAY_RETRY_AFTER_SECONDS", "7"));
        for (int i = 0; i < env.length; i += 2) {
            map.put(env[i], env[i + 1]);
        }
        GatewayConfig config = GatewayConfig.fromEnv(map);
        return new GatewayApp(config, new KafkaEventPublisher(producer, registry), readiness, registry,
                Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
    }

    void test(GatewayApp app, io.javalin.testtools.TestCase testCase) {
        JavalinTest.test(app.http(), testCase);
    }

    static io.javalin.testtools.Response post(HttpClient client, String path, byte[] body, String token) {
        return client.request(path, b -> {
            b.post(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/json");
            if (token != null) {
                b.header("kz-callback-token", token);
            }
        });
    }

    static JsonNode json(io.javalin.testtools.Response r) throws IOException {
        return JSON.readTree(r.body().string());
    }

    static String header(ProducerRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static String requestId(io.javalin.testtools.Response r) {
        return r.headers().get("X-Request-Id").get(0);
    }

    double count(String outcome) {
        return registry.get("kz.gateway.requests").tag("outcome", outcome).counter().count();
    }

    CompletableFuture<HttpResponse<String>> postAsync(HttpClient client, byte[] body) {
        return async.sendAsync(HttpRequest.newBuilder(URI.create(client.getOrigin() + PATH))
                .header("kz-callback-token", TOKEN)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends {@code request} as is over a plain socket and returns everything the server answers. */
    static String raw(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder response = new StringBuilder();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                response.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                if (response.indexOf("\r\n\r\n") > 0 && response.indexOf("}") > 0) {
                    break;
                }
            }
            return response.toString();
        }
    }
}
