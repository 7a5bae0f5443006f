package io.kzpipe.sink.it;

import static io.kzpipe.sink.it.ClickHouseSchemaIT.migrated;
import static io.kzpipe.sink.it.ClickHouseSchemaIT.settings;
import static org.assertj.core.api.Assertions.assertThat;

import com.clickhouse.client.api.Client;
import com.clickhouse.data.ClickHouseColumn;
import com.clickhouse.data.ClickHouseDataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kzpipe.model.json.Json;
import io.kzpipe.model.record.TypedRecord;
import io.kzpipe.model.topic.PipelineHeaders;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import io.kzpipe.sink.clickhouse.ClickHouseBatchWriter;
import io.kzpipe.sink.clickhouse.ClickHouseSql;
import io.kzpipe.sink.deadletter.DeadLetters;
import io.kzpipe.sink.ledger.RawReceipts;
import io.kzpipe.sink.row.Batch;
import io.kzpipe.sink.row.Row;
import io.kzpipe.sink.support.TypedRecords;
import io.kzpipe.testkit.ClickHouseExtension;
import io.kzpipe.testkit.TestClickHouse;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Exact round trip through the sink's writer on a real ClickHouse, for every table the sink loads: for each
 * table three records built from its typed record with every insert column set to an edge value of its type
 * (empty, Unicode beyond the BMP, escapes and control characters, long strings, the limits of every integer
 * type, extreme and negative-zero floats, NULL and non-NULL, empty and long arrays). The writer's check must
 * pass each record, and each column read back must equal the input value exactly.
 */
@ExtendWith(ClickHouseExtension.class)
class InsertRoundTripIT {

    private static final Topics TOPICS = Topics.defaults();
    private static final String RAW_TOPIC = TOPICS.name(TopicId.RAW);
    private static final String DLQ_PROCESSOR_TOPIC = TOPICS.name(TopicId.DLQ_PROCESSOR);

    private static final String TORTURE = "é ✓ 中文 😀 e\u0301 \"quoted\" back\\slash\ttab\nline\r\u0000nul\u007f\u2028 ÿ";
    /** Columns that DEFAULT expressions read: realistic values keep the computed DateTime columns in range. */
    private static final Set<String> TIME_COLUMNS = Set.of("received_at_ms", "value_ms");

    private static final long[] TIMES = {0L, 4_294_967_295_000L, TypedRecords.RECEIVED_AT_MS};

    private TestClickHouse ch;
    private String db;
    private Client client;
    private Map<String, List<ClickHouseColumn>> columns;
    private ClickHouseBatchWriter writer;

    @BeforeEach
    void setUp(TestClickHouse ch) throws Exception {
        this.ch = ch;
        db = ch.createDatabase("sink_rt");
        client = ClickHouseSql.newClient(settings(ch, db));
        columns = migrated(client, db);
        writer = new ClickHouseBatchWriter(client, db, columns, Duration.ofSeconds(60));
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    @Test
    void everyTableRoundTripsEdgeValuesExactly() throws Exception {
        Map<String, ObjectNode> bases = new LinkedHashMap<>();
        for (Map.Entry<TopicId, TypedRecord> e : TypedRecords.samples().entrySet()) {
            bases.put(e.getKey().table(), (ObjectNode) Json.MAPPER.readTree(TypedRecords.json(e.getValue())));
        }
        bases.put(DeadLetters.TABLE, (ObjectNode) Json.MAPPER.readTree(deadLetterSample().json()));
        bases.put(RawReceipts.TABLE, (ObjectNode) Json.MAPPER.readTree(rawReceiptSample().json()));
        assertThat(bases.keySet()).containsExactlyInAnyOrderElementsOf(columns.keySet());

        for (Map.Entry<String, ObjectNode> e : bases.entrySet()) {
            String table = e.getKey();
            List<ClickHouseColumn> cols = columns.get(table);
            List<ObjectNode> records = new ArrayList<>();
            List<Row> rows = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                ObjectNode record = edgeRecord(e.getValue(), cols, k);
                records.add(record);
                rows.add(new Row(new TopicPartition("kaizala.rt", 0), k, TypedRecords.RECEIVED_AT_MS, null,
                        Json.MAPPER.writeValueAsBytes(record)));
            }
            assertThat(writer.write(new Batch(table, rows))).as(table + " rows all fit").isEmpty();

            String select = "SELECT " + String.join(", ", cols.stream().map(ClickHouseColumn::getColumnName).toList())
                    + " FROM " + db + "." + table + " ORDER BY row_id";
            String[] out = ch.query(select + " FORMAT JSONEachRow").trim().split("\n");
            assertThat(out).as(table).hasSize(3);
            records.sort((a, b) -> compareUtf8(a.get("row_id").asText(), b.get("row_id").asText()));
            for (int k = 0; k < 3; k++) {
                JsonNode actual = Json.MAPPER.readTree(out[k]);
                for (ClickHouseColumn c : cols) {
                    assertSame(table + "." + c.getColumnName() + " (record " + k + ")", c,
                            records.get(k).get(c.getColumnName()), actual.get(c.getColumnName()));
                }
            }
        }
    }

    /** ClickHouse sorts strings by their bytes. */
    private static int compareUtf8(String a, String b) {
        return java.util.Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static Row deadLetterSample() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(PipelineHeaders.DLQ_STAGE, "processor".getBytes(StandardCharsets.UTF_8));
        headers.add(PipelineHeaders.DLQ_REASON, "invalid_json".getBytes(StandardCharsets.UTF_8));
        headers.add(PipelineHeaders.RECEIVED_AT,
                Long.toString(TypedRecords.RECEIVED_AT_MS).getBytes(StandardCharsets.UTF_8));
        return DeadLetters.fromDeadLetterTopic(new ConsumerRecord<>(DLQ_PROCESSOR_TOPIC, 1, 5, 1L,
                TimestampType.CREATE_TIME, -1, -1, "k".getBytes(StandardCharsets.UTF_8),
                "{not json".getBytes(StandardCharsets.UTF_8), headers, Optional.empty()), TopicId.DLQ_PROCESSOR);
    }

