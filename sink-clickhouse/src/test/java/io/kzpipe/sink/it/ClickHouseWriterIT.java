package io.kzpipe.sink.it;

import static io.kzpipe.sink.it.ClickHouseSchemaIT.migrated;
import static io.kzpipe.sink.it.ClickHouseSchemaIT.settings;
import static org.assertj.core.api.Assertions.assertThat;

import com.clickhouse.client.api.Client;
import com.clickhouse.data.ClickHouseColumn;
import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.model.json.Json;
import io.kzpipe.model.record.NumericAnswer;
import io.kzpipe.model.record.OptionAnswer;
import io.kzpipe.model.record.ResponseRecord;
import io.kzpipe.model.record.ResponseSupersession;
import io.kzpipe.model.record.ResponseVersion;
import io.kzpipe.model.record.TypedRecord;
import io.kzpipe.model.topic.PipelineHeaders;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import io.kzpipe.sink.batch.BatchDelivery;
import io.kzpipe.sink.clickhouse.ClickHouseBatchWriter;
import io.kzpipe.sink.clickhouse.ClickHouseSql;
import io.kzpipe.sink.clickhouse.RetryPolicy;
import io.kzpipe.sink.config.SinkConfig;
import io.kzpipe.sink.deadletter.DeadLetters;
import io.kzpipe.sink.metrics.SinkMetrics;
import io.kzpipe.sink.row.Batch;
import io.kzpipe.sink.row.Row;
import io.kzpipe.sink.support.TypedRecords;
import io.kzpipe.testkit.ClickHouseExtension;
import io.kzpipe.testkit.TestClickHouse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The ClickHouse half of the sink against a real server: exact rows, views, duplicates, records that cannot be
 * rows (found by the writer's check, or refused by ClickHouse itself: split and isolated).
 */
@ExtendWith(ClickHouseExtension.class)
class ClickHouseWriterIT {

    private static final Topics TOPICS = Topics.defaults();
    private static final String DLQ_GATEWAY_TOPIC = TOPICS.name(TopicId.DLQ_GATEWAY);
    private static final String ANSWERS_NUMERIC_TOPIC = TOPICS.name(TopicId.ANSWERS_NUMERIC);

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private TestClickHouse ch;
    private String db;
    private Client client;
    private ClickHouseBatchWriter writer;
    private BatchDelivery delivery;
    private RetryPolicy policy;
    private Map<String, List<ClickHouseColumn>> columns;
    private long offset;
    private final AtomicInteger inserts = new AtomicInteger();

    @BeforeEach
    void setUp(TestClickHouse ch) throws Exception {
        this.ch = ch;
        db = ch.createDatabase("sink_writer");
        client = ClickHouseSql.newClient(settings(ch, db));
        columns = migrated(client, db);
        writer = new ClickHouseBatchWriter(client, db, columns, Duration.ofSeconds(60));
        policy = new RetryPolicy(new SinkConfig.Retry(Duration.ofMillis(10), Duration.ofSeconds(1), 2, 0,
                SinkConfig.DEFAULT_RETRY_UNREACHABLE_MAX));
        delivery = new BatchDelivery(batch -> {
            inserts.incrementAndGet();
            return writer.write(batch);
        }, policy, new SinkMetrics(new SimpleMeterRegistry()));
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    private Row row(String topic, TypedRecord record) {
        return row(topic, TypedRecords.json(record));
    }

    private Row row(String topic, byte[] json) {
        return new Row(new TopicPartition(topic, 0), offset++, TypedRecords.RECEIVED_AT_MS, null, json);
    }

    private void insert(TopicId id, TypedRecord... records) throws InterruptedException {
        List<Row> rows = new ArrayList<>();
        for (TypedRecord r : records) {
            rows.add(row("kaizala." + id.suffix(), r));
        }
        writer.write(new Batch(id.table(), rows));
    }

    private String count(String table) {
        return ch.query("SELECT count() FROM " + db + "." + table).trim();
    }

    @Test
    void everyTypedRecordBecomesARowWithExactlyItsValues() throws Exception {
        Map<TopicId, TypedRecord> samples = TypedRecords.samples();
        for (Map.Entry<TopicId, TypedRecord> e : samples.entrySet()) {
            insert(e.getKey(), e.getValue());
        }
        for (Map.Entry<TopicId, TypedRecord> e : samples.entrySet()) {
            String table = e.getKey().table();
            JsonNode expected = Json.MAPPER.readTree(TypedRecords.json(e.getValue()));
            String out = ch.query("SELECT * FROM " + db + "." + table + " FORMAT JSONEachRow");
            assertThat(out.trim().split("\n")).as(table).hasSize(1);
            JsonNode actual = Json.MAPPER.readTree(out);
            for (Map.Entry<String, JsonNode> f : expected.properties()) {
                assertSameValue(table + "." + f.getKey(), f.getValue(), actual.get(f.getKey()));
            }
            assertThat(actual.get("received_at").asText()).as(table + ".received_at")
                    .isEqualTo(SECONDS.format(Instant.ofEpochMilli(TypedRecords.RECEIVED_AT_MS)));
        }
        JsonNode dt = Json.MAPPER
                .readTree(ch.query("SELECT value_at FROM " + db + ".answers_datetime FORMAT JSONEachRow"));
        assertThat(dt.get("value_at").asText()).isEqualTo(SECONDS.format(Instant.ofEpochMilli(1_700_000_000_123L)));
    }

    private static void assertSameValue(String what, JsonNode expected, JsonNode actual) {
        assertThat(actual).as(what + " present").isNotNull();
        if (expected.isNull()) {
            assertThat(actual.isNull()).as(what + " is NULL").isTrue();
        } else if (expected.isBoolean()) {
            assertThat(actual.asInt()).as(what).isEqualTo(expected.asBoolean() ? 1 : 0);
        } else if (expected.isNumber()) {
            // ClickHouse quotes 64-bit integers in JSON output
            assertThat(new BigDecimal(actual.asText())).as(what).isEqualByComparingTo(expected.decimalValue());
        } else {
            assertThat(actual).as(what).isEqualTo(expected);
        }
    }

    @Test
    void latestViewsShowOnlyTheLatestVersionOfEachResponseSoADeselectedOptionDisappears() throws Exception {
        long original = ResponseVersion.of(false, null, TypedRecords.RECEIVED_AT_MS);
        long edit = ResponseVersion.of(true, null, TypedRecords.RECEIVED_AT_MS + 60_000);
        ResponseRecord sample = (ResponseRecord) TypedRecords.samples().get(TopicId.RESPONSES);
        // original: Red + Blue selected, 4 points; the edit keeps Blue only and answers 5
        insert(TopicId.RESPONSES, response(sample, "resp-9", original, false));
        insert(TopicId.ANSWERS_OPTION,
                OptionAnswer.of(TypedRecords.key("resp-9", original, 0, "MultiOption"), 0, "Red", 0),
                OptionAnswer.of(TypedRecords.key("resp-9", original, 0, "MultiOption"), 1, "Blue", 1));
        insert(TopicId.ANSWERS_NUMERIC, NumericAnswer.of(TypedRecords.key("resp-9", original, 1, "Numeric"), 4));
        // the edit arrives, with the processor's marker for the version it replaces; a copy of the original is
        // inserted again afterwards (a retried insert): the marker still leaves it out
        insert(TopicId.RESPONSES, response(sample, "resp-9", edit, true));
        insert(TopicId.RESPONSE_SUPERSESSIONS, ResponseSupersession.of("ev-resp-9-edit", "resp-9", original, edit,
                sample.actionId(), sample.groupId(), sample.receivedAtMs(), sample.receivedAtMs() + 60_000));
        insert(TopicId.ANSWERS_OPTION,
                OptionAnswer.of(TypedRecords.key("resp-9", edit, 0, "MultiOption"), 0, "Blue", 1));
        insert(TopicId.ANSWERS_NUMERIC, NumericAnswer.of(TypedRecords.key("resp-9", edit, 1, "Numeric"), 5));
        insert(TopicId.RESPONSES, response(sample, "resp-9", original, false));
        // another response that was never edited
        long other = ResponseVersion.of(false, null, TypedRecords.RECEIVED_AT_MS);
        insert(TopicId.RESPONSES, response(sample, "resp-10", other, false));
        insert(TopicId.ANSWERS_OPTION,
                OptionAnswer.of(TypedRecords.key("resp-10", other, 0, "MultiOption"), 0, "Red", 0));

        assertThat(ch.query("SELECT response_id, is_update FROM " + db + ".responses_latest ORDER BY response_id"))
                .isEqualTo("resp-10\t0\nresp-9\t1\n");
        assertThat(ch.query("SELECT response_id, option_title FROM " + db
                + ".answers_option_latest ORDER BY response_id, option_title"))
                .isEqualTo("resp-10\tRed\nresp-9\tBlue\n");
        assertThat(ch.query("SELECT option_title, count() FROM " + db
                + ".answers_option_latest GROUP BY option_title ORDER BY option_title")).isEqualTo("Blue\t1\nRed\t1\n");
        assertThat(ch.query("SELECT sum(value) FROM " + db + ".answers_numeric_latest").trim()).isEqualTo("5");
        assertThat(count("answers_option")).isEqualTo("4");
    }

    private static ResponseRecord response(ResponseRecord s, String responseId, long version, boolean isUpdate) {
        return new ResponseRecord(1, ResponseRecord.rowId(responseId, version), "ev-" + responseId + version,
                s.eventType(), responseId, s.actionId(), s.groupId(), s.actionPackageId(), s.packageId(), s.responder(),
                s.responderId(), s.responderName(), s.responderProfilePic(), false, isUpdate, null, version, 2,
                s.receivedAtMs());
    }

    @Test
    void reDeliveredRowsDoNotDoubleCount() throws Exception {
        Map<TopicId, TypedRecord> samples = TypedRecords.samples();
        for (int i = 0; i < 3; i++) {
            for (Map.Entry<TopicId, TypedRecord> e : samples.entrySet()) {
                insert(e.getKey(), e.getValue());
            }
        }
        for (TopicId id : samples.keySet()) {
            assertThat(count(id.table())).as(id.table() + " raw").isEqualTo("3");
            assertThat(count(id.table() + "_latest")).as(id.table() + "_latest").isEqualTo("1");
        }
        ch.query("OPTIMIZE TABLE " + db + ".answers_numeric FINAL");
        assertThat(count("answers_numeric")).as("after a merge").isEqualTo("1");
    }

    @Test
    void recordsThatCannotBeRowsAreDeadLetteredWithTheirReasonWhileTheirNeighboursLoadInOneInsert() throws Exception {
        List<Row> rows = new ArrayList<>();
        NumericAnswer template = (NumericAnswer) TypedRecords.samples().get(TopicId.ANSWERS_NUMERIC);
        for (int i = 0; i < 100; i++) {
            NumericAnswer a = NumericAnswer.of(TypedRecords.key("resp-p" + i, 1, 1, "Numeric"), i);
            rows.add(row(ANSWERS_NUMERIC_TOPIC, a));
        }
        String json = new String(TypedRecords.json(template), StandardCharsets.UTF_8);
        String wrongType = json.replace("\"value\":-12.625", "\"value\":\"not a number\"");
        String missing = json.replace("\"row_id\":", "\"row_idx\":");
        byte[] notUtf8 = json.replace("Question", "Qu\u00e9stion").getBytes(StandardCharsets.ISO_8859_1);
        Map<Integer, byte[]> bad = Map.of(11, wrongType.getBytes(StandardCharsets.UTF_8), 37,
                "{\"row_id\":\"broken".getBytes(StandardCharsets.UTF_8), 52, "[1,2,3]".getBytes(StandardCharsets.UTF_8),
                73, missing.getBytes(StandardCharsets.UTF_8), 88, notUtf8);
        List<Row> ordered = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            ordered.add(new Row(r.partition(), i, r.timestampMs(), r.key(), bad.getOrDefault(i, r.json())));
        }

        BatchDelivery.Outcome outcome = delivery.deliver(new Batch("answers_numeric", ordered));

        assertThat(outcome).isEqualTo(new BatchDelivery.Outcome(95, 5));
        assertThat(count("answers_numeric")).isEqualTo("95");
        assertThat(
                ch.query("SELECT count() FROM " + db + ".answers_numeric WHERE value IN (11, 37, 52, 73, 88)").trim())
                .isEqualTo("0");
        assertThat(inserts).as("one insert into the table and one into dead_letters, no splitting").hasValue(2);
        String dead = ch.query("SELECT row_id, stage, reason, source_offset, detail FROM " + db
                + ".dead_letters ORDER BY source_offset");
        String[] lines = dead.trim().split("\n");
        assertThat(lines).hasSize(5);
        assertThat(lines[0]).startsWith("sink:kaizala.answers.numeric:0:11\tsink\tinvalid_value\t11\t")
                .contains("column value (Float64): expected a number, got a string");
        assertThat(lines[1]).startsWith("sink:kaizala.answers.numeric:0:37\tsink\tinvalid_json\t37\t");
        assertThat(lines[2]).startsWith("sink:kaizala.answers.numeric:0:52\tsink\tnot_an_object\t52\t");
        assertThat(lines[3]).startsWith("sink:kaizala.answers.numeric:0:73\tsink\tmissing_column\t73\t")
                .contains("column row_id (String) is missing");
        assertThat(lines[4]).startsWith("sink:kaizala.answers.numeric:0:88\tsink\tinvalid_utf8\t88\t");
        JsonNode first = Json.MAPPER.readTree(ch.query("SELECT payload, payload_base64 FROM " + db
                + ".dead_letters WHERE source_offset = 11 FORMAT JSONEachRow"));
        assertThat(first.get("payload").asText()).isEqualTo(wrongType);
        assertThat(first.get("payload_base64").asText()).isEmpty();
        JsonNode latin1 = Json.MAPPER.readTree(ch.query(
                "SELECT payload_base64 FROM " + db + ".dead_letters WHERE source_offset = 88 FORMAT JSONEachRow"));
        assertThat(java.util.Base64.getDecoder().decode(latin1.get("payload_base64").asText())).isEqualTo(notUtf8);
    }

    @Test
    void aRowClickHouseItselfRefusesIsIsolatedAndDeadLetteredWithClickHousesErrorWhileItsNeighboursLoad()
            throws Exception {
        // the sink believes answers_numeric.value is a Decimal, a type its check leaves to ClickHouse (as if the
        // column's
        // type changed after start-up): the check lets a string through, ClickHouse refuses it
        Map<String, List<ClickHouseColumn>> drifted = new java.util.HashMap<>(columns);
        drifted.put("answers_numeric",
                columns.get("answers_numeric")
                        .stream()
                        .map(c -> c.getColumnName().equals("value") ? ClickHouseColumn.of("value", "Decimal(18,4)") : c)
                        .toList());
        BatchDelivery stale = new BatchDelivery(new ClickHouseBatchWriter(client, db, drifted, Duration.ofSeconds(60)),
                policy, new SinkMetrics(new SimpleMeterRegistry()));
        NumericAnswer template = (NumericAnswer) TypedRecords.samples().get(TopicId.ANSWERS_NUMERIC);
        String poison = new String(TypedRecords.json(template), StandardCharsets.UTF_8).replace("\"value\":-12.625",
                "\"value\":\"not a number\"");
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            byte[] json = i == 37 || i == 73
                    ? poison.replace("Numeric", "Numeric " + i).getBytes(StandardCharsets.UTF_8)
                    : TypedRecords.json(NumericAnswer.of(TypedRecords.key("resp-p" + i, 1, 1, "Numeric"), i));
            rows.add(new Row(new TopicPartition("kaizala.answers.numeric", 0), i, TypedRecords.RECEIVED_AT_MS, null,
                    json));
        }

        BatchDelivery.Outcome outcome = stale.deliver(new Batch("answers_numeric", rows));

        assertThat(outcome).isEqualTo(new BatchDelivery.Outcome(98, 2));
        assertThat(count("answers_numeric")).isEqualTo("98");
        String[] lines = ch.query("SELECT row_id, stage, reason, source_topic, source_offset, detail FROM " + db
                + ".dead_letters ORDER BY source_offset").trim().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0])
                .startsWith(
                        "sink:kaizala.answers.numeric:0:37\tsink\tclickhouse_rejected\tkaizala.answers.numeric\t37\t")
                .contains("Cannot parse");
        assertThat(lines[1]).startsWith(
                "sink:kaizala.answers.numeric:0:73\tsink\tclickhouse_rejected\tkaizala.answers.numeric\t73\t");
        JsonNode first = Json.MAPPER.readTree(
                ch.query("SELECT payload FROM " + db + ".dead_letters WHERE source_offset = 37 FORMAT JSONEachRow"));
        assertThat(first.get("payload").asText()).isEqualTo(poison.replace("Numeric", "Numeric 37"));
    }

    @Test
    void deadLetterTopicRecordsLandWithTheirHeadersAndExactBytes() throws Exception {
        RecordHeaders headers = new RecordHeaders();
        headers.add(PipelineHeaders.DLQ_STAGE, "gateway".getBytes(StandardCharsets.UTF_8));
        headers.add(PipelineHeaders.DLQ_REASON, "invalid_utf8".getBytes(StandardCharsets.UTF_8));
        headers.add(PipelineHeaders.DLQ_DETAIL, "byte 2 is not UTF-8".getBytes(StandardCharsets.UTF_8));
        headers.add(PipelineHeaders.RECEIVED_AT, "1795780123456".getBytes(StandardCharsets.UTF_8));
        byte[] payload = {'{', '"', (byte) 0xFF, '"', '}'};
        Row row = DeadLetters.fromDeadLetterTopic(
                new ConsumerRecord<>(DLQ_GATEWAY_TOPIC, 2, 99, 1L, TimestampType.CREATE_TIME, -1, -1,
                        "req-1".getBytes(StandardCharsets.UTF_8), payload, headers, Optional.empty()),
                TopicId.DLQ_GATEWAY);
        assertThat(writer.write(new Batch("dead_letters", List.of(row)))).isEmpty();

        assertThat(ch.query(
                "SELECT row_id, stage, reason, detail, source_topic, source_partition, source_offset, kafka_key, "
                        + "payload_base64, payload_size, received_at_ms, received_at FROM " + db + ".dead_letters"))
                .isEqualTo(
                        "gateway:kaizala.dlq.gateway:2:99\tgateway\tinvalid_utf8\tbyte 2 is not UTF-8\tkaizala.dlq.gateway\t2\t99\t"
                                + "req-1\t" + java.util.Base64.getEncoder().encodeToString(payload)
                                + "\t5\t1795780123456\t" + SECONDS.format(Instant.ofEpochMilli(1_795_780_123_456L))
                                + "\n");
    }
}
