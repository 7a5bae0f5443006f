package io.kzpipe.sink.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.model.json.Json;
import io.kzpipe.model.topic.PipelineHeaders;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import io.kzpipe.sink.row.Row;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class RawReceiptsTest {

    private static final Topics TOPICS = Topics.defaults();
    private static final String RAW_TOPIC = TOPICS.name(TopicId.RAW);

    private static ConsumerRecord<byte[], byte[]> record(long offset, byte[] value, RecordHeaders headers) {
        return new ConsumerRecord<>(RAW_TOPIC, 2, offset, 1_795_780_000_000L, TimestampType.CREATE_TIME, -1, -1,
                "key-1".getBytes(StandardCharsets.UTF_8), value, headers, Optional.empty());
    }

    private static RecordHeaders headers(String... kv) {
        RecordHeaders h = new RecordHeaders();
        for (int i = 0; i < kv.length; i += 2) {
            h.add(kv[i], kv[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return h;
    }

    @Test
    void anAcceptedDeliveryKeepsItsCoordinatesReceiveTimeAndRequestIdButNotItsBody() throws Exception {
        byte[] body = "{\"eventId\":\"secret-body\"}".getBytes(StandardCharsets.UTF_8);
        Row row = RawReceipts.fromRawTopic(record(7, body,
                headers(PipelineHeaders.RECEIVED_AT, "1795780000123", PipelineHeaders.REQUEST_ID, "req-1")));

        JsonNode j = Json.MAPPER.readTree(row.json());
        assertThat(j.properties()).extracting(e -> e.getKey())
                .containsExactly("schema_version", "row_id", "request_id", "replay_of", "payload_size",
                        "received_at_ms");
        assertThat(j.get("row_id").asText()).isEqualTo("kaizala.raw:2:7");
        assertThat(j.get("request_id").asText()).isEqualTo("req-1");
        assertThat(j.get("replay_of").asText()).isEmpty();
        assertThat(j.get("payload_size").asLong()).isEqualTo(body.length);
        assertThat(j.get("received_at_ms").asLong()).isEqualTo(1_795_780_000_123L);
        assertThat(new String(row.json(), StandardCharsets.UTF_8)).doesNotContain("secret-body");
        assertThat(row.offset()).isEqualTo(7);
        assertThat(row.partition().partition()).isEqualTo(2);
    }

    @Test
    void aReplayIsMarkedAndARecordWithoutAUsableReceiveTimeUsesItsTimestamp() throws Exception {
        List<Row> rows = List.of(
                RawReceipts.fromRawTopic(record(8, null,
                        headers(PipelineHeaders.REPLAY_OF, "processor:kaizala.raw:0:3", PipelineHeaders.RECEIVED_AT,
                                "not a number"))),
                RawReceipts.fromRawTopic(record(9, new byte[0], headers(PipelineHeaders.RECEIVED_AT, "-5"))));

        JsonNode replay = Json.MAPPER.readTree(rows.get(0).json());
        assertThat(replay.get("replay_of").asText()).isEqualTo("processor:kaizala.raw:0:3");
        assertThat(replay.get("payload_size").asLong()).isZero();
        assertThat(replay.get("received_at_ms").asLong()).isEqualTo(1_795_780_000_000L);
        assertThat(Json.MAPPER.readTree(rows.get(1).json()).get("received_at_ms").asLong())
                .isEqualTo(1_795_780_000_000L);
    }
}