    private static Row rawReceiptSample() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(PipelineHeaders.REQUEST_ID, "req-1".getBytes(StandardCharsets.UTF_8));
        headers.add(PipelineHeaders.RECEIVED_AT,
                Long.toString(TypedRecords.RECEIVED_AT_MS).getBytes(StandardCharsets.UTF_8));
        return RawReceipts.fromRawTopic(new ConsumerRecord<>(RAW_TOPIC, 1, 6, 1L, TimestampType.CREATE_TIME, -1, -1,
                "k".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8), headers,
                Optional.empty()));
    }

    /** The base record with every insert column set to edge value number {@code k} of its type. */
    private static ObjectNode edgeRecord(ObjectNode base, List<ClickHouseColumn> cols, int k) {
        ObjectNode r = base.deepCopy();
        for (ClickHouseColumn type : cols) {
            String name = type.getColumnName();
            if (name.equals("row_id")) {
                r.put(name, "row " + k + " é😀");
            } else if (TIME_COLUMNS.contains(name)) {
                r.put(name, TIMES[k]);
            } else {
                r.set(name, edge(type, k, name));
            }
        }
        return r;
    }

    private static JsonNode edge(ClickHouseColumn type, int k, String column) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (type.isNullable() && k == 0) {
            return f.nullNode();
        }
        if (type.isArray()) {
            ClickHouseColumn element = type.getNestedColumns().get(0);
            ArrayNode a = f.arrayNode();
            if (k == 1) {
                a.add(edge(element, 1, column)).add(edge(element, 0, column));
            } else if (k == 2) {
                for (int i = 0; i < 200; i++) {
                    a.add(element.getDataType() == ClickHouseDataType.String
                            ? f.textNode("é" + i)
                            : edge(element, 2, column));
                }
            }
            return a;
        }
        return switch (type.getDataType()) {
            case String -> f.textNode(switch (k) {
                case 0 -> "";
                case 1 -> TORTURE;
                default -> column + ":" + "x".repeat(300);
            });
            case Int8 -> f.numberNode(new long[]{Byte.MIN_VALUE, Byte.MAX_VALUE, -1}[k]);
            case Int16 -> f.numberNode(new long[]{Short.MIN_VALUE, Short.MAX_VALUE, -1}[k]);
            case Int32 -> f.numberNode(new long[]{Integer.MIN_VALUE, Integer.MAX_VALUE, -1}[k]);
            case Int64 -> f.numberNode(new long[]{Long.MIN_VALUE, Long.MAX_VALUE, -1}[k]);
            case UInt8 -> k == 2 ? f.booleanNode(true) : f.numberNode(new long[]{0, 255}[k]);
            case UInt16 -> f.numberNode(new long[]{0, 65535, 7}[k]);
            case UInt32 -> f.numberNode(new long[]{0, 4_294_967_295L, 7}[k]);
            case UInt64 -> f.numberNode(new BigInteger[]{BigInteger.ZERO, new BigInteger("18446744073709551615"),
                    BigInteger.valueOf((1L << 62) + TypedRecords.RECEIVED_AT_MS)}[k]);
            // the smallest normal, not Double.MIN_VALUE: ClickHouse 18.16's text parser reads subnormals as 0
            case Float64 -> f.numberNode(new double[]{-0.0, Double.MAX_VALUE, Double.MIN_NORMAL}[k]);
            case DateTime -> f.numberNode(new long[]{0, 4_294_967_295L, 1_795_780_123L}[k]);
            default -> throw new AssertionError(column + ": no edge values for " + type.getOriginalTypeName() + " yet");
        };
    }

    /** {@code actual} as ClickHouse's JSONEachRow writes it (64-bit integers quoted) equals {@code expected}. */
    private static void assertSame(String what, ClickHouseColumn type, JsonNode expected, JsonNode actual) {
        assertThat(actual).as(what + " present").isNotNull();
        if (expected.isNull()) {
            assertThat(actual.isNull()).as(what + " is NULL").isTrue();
            return;
        }
        assertThat(actual.isNull()).as(what + " is not NULL").isFalse();
        if (type.isArray()) {
            assertThat(actual.size()).as(what + " length").isEqualTo(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                assertSame(what + "[" + i + "]", type.getNestedColumns().get(0), expected.get(i), actual.get(i));
            }
            return;
        }
        switch (type.getDataType()) {
            case String -> assertThat(actual.asText()).as(what).isEqualTo(expected.asText());
            // numerically equal (every mantissa bit); JSONEachRow writes -0, which a JSON parser reads as the integer 0
            case Float64 -> assertThat(Double.parseDouble(actual.asText()) == expected.doubleValue())
                    .as(what + " = " + expected + ", read back " + actual.asText())
                    .isTrue();
            case DateTime -> throw new AssertionError(what + ": no table had a DateTime insert column when this test "
                    + "was written; compare toUnixTimestamp(column) here");
            default -> { // integers (ClickHouse quotes 64-bit ones)
                BigDecimal want = expected.isBoolean()
                        ? BigDecimal.valueOf(expected.asBoolean() ? 1 : 0)
                        : expected.decimalValue();
                assertThat(new BigDecimal(actual.asText())).as(what).isEqualByComparingTo(want);
            }
        }
    }
}
