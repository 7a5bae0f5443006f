package io.kzpipe.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.gateway.Fixtures;
import io.kzpipe.model.topic.PipelineHeaders;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What is published where, and when the answer is written: after the ack, 503 on failure. */
class WebhookPublishTest extends WebhookTestSupport {

    private static final Topics TOPICS = Topics.defaults();
    private static final String RAW_TOPIC = TOPICS.name(TopicId.RAW);
    private static final String DLQ_GATEWAY_TOPIC = TOPICS.name(TopicId.DLQ_GATEWAY);

    @Test
    void aValidEventGoesToTheRawTopicWithExactBytesKeyTimestampAndHeaders() {
        byte[] body = Fixtures.bytes(Fixtures.SURVEY_RESPONSE);
        test(app(), (server, client) -> {
            var r = client.request(PATH,
                    b -> b.post(HttpRequest.BodyPublishers.ofByteArray(body))
                            .header("Content-Type", "Application/JSON; Charset=UTF-8")
                            .header("kz-callback-token", TOKEN));
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string())
                    .isEqualTo("{\"status\":\"accepted\",\"eventId\":\"" + Fixtures.SURVEY_EVENT_ID + "\"}");
            assertThat(r.headers().get("Content-Type").get(0)).startsWith("application/json");
            ProducerRecord<String, byte[]> record = producer.history().get(0);
            assertThat(record.topic()).isEqualTo(RAW_TOPIC);
            assertThat(record.key()).isEqualTo(Fixtures.SURVEY_RESPONSE_ID);
            assertThat(record.value()).isEqualTo(body);
            assertThat(record.timestamp()).isEqualTo(NOW);
            assertThat(header(record, PipelineHeaders.RECEIVED_AT)).isEqualTo(Long.toString(NOW));
            assertThat(header(record, PipelineHeaders.REQUEST_ID)).isEqualTo(requestId(r));
            assertThat(header(record, PipelineHeaders.CONTENT_TYPE)).isEqualTo("Application/JSON; Charset=UTF-8");
            assertThat(header(record, PipelineHeaders.DLQ_REASON)).isNull();
        });
        assertThat(count("accepted")).isEqualTo(1);
    }

    @Test
    void anEventWithoutResponseIdIsKeyedByEventId() {
        test(app(),
                (server, client) -> assertThat(post(client, PATH, Fixtures.bytes(Fixtures.TEXT_MESSAGE), TOKEN).code())
                        .isEqualTo(200));
        assertThat(producer.history().get(0).key()).isEqualTo(Fixtures.TEXT_EVENT_ID);
    }

    @Test
    void aLongEventIdIsEchoedWhole() {
        String eventId = "e".repeat(WebhookHandler.DIRECT_ANSWER_MAX_EVENT_ID_CHARS + 1) + "\u00e9\"";
        String body = "{\"eventId\":\"" + eventId.replace("\"", "\\\"") + "\",\"eventType\":\"t\",\"objectId\":\"o\","
                + "\"objectType\":\"G\",\"data\":{}}";
        test(app(), (server, client) -> {
            var r = post(client, PATH, body.getBytes(StandardCharsets.UTF_8), TOKEN);
            assertThat(r.code()).isEqualTo(200);
            assertThat(json(r).get("eventId").asText()).isEqualTo(eventId);
        });
        assertThat(producer.history().get(0).key()).isEqualTo(eventId);
    }

    @Test
    void theAnswerWaitsForKafkasAcknowledgement() {
        producer = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
        test(app("GATEWAY_PUBLISH_TIMEOUT", "10s"), (server, client) -> {
            CompletableFuture<HttpResponse<String>> pending = postAsync(client,
                    Fixtures.bytes(Fixtures.SURVEY_RESPONSE));
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
            CompletableFuture<HttpResponse<String>> pending = postAsync(client,
                    Fixtures.bytes(Fixtures.SURVEY_RESPONSE));
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
            CompletableFuture<HttpResponse<String>> pending = postAsync(client,
                    Fixtures.bytes(Fixtures.SURVEY_RESPONSE));
            await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 1);
            producer.errorNext(
                    new RecordTooLargeException("The request included a message larger than the max message size"));
            assertThat(pending.get().statusCode()).isEqualTo(413);
        });
        assertThat(count("too_large")).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"empty_body     | ''", "invalid_json   | {\"eventId\": nope}",
            "truncated_json | {\"eventId\":\"e1\",\"data\":{", "not_an_object  | [1,2,3]",
            "too_deep       | {\"eventId\":\"e1\",\"eventType\":\"t\",\"objectId\":\"o\",\"objectType\":\"G\",\"data\":{\"a\":[[[[[[[[[[1]]]]]]]]]]}}",
            "missing_field  | {\"eventType\":\"t\",\"objectId\":\"o\",\"objectType\":\"G\",\"data\":{}}",
            "invalid_field  | {\"eventId\":\"\",\"eventType\":\"t\",\"objectId\":\"o\",\"objectType\":\"G\",\"data\":{}}"})
    void aMalformedBodyIsDeadLetteredWithItsExactBytesAndAnswered200(String reason, String body) {
        deadLetters(reason, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void invalidUtf8IsDeadLetteredWithItsExactBytes() {
        deadLetters("invalid_utf8", new byte[]{'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
    }

    private void deadLetters(String reason, byte[] body) {
        test(app("GATEWAY_MAX_JSON_DEPTH", "8"), (server, client) -> {
            var r = client.request(PATH,
                    b -> b.post(HttpRequest.BodyPublishers.ofByteArray(body))
                            .header("Content-Type", "text/plain")
                            .header("kz-callback-token", TOKEN));
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).isEqualTo("{\"status\":\"dead-lettered\",\"reason\":\"" + reason + "\"}");
            ProducerRecord<String, byte[]> record = producer.history().get(0);
            assertThat(record.topic()).isEqualTo(DLQ_GATEWAY_TOPIC);
            assertThat(record.key()).isEqualTo(requestId(r));
            assertThat(record.value()).isEqualTo(body);
            assertThat(record.timestamp()).isEqualTo(NOW);
            assertThat(header(record, PipelineHeaders.DLQ_STAGE)).isEqualTo("gateway");
            assertThat(header(record, PipelineHeaders.DLQ_REASON)).isEqualTo(reason);
            assertThat(header(record, PipelineHeaders.DLQ_DETAIL)).isNotBlank();
            assertThat(header(record, PipelineHeaders.REQUEST_ID)).isEqualTo(requestId(r));
            assertThat(header(record, PipelineHeaders.RECEIVED_AT)).isEqualTo(Long.toString(NOW));
            assertThat(header(record, PipelineHeaders.CONTENT_TYPE)).isEqualTo("text/plain");
        });
        assertThat(registry.get("kz.gateway.dead.letters").tag("reason", reason).counter().count()).isEqualTo(1);
        assertThat(count("dead_lettered")).isEqualTo(1);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"400 | invalid_json  | {oops}", "400 | empty_body    | ' '",
            "422 | not_an_object | \"just a string\"", "422 | missing_field | {\"eventId\":\"e1\"}"})
    void strictModeRefusesMalformedBodiesAndPublishesNothing(int status, String code, String body) {
        test(app("GATEWAY_STRICT_MODE", "true"), (server, client) -> {
            var r = post(client, PATH, body.getBytes(StandardCharsets.UTF_8), TOKEN);
            assertThat(r.code()).isEqualTo(status);
            JsonNode error = json(r);
            assertThat(error.get("code").asText()).isEqualTo(code);
            assertThat(error.get("details").get(0).asText()).isNotBlank();
            assertThat(post(client, PATH, Fixtures.bytes(Fixtures.TEXT_MESSAGE), TOKEN).code()).isEqualTo(200);
        });
        assertThat(producer.history()).hasSize(1).allSatisfy(rec -> assertThat(rec.topic()).isEqualTo(RAW_TOPIC));
        assertThat(count("bad_request")).isEqualTo(1);
    }
}
