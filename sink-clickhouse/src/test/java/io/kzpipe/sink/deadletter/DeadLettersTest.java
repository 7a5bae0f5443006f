package io.kzpipe.sink.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.model.json.Json;
import io.kzpipe.model.topic.PipelineHeaders;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import io.kzpipe.sink.row.Row;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    private static final Topics TOPICS = Topics.defaults();
    private static final String RAW_TOPIC = TOPICS.name(TopicId.RAW);
    private static final String DLQ_GATEWAY_TOPIC = TOPICS.name(TopicId.DLQ_GATEWAY);
    private static final String DLQ_PROCESSOR_TOPIC = TOPICS.name(TopicId.DLQ_PROCESSOR);
    private static final String ANSWERS_NUMERIC_TOPIC = TOPICS.name(TopicId.ANSWERS_NUMERIC);

    private static ConsumerRecord<byte[], byte[]> record(String topic, long offset, byte[] value,
            RecordHeaders headers) {
        return new ConsumerRecord<>(topic, 1, offset, 1_795_780_000_000L, TimestampType.CREATE_TIME, -1, -1,
                "key-1".getBytes(StandardCharsets.UTF_8), value, headers, Optional.empty());
    }

    private static RecordHeaders headers(String... kv) {
        RecordHeaders h = new RecordHeaders();
        for (int i = 0; i < kv.length; i += 2) {
            h.add(kv[i], kv[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return h;
    }

    private static JsonNode json(Row row) throws Exception {
        return Json.MAPPER.readTree(row.json());
    }

    @Test
    void aGatewayDeadLetterKeepsItsReasonDetailPayloadAndOwnCoordinates() throws Exception {
        Row row = DeadLetters
                .fromDeadLetterTopic(
                        record(DLQ_GATEWAY_TOPIC, 42, "{\"eventId\":".getBytes(StandardCharsets.UTF_8),
                                headers(PipelineHeaders.DLQ_STAGE, "gateway", PipelineHeaders.DLQ_REASON,
                                        "truncated_json", PipelineHeaders.DLQ_DETAIL, "body ends early",
                                        PipelineHeaders.RECEIVED_AT, "1795780000123", PipelineHeaders.REQUEST_ID,
                                        "req-9", PipelineHeaders.CONTENT_TYPE, "application/json")),
                        TopicId.DLQ_GATEWAY);

        JsonNode j = json(row);
        assertThat(j.get("row_id").asText()).isEqualTo("gateway:kaizala.dlq.gateway:1:42");
        assertThat(j.get("stage").asText()).isEqualTo("gateway");
        assertThat(j.get("reason").asText()).isEqualTo("truncated_json");
        assertThat(j.get("detail").asText()).isEqualTo("body ends early");
        assertThat(j.get("source_topic").asText()).isEqualTo(DLQ_GATEWAY_TOPIC);
        assertThat(j.get("source_partition").asInt()).isEqualTo(1);
        assertThat(j.get("source_offset").asLong()).isEqualTo(42);
        assertThat(j.get("kafka_key").asText()).isEqualTo("key-1");
        assertThat(j.get("request_id").asText()).isEqualTo("req-9");
        assertThat(j.get("content_type").asText()).isEqualTo("application/json");
        assertThat(j.get("payload").asText()).isEqualTo("{\"eventId\":");
        assertThat(j.get("payload_base64").asText()).isEmpty();
        assertThat(j.get("payload_size").asLong()).isEqualTo(11);
        assertThat(j.get("received_at_ms").asLong()).isEqualTo(1_795_780_000_123L);
        assertThat(j.get("schema_version").asInt()).isEqualTo(1);
        assertThat(row.partition()).isEqualTo(new TopicPartition(DLQ_GATEWAY_TOPIC, 1));
        assertThat(row.offset()).isEqualTo(42);
    }

    @Test
    void aPullerDeadLetterOnTheGatewayTopicLoadsWithItsOwnStage() throws Exception {
        // the puller (kaizala-puller) dead-letters response items it cannot map on the gateway's topic, stage "puller"
        Row row = DeadLetters.fromDeadLetterTopic(
                record(DLQ_GATEWAY_TOPIC, 7, "[1,2]".getBytes(StandardCharsets.UTF_8),
                        headers(PipelineHeaders.DLQ_STAGE, "puller", PipelineHeaders.DLQ_REASON, "not_an_object",
                                PipelineHeaders.DLQ_DETAIL, "a response item is not a JSON object",
                                PipelineHeaders.PULLED, "group:g-1", PipelineHeaders.RECEIVED_AT, "1795780000123")),
                TopicId.DLQ_GATEWAY);

        JsonNode j = json(row);
        assertThat(j.get("row_id").asText()).isEqualTo("puller:kaizala.dlq.gateway:1:7");
        assertThat(j.get("stage").asText()).isEqualTo("puller");
        assertThat(j.get("reason").asText()).isEqualTo("not_an_object");
        assertThat(j.get("payload").asText()).isEqualTo("[1,2]");
        assertThat(j.get("received_at_ms").asLong()).isEqualTo(1_795_780_000_123L);
    }

    @Test
    void aProcessorDeadLetterPointsAtTheRawRecord() throws Exception {
        Row row = DeadLetters.fromDeadLetterTopic(
                record(DLQ_PROCESSOR_TOPIC, 7, "[]".getBytes(StandardCharsets.UTF_8),
                        headers(PipelineHeaders.DLQ_REASON, "not_an_object", PipelineHeaders.SOURCE_TOPIC, RAW_TOPIC,
                                PipelineHeaders.SOURCE_PARTITION, "2", PipelineHeaders.SOURCE_OFFSET, "9001")),
                TopicId.DLQ_PROCESSOR);

        JsonNode j = json(row);
        assertThat(j.get("row_id").asText()).isEqualTo("processor:kaizala.raw:2:9001");
        assertThat(j.get("stage").asText()).isEqualTo("processor");
        assertThat(j.get("source_topic").asText()).isEqualTo(RAW_TOPIC);
        assertThat(j.get("received_at_ms").asLong()).as("record timestamp without the header")
                .isEqualTo(1_795_780_000_000L);
        assertThat(j.get("detail").asText()).isEmpty();
    }

    @Test
    void aFailedReplayNamesTheDeadLetterItReplayedAndEveryDeadLetterItsEventId() throws Exception {
        Row row = DeadLetters
                .fromDeadLetterTopic(
                        record(DLQ_PROCESSOR_TOPIC, 8,
                                "{\"data\":{\"eventId\":\"inner\"},\"eventId\":\"ev-7\",\"eventType\":\"x\"}"
                                        .getBytes(StandardCharsets.UTF_8),
                                headers(PipelineHeaders.DLQ_REASON, "record_too_large", PipelineHeaders.SOURCE_TOPIC,
                                        RAW_TOPIC, PipelineHeaders.SOURCE_PARTITION, "0", PipelineHeaders.SOURCE_OFFSET,
                                        "12", PipelineHeaders.REPLAY_OF, "processor:kaizala.raw:0:3")),
                        TopicId.DLQ_PROCESSOR);

        JsonNode j = json(row);
        assertThat(j.get("replay_of").asText()).isEqualTo("processor:kaizala.raw:0:3");
        assertThat(j.get("event_id").asText()).as("top-level eventId, not a nested one").isEqualTo("ev-7");
        assertThat(j.get("row_id").asText()).isEqualTo("processor:kaizala.raw:0:12");
    }

    @Test
    void aProcessorDeadLetterWithoutItsBodyTakesItsEventIdFromTheHeader() throws Exception {
        Row row = DeadLetters
                .fromDeadLetterTopic(
                        record("kaizala.dlq.processor", 9, null,
                                headers(PipelineHeaders.DLQ_REASON, "record_too_large", PipelineHeaders.SOURCE_TOPIC,
                                        "kaizala.raw", PipelineHeaders.SOURCE_PARTITION, "0",
                                        PipelineHeaders.SOURCE_OFFSET, "13", PipelineHeaders.EVENT_ID, "ev-8")),
                        TopicId.DLQ_PROCESSOR);

        JsonNode j = json(row);
        assertThat(j.get("event_id").asText()).isEqualTo("ev-8");
        assertThat(j.get("payload_size").asInt()).isZero();
    }

    @Test
    void aFirstFailureOrAPayloadWithoutAStringEventIdLeavesThoseColumnsEmpty() throws Exception {
        for (String payload : new String[]{"{\"eventId\":", "{\"eventId\":7}", "[\"eventId\"]", "not json", ""}) {
            JsonNode j = json(DeadLetters.fromDeadLetterTopic(record(DLQ_GATEWAY_TOPIC, 1,
                    payload.getBytes(StandardCharsets.UTF_8), headers(PipelineHeaders.DLQ_REASON, "invalid_json")),
                    TopicId.DLQ_GATEWAY));
            assertThat(j.get("event_id").asText()).as(payload).isEmpty();
            assertThat(j.get("replay_of").asText()).as(payload).isEmpty();
        }
    }

    @Test
    void bytesThatAreNotUtf8AreKeptExactlyInBase64() throws Exception {
        byte[] payload = {'{', (byte) 0xC3, (byte) 0x28, '}'};
        Row row = DeadLetters.fromDeadLetterTopic(
                record(DLQ_GATEWAY_TOPIC, 1, payload, headers(PipelineHeaders.DLQ_REASON, "invalid_utf8")),
                TopicId.DLQ_GATEWAY);

        JsonNode j = json(row);
        assertThat(Base64.getDecoder().decode(j.get("payload_base64").asText())).isEqualTo(payload);
        assertThat(j.get("payload").asText()).isEqualTo("{\uFFFD(}");
        assertThat(j.get("reason").asText()).isEqualTo("invalid_utf8");
    }

    @Test
    void anEmptyDeadLetterStillBecomesARow() throws Exception {
        JsonNode j = json(
                DeadLetters.fromDeadLetterTopic(record(DLQ_GATEWAY_TOPIC, 3, null, headers()), TopicId.DLQ_GATEWAY));
        assertThat(j.get("payload").asText()).isEmpty();
        assertThat(j.get("payload_size").asLong()).isZero();
        assertThat(j.get("reason").asText()).isEqualTo("unknown");
    }

    @Test
    void aRefusedTypedRowBecomesASinkDeadLetterWithATruncatedDetail() throws Exception {
        TopicPartition tp = new TopicPartition(ANSWERS_NUMERIC_TOPIC, 0);
        Row typed = new Row(tp, 5, 1_795_780_000_456L, null, "{\"value\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        Row dl = DeadLetters.fromRejectedRow(typed, DeadLetters.REASON_REJECTED, "Code: 27 " + "y".repeat(5000));

        JsonNode j = json(dl);
        assertThat(j.get("row_id").asText()).isEqualTo("sink:kaizala.answers.numeric:0:5");
        assertThat(j.get("stage").asText()).isEqualTo("sink");
        assertThat(j.get("detail").asText()).startsWith("Code: 27").hasSize(DeadLetters.MAX_DETAIL_CHARS + 1);
        assertThat(j.get("payload").asText()).isEqualTo("{\"value\":\"x\"}");
        assertThat(j.get("received_at_ms").asLong()).isEqualTo(1_795_780_000_456L);
        assertThat(dl.partition()).isEqualTo(tp);
        assertThat(dl.offset()).isEqualTo(5);
    }
}
