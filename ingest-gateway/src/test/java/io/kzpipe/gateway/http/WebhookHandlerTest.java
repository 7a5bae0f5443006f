package io.kzpipe.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.kzpipe.gateway.FakeReadiness;
import io.kzpipe.gateway.Fixtures;
import io.kzpipe.gateway.GatewayApp;
import io.kzpipe.gateway.config.GatewayConfig;
import io.kzpipe.gateway.kafka.KafkaEventPublisher;
import io.kzpipe.model.ops.ManagementServer.Health;
import io.kzpipe.model.ops.ServiceMetrics;
import io.kzpipe.model.topic.Headers;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The webhook over real HTTP (javalin-testtools), publishing to a MockProducer. */
class WebhookHandlerTest {

    static final String TOKEN = "tok-3f9b6c2e";
    static final String PATH = "/webhooks/kaizala";
    static final long NOW = 1_763_946_000_123L;
    static final ObjectMapper JSON = new ObjectMapper();

    private MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
            new ByteArraySerializer());
    private final FakeReadiness readiness = new FakeReadiness();
    private final PrometheusMeterRegistry registry = ServiceMetrics.newRegistry("ingest-gateway-test");
    private final java.net.http.HttpClient async = java.net.http.HttpClient.newHttpClient();

    private GatewayApp app(String... env) {
        Map<String, String> map = new HashMap<>(Map.of("KAIZALA_CALLBACK_TOKENS", TOKEN + ",older-token",
                "GATEWAY_MAX_BODY_BYTES", "4096", "GATEWAY_PUBLISH_TIMEOUT", "300ms", "GATEWAY_SHUTDOWN_TIMEOUT", "0s", "GATEWAY_RETRY_AFTER_SECONDS", "7"));
        for (int i = 0; i < env.length; i += 2) {
            map.put(env[i], env[i + 1]);
        }
        GatewayConfig config = GatewayConfig.fromEnv(map);
        return new GatewayApp(config, new KafkaEventPublisher(producer, registry), readiness, registry,
                Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
    }

    private void test(GatewayApp app, io.javalin.testtools.TestCase testCase) {
        JavalinTest.test(app.http(), testCase);
    }

    private static io.javalin.testtools.Response post(HttpClient client, String path, byte[] body, String token) {
        return client.request(path, b -> {
            b.post(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/json");
            if (token != null) {
                b.header("kz-callback-token", token);
            }
        });
    }

    private static JsonNode json(io.javalin.testtools.Response r) throws IOException {
        return JSON.readTree(r.body().string());
    }

    private static String header(ProducerRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String requestId(io.javalin.testtools.Response r) {
        return r.headers().get("X-Request-Id").get(0);
    }

    private double count(String outcome) {
        return registry.get("kz.gateway.requests").tag("outcome", outcome).counter().count();
    }

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
        ch.qos.logback.classic.Logger gatewayLog =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.kzpipe.gateway");
        ch.qos.logback.classic.Level level = gatewayLog.getLevel();
        gatewayLog.setLevel(ch.qos.logback.classic.Level.DEBUG);
        try {
            assert401s(app);
        } finally {
            gatewayLog.setLevel(level);
        }
        String logs = String.valueOf(app.http().unsafe.appDataManager.get(io.javalin.testtools.TestTool.TestLogsKey));
        assertThat(logs).contains("missing or invalid callback token").doesNotContain(TOKEN.substring(1), "older-token");
    }

    private void assert401s(GatewayApp app) {
        test(app, (server, client) -> {
            byte[] body = Fixtures.bytes(Fixtures.SURVEY_RESPONSE);
            for (String token : new String[] {null, "", "wrong", TOKEN + "x", TOKEN.substring(1)}) {
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
        test(app("KAIZALA_CALLBACK_TOKENS", "", "GATEWAY_ALLOW_UNAUTHENTICATED", "true"), (server, client) ->
                assertThat(post(client, PATH, Fixtures.bytes(Fixtures.TEXT_MESSAGE), null).code()).isEqualTo(200));
        assertThat(producer.history()).hasSize(1);
    }

    @Test
    void aValidEventGoesToTheRawTopicWithExactBytesKeyTimestampAndHeaders() {
        byte[] body = Fixtures.bytes(Fixtures.SURVEY_RESPONSE);
        test(app(), (server, client) -> {
            var r = client.request(PATH, b -> b.post(HttpRequest.BodyPublishers.ofByteArray(body))
                    .header("Content-Type", "Application/JSON; Charset=UTF-8").header("kz-callback-token", TOKEN));
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).isEqualTo("{\"status\":\"accepted\",\"eventId\":\"" + Fixtures.SURVEY_EVENT_ID + "\"}");
            assertThat(r.headers().get("Content-Type").get(0)).startsWith("application/json");
            ProducerRecord<String, byte[]> record = producer.history().get(0);
            assertThat(record.topic()).isEqualTo("kaizala.raw");
            assertThat(record.key()).isEqualTo(Fixtures.SURVEY_RESPONSE_ID);
            assertThat(record.value()).isEqualTo(body);
            assertThat(record.timestamp()).isEqualTo(NOW);
            assertThat(header(record, Headers.RECEIVED_AT)).isEqualTo(Long.toString(NOW));
            assertThat(header(record, Headers.REQUEST_ID)).isEqualTo(requestId(r));
            assertThat(header(record, Headers.CONTENT_TYPE)).isEqualTo("Application/JSON; Charset=UTF-8");
            assertThat(header(record, Headers.DLQ_REASON)).isNull();
        });
        assertThat(count("accepted")).isEqualTo(1);
    }

    @Test
    void anEventWithoutResponseIdIsKeyedByEventId() {
        test(app(), (server, client) ->
                assertThat(post(client, PATH, Fixtures.bytes(Fixtures.TEXT_MESSAGE), TOKEN).code()).isEqualTo(200));
        assertThat(producer.history().get(0).key()).isEqualTo(Fixtures.TEXT_EVENT_ID);
    }

    @Test
    void theAnswerWaitsForKafkasAcknowledgement() {
        producer = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
        test(app("GATEWAY_PUBLISH_TIMEOUT", "10s"), (server, client) -> {
            CompletableFuture<HttpResponse<String>> pending = postAsync(client, Fixtures.bytes(Fixtures.SURVEY_RESPONSE));
            await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 1);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !pending.isDone());
            producer.completeNext();
            assertThat(pending.get().statusCode()).isEqualTo(200);
        });
    }

    @Test
    void aFailedSendIs503WithRetryAfter() {
        producer = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
        test(app(), (server, client) -> {
            CompletableFuture<HttpResponse<String>> pending = postAsync(client, Fixtures.bytes(Fixtures.SURVEY_RESPONSE));
            await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 1);
            producer.errorNext(new TimeoutException("Expiring 1 record(s): 2000 ms has passed since batch creation"));
            HttpResponse<String> r = pending.get();
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).hasValue("7");
            assertThat(r.headers().firstValue("X-Request-Id")).isPresent();
            assertThat(JSON.readTree(r.body()).get("code").asText()).isEqualTo("unavailable");
        });
        assertThat(count("unavailable")).isEqualTo(1);
    }

    @Test
    void aSendThatCannotStartIs503() {
        producer.sendException = new TimeoutException("Topic kaizala.raw not present in metadata after 0 ms.");
        test(app(), (server, client) -> {
            var r = post(client, PATH, Fixtures.bytes(Fixtures.SURVEY_RESPONSE), TOKEN);
            assertThat(r.code()).isEqualTo(503);
            assertThat(r.headers().get("Retry-After")).containsExactly("7");
        });
    }

    @Test
    void aRecordKafkaRefusesAsTooLargeIs413() {
        producer = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
        test(app(), (server, client) -> {
            CompletableFuture<HttpResponse<String>> pending = postAsync(client, Fixtures.bytes(Fixtures.SURVEY_RESPONSE));
            await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 1);
            producer.errorNext(new RecordTooLargeException("The request included a message larger than the max message size"));
            assertThat(pending.get().statusCode()).isEqualTo(413);
        });
        assertThat(count("too_large")).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "empty_body     | ''",
        "invalid_json   | {\"eventId\": nope}",
        "truncated_json | {\"eventId\":\"e1\",\"data\":{",
        "not_an_object  | [1,2,3]",
        "too_deep       | {\"eventId\":\"e1\",\"eventType\":\"t\",\"objectId\":\"o\",\"objectType\":\"G\",\"data\":{\"a\":[[[[[[[[[[1]]]]]]]]]]}}",
        "missing_field  | {\"eventType\":\"t\",\"objectId\":\"o\",\"objectType\":\"G\",\"data\":{}}",
        "invalid_field  | {\"eventId\":\"\",\"eventType\":\"t\",\"objectId\":\"o\",\"objectType\":\"G\",\"data\":{}}"})
    void aMalformedBodyIsDeadLetteredWithItsExactBytesAndAnswered200(String reason, String body) {
        deadLetters(reason, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void invalidUtf8IsDeadLetteredWithItsExactBytes() {
        deadLetters("invalid_utf8", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
    }

    private void deadLetters(String reason, byte[] body) {
        test(app("GATEWAY_MAX_JSON_DEPTH", "8"), (server, client) -> {
            var r = client.request(PATH, b -> b.post(HttpRequest.BodyPublishers.ofByteArray(body))
                    .header("Content-Type", "text/plain").header("kz-callback-token", TOKEN));
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).isEqualTo("{\"status\":\"dead-lettered\",\"reason\":\"" + reason + "\"}");
            ProducerRecord<String, byte[]> record = producer.history().get(0);
            assertThat(record.topic()).isEqualTo("kaizala.dlq.gateway");
            assertThat(record.key()).isEqualTo(requestId(r));
            assertThat(record.value()).isEqualTo(body);
            assertThat(record.timestamp()).isEqualTo(NOW);
            assertThat(header(record, Headers.DLQ_STAGE)).isEqualTo("gateway");
            assertThat(header(record, Headers.DLQ_REASON)).isEqualTo(reason);
            assertThat(header(record, Headers.DLQ_DETAIL)).isNotBlank();
            assertThat(header(record, Headers.REQUEST_ID)).isEqualTo(requestId(r));
            assertThat(header(record, Headers.RECEIVED_AT)).isEqualTo(Long.toString(NOW));
            assertThat(header(record, Headers.CONTENT_TYPE)).isEqualTo("text/plain");
        });
        assertThat(registry.get("kz.gateway.dead.letters").tag("reason", reason).counter().count()).isEqualTo(1);
        assertThat(count("dead_lettered")).isEqualTo(1);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "400 | invalid_json  | {oops}",
        "400 | empty_body    | ' '",
        "422 | not_an_object | \"just a string\"",
        "422 | missing_field | {\"eventId\":\"e1\"}"})
    void strictModeRefusesMalformedBodiesAndPublishesNothing(int status, String code, String body) {
        test(app("GATEWAY_STRICT_MODE", "true"), (server, client) -> {
            var r = post(client, PATH, body.getBytes(StandardCharsets.UTF_8), TOKEN);
            assertThat(r.code()).isEqualTo(status);
            JsonNode error = json(r);
            assertThat(error.get("code").asText()).isEqualTo(code);
            assertThat(error.get("details").get(0).asText()).isNotBlank();
            assertThat(post(client, PATH, Fixtures.bytes(Fixtures.TEXT_MESSAGE), TOKEN).code()).isEqualTo(200);
        });
        assertThat(producer.history()).hasSize(1).allSatisfy(rec -> assertThat(rec.topic()).isEqualTo("kaizala.raw"));
        assertThat(count("bad_request")).isEqualTo(1);
    }

    @Test
    void aDeclaredLengthOverTheLimitIs413BeforeAnyBodyIsSent() {
        test(app(), (server, client) -> {
            String response = raw(server.port(), "POST " + PATH + " HTTP/1.1\r\nHost: x\r\nkz-callback-token: " + TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: 5000000\r\n\r\n");
            assertThat(response).startsWith("HTTP/1.1 413").contains("\"code\":\"too_large\"").containsIgnoringCase("X-Request-Id");
        });
        assertThat(producer.history()).isEmpty();
        assertThat(count("too_large")).isEqualTo(1);
    }

    @Test
    void aChunkedBodyOverTheLimitIs413AfterReadingOnlyUpToTheLimit() {
        test(app(), (server, client) -> {
            StringBuilder request = new StringBuilder("POST " + PATH + " HTTP/1.1\r\nHost: x\r\nkz-callback-token: "
                    + TOKEN + "\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < 3; i++) {
                request.append("7d0\r\n").append("x".repeat(2000)).append("\r\n");
            }
            request.append("0\r\n\r\n");
            assertThat(raw(server.port(), request.toString())).startsWith("HTTP/1.1 413");
        });
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void aChunkedBodyWithinTheLimitIsPublishedExactly() {
        byte[] body = Fixtures.bytes(Fixtures.SURVEY_RESPONSE);
        test(app(), (server, client) -> {
            var r = client.request(PATH, b -> b.post(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                    .header("kz-callback-token", TOKEN));
            assertThat(r.code()).isEqualTo(200);
        });
        assertThat(producer.history().get(0).value()).isEqualTo(body);
        assertThat(producer.history().get(0).headers().lastHeader(Headers.CONTENT_TYPE)).isNull();
    }

    @Test
    void aBodyExactlyAtTheLimitIsAccepted() {
        byte[] body = Fixtures.text(Fixtures.TEXT_MESSAGE).trim().concat(" ".repeat(4096)).substring(0, 4096)
                .getBytes(StandardCharsets.UTF_8);
        test(app(), (server, client) -> assertThat(post(client, PATH, body, TOKEN).code()).isEqualTo(200));
        assertThat(producer.history().get(0).value()).hasSize(4096);
    }

    @Test
    void healthAndMetricsShareThePort() {
        test(app(), (server, client) -> {
            assertThat(client.get("/health/live").code()).isEqualTo(200);
            assertThat(client.get("/health/ready").code()).isEqualTo(200);
            readiness.health = new Health(false, "KAFKA_UNREACHABLE");
            var notReady = client.get("/health/ready");
            assertThat(notReady.code()).isEqualTo(503);
            assertThat(notReady.body().string()).isEqualTo("{\"status\":\"DOWN\",\"state\":\"KAFKA_UNREACHABLE\"}");
            assertThat(client.get("/health/live").code()).isEqualTo(200);
            post(client, PATH, Fixtures.bytes(Fixtures.SURVEY_RESPONSE), TOKEN);
            String metrics = client.get("/metrics").body().string();
            assertThat(metrics).contains("kz_gateway_requests_total{", "outcome=\"accepted\"",
                    "kz_gateway_request_duration_seconds_bucket", "kz_gateway_publish_duration_seconds_bucket",
                    "kz_gateway_request_body_bytes_bucket", "kz_gateway_ready", "jvm_memory_used_bytes");
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

    private CompletableFuture<HttpResponse<String>> postAsync(HttpClient client, byte[] body) {
        return async.sendAsync(HttpRequest.newBuilder(URI.create(client.getOrigin() + PATH))
                .header("kz-callback-token", TOKEN).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
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
