package io.kzpipe.gateway.it;

import static io.kzpipe.gateway.it.RunningGateway.TOKEN;
import static io.kzpipe.gateway.it.RunningGateway.header;
import static io.kzpipe.gateway.it.RunningGateway.requestId;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kzpipe.gateway.Fixtures;
import io.kzpipe.model.topic.PipelineHeaders;
import io.kzpipe.testkit.KafkaExtension;
import io.kzpipe.testkit.TestKafka;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The HTTP contract against a real broker (test kit): what lands on which topic, byte for byte, and what
 * never lands. One gateway for the class, on topics of its own; assertions select records by request id.
 */
@ExtendWith(KafkaExtension.class)
class GatewayIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestKafka kafka;
    private static RunningGateway gateway;

    @BeforeAll
    static void startGateway(TestKafka testKafka) {
        kafka = testKafka;
        gateway = RunningGateway.start(kafka.bootstrapServers(), kafka.uniqueName("gwit") + ".").awaitReady();
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private static List<ConsumerRecord<String, byte[]>> withRequestId(String topic, String requestId) {
        return kafka.readToEnd(topic, WAIT)
                .stream()
                .filter(r -> requestId.equals(header(r, PipelineHeaders.REQUEST_ID)))
                .toList();
    }

    private static void assertNothingPublishedFor(List<String> requestIds) {
        Set<String> ids = Set.copyOf(requestIds);
        for (String topic : List.of(gateway.config.rawTopic(), gateway.config.deadLetterTopic())) {
            assertThat(kafka.readToEnd(topic, WAIT)).as(topic)
                    .noneMatch(r -> ids.contains(header(r, PipelineHeaders.REQUEST_ID)));
        }
    }

    @Test
    void startupCreatedBothTopicsWithRoomForTheLargestBody() {
        assertThat(kafka.topicNames()).contains(gateway.config.rawTopic(), gateway.config.deadLetterTopic());
    }

    @Test
    void handshakeEchoesTheTokenAndPublishesNothing() {
        HttpResponse<String> get = gateway.get("/webhooks/kaizala?validationToken=K%C3%A4izala-42%2F%3D");
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo("Käizala-42/=");
        assertThat(get.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
        HttpResponse<String> post = gateway.send(gateway.webhook(Fixtures.bytes(Fixtures.SURVEY_RESPONSE), null)
                .uri(gateway.uri("/webhooks/kaizala?validationToken=abc"))
                .build());
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.body()).isEqualTo("abc");
        assertThat(gateway.get("/webhooks/kaizala?validationToken=" + "x".repeat(1025)).statusCode()).isEqualTo(400);
        assertNothingPublishedFor(List.of(requestId(get), requestId(post)));
    }

    @Test
    void everyUnauthenticatedPostIs401AndPublishesNothing() throws IOException {
        byte[] body = Fixtures.bytes(Fixtures.SURVEY_RESPONSE);
        List<String> ids = new ArrayList<>();
        for (String token : Arrays.asList(null, "", "wrong-token", TOKEN.toUpperCase(java.util.Locale.ROOT),
                TOKEN + " x")) {
            HttpResponse<String> r = gateway.send(gateway.webhook(body, token).build());
            assertThat(r.statusCode()).as(String.valueOf(token)).isEqualTo(401);
            assertThat(JSON.readTree(r.body()).get("code").asText()).isEqualTo("unauthorized");
            ids.add(requestId(r));
        }
        // also when the body is malformed or too large: authentication comes first
        HttpResponse<String> malformed = gateway
                .send(gateway.webhook("{not json".getBytes(StandardCharsets.UTF_8), "bad").build());
        assertThat(malformed.statusCode()).isEqualTo(401);
        ids.add(requestId(malformed));
        assertNothingPublishedFor(ids);
    }

    @Test
    void oversizedBodiesAre413ByDeclaredLengthAndWhenChunked() throws IOException {
        String declared = raw(gateway.app.port(), "POST /webhooks/kaizala HTTP/1.1\r\nHost: x\r\nkz-callback-token: "
                + TOKEN + "\r\nContent-Length: " + (1024 * 1024 + 1) + "\r\n\r\n");
        assertThat(declared).startsWith("HTTP/1.1 413");
        // chunked: no length up front; the gateway stops reading one byte past the limit
        StringBuilder chunked = new StringBuilder("POST /webhooks/kaizala HTTP/1.1\r\nHost: x\r\nkz-callback-token: "
                + TOKEN + "\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; i < 17; i++) {
            chunked.append("10000\r\n").append("x".repeat(0x10000)).append("\r\n"); // 17 x 64 KiB = 1 MiB + 64 KiB
        }
        String chunkedResponse = raw(gateway.app.port(), chunked.append("0\r\n\r\n").toString());
        assertThat(chunkedResponse).startsWith("HTTP/1.1 413");
        assertNothingPublishedFor(List.of(requestIdOf(declared), requestIdOf(chunkedResponse)));
    }

    @Test
    void anAcceptedEventLandsOnTheRawTopicWithItsExactBytesKeyTimestampAndHeaders() throws IOException {
        String eventId = UUID.randomUUID().toString();
        String responseId = UUID.randomUUID().toString();
        byte[] body = Fixtures.surveyResponse(eventId, responseId);
        long before = System.currentTimeMillis();
        HttpResponse<String> r = gateway.send(
                gateway.webhook(body, TOKEN).setHeader("Content-Type", "application/json; charset=UTF-8").build());
        long after = System.currentTimeMillis();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()))
                .isEqualTo(JSON.readTree("{\"status\":\"accepted\",\"eventId\":\"" + eventId + "\"}"));

        List<ConsumerRecord<String, byte[]>> records = withRequestId(gateway.config.rawTopic(), requestId(r));
        assertThat(records).hasSize(1);
        ConsumerRecord<String, byte[]> record = records.get(0);
        assertThat(record.key()).isEqualTo(responseId);
        assertThat(record.value()).isEqualTo(body);
        assertThat(record.timestamp()).isBetween(before, after);
        assertThat(header(record, PipelineHeaders.RECEIVED_AT)).isEqualTo(Long.toString(record.timestamp()));
        assertThat(header(record, PipelineHeaders.CONTENT_TYPE)).isEqualTo("application/json; charset=UTF-8");
        assertThat(withRequestId(gateway.config.deadLetterTopic(), requestId(r))).isEmpty();
    }

    @Test
    void aBodyOfExactlyTheLimitIsStoredWhole() {
        String eventId = UUID.randomUUID().toString();
        String head = "{\"eventId\":\"" + eventId + "\",\"eventType\":\"TextMessageCreated\",\"objectId\":\"g\","
                + "\"objectType\":\"Group\",\"data\":{\"text\":\"";
        String tail = "\"}}";
        byte[] body = (head + "y".repeat(1024 * 1024 - head.length() - tail.length()) + tail)
                .getBytes(StandardCharsets.UTF_8);
        assertThat(body).hasSize(1024 * 1024);
        HttpResponse<String> r = gateway.post(body);
        assertThat(r.statusCode()).isEqualTo(200);
        List<ConsumerRecord<String, byte[]>> records = withRequestId(gateway.config.rawTopic(), requestId(r));
        assertThat(records).hasSize(1);
        assertThat(records.get(0).value()).isEqualTo(body);
        assertThat(records.get(0).key()).isEqualTo(eventId);
    }

    @Test
    void eachMalformedBodyIsDeadLetteredWithItsExactBytesAndReason() throws IOException {
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        bodies.put("empty_body", new byte[0]);
        bodies.put("invalid_utf8",
                new byte[]{'{', '"', 'x', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'});
        bodies.put("invalid_json", "{\"eventId\":\"e1\",}".getBytes(StandardCharsets.UTF_8));
        byte[] full = Fixtures.bytes(Fixtures.SURVEY_RESPONSE);
        bodies.put("truncated_json", Arrays.copyOf(full, full.length - 40));
        bodies.put("not_an_object", "[{\"eventId\":\"e1\"}]".getBytes(StandardCharsets.UTF_8));
        bodies.put("too_deep", ("{\"eventId\":\"e1\",\"data\":" + "[".repeat(70) + "]".repeat(70) + "}")
                .getBytes(StandardCharsets.UTF_8));
        bodies.put("missing_field",
                Fixtures.text(Fixtures.TEXT_MESSAGE)
                        .replace("\"eventType\"", "\"eventKind\"")
                        .getBytes(StandardCharsets.UTF_8));
        bodies.put("invalid_field",
                Fixtures.text(Fixtures.TEXT_MESSAGE)
                        .replace("\"data\":{\"text\"", "\"data\":[{\"text\"")
                        .replace("Asante!\"}", "Asante!\"}]")
                        .getBytes(StandardCharsets.UTF_8));
        Map<String, String> requestIds = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : bodies.entrySet()) {
            HttpResponse<String> r = gateway.post(e.getValue());
            assertThat(r.statusCode()).as(e.getKey()).isEqualTo(200);
            assertThat(JSON.readTree(r.body()).get("status").asText()).isEqualTo("dead-lettered");
            assertThat(JSON.readTree(r.body()).get("reason").asText()).isEqualTo(e.getKey());
            requestIds.put(e.getKey(), requestId(r));
        }
        List<ConsumerRecord<String, byte[]>> dlq = kafka.readToEnd(gateway.config.deadLetterTopic(), WAIT);
        for (Map.Entry<String, byte[]> e : bodies.entrySet()) {
            String id = requestIds.get(e.getKey());
            List<ConsumerRecord<String, byte[]>> mine = dlq.stream()
                    .filter(r -> id.equals(header(r, PipelineHeaders.REQUEST_ID)))
                    .toList();
            assertThat(mine).as(e.getKey()).hasSize(1);
            ConsumerRecord<String, byte[]> record = mine.get(0);
            assertThat(record.value()).as(e.getKey()).isEqualTo(e.getValue());
            assertThat(record.key()).isEqualTo(id);
            assertThat(header(record, PipelineHeaders.DLQ_STAGE)).isEqualTo("gateway");
            assertThat(header(record, PipelineHeaders.DLQ_REASON)).isEqualTo(e.getKey());
            assertThat(header(record, PipelineHeaders.DLQ_DETAIL)).isNotBlank();
            assertThat(header(record, PipelineHeaders.RECEIVED_AT)).isEqualTo(Long.toString(record.timestamp()));
        }
        assertThat(kafka.readToEnd(gateway.config.rawTopic(), WAIT))
                .noneMatch(r -> requestIds.containsValue(header(r, PipelineHeaders.REQUEST_ID)));
    }

    @Test
    void metricsCountOutcomes() {
        gateway.post(Fixtures.surveyResponse(UUID.randomUUID().toString(), UUID.randomUUID().toString()));
        String metrics = gateway.management("/metrics").body();
        assertThat(metrics).contains("kz_gateway_requests_total{", "outcome=\"accepted\"",
                "kz_gateway_publish_duration_seconds_bucket", "kafka_producer_");
        assertThat(gateway.management("/health/ready").statusCode()).isEqualTo(200);
    }

    private static String requestIdOf(String rawResponse) {
        return Arrays.stream(rawResponse.split("\r\n"))
                .filter(l -> l.regionMatches(true, 0, "X-Request-Id:", 0, 13))
                .map(l -> l.substring(13).trim())
                .findFirst()
                .orElseThrow();
    }

    private static String raw(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
