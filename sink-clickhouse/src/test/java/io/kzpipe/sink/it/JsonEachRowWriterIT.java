package io.kzpipe.sink.it;

import static io.kzpipe.sink.it.ClickHouseSchemaIT.settings;
import static org.assertj.core.api.Assertions.assertThat;

import com.clickhouse.client.api.Client;
import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.model.json.Json;
import io.kzpipe.model.record.NumericAnswer;
import io.kzpipe.model.record.TypedRecord;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import io.kzpipe.sink.SinkMetrics;
import io.kzpipe.sink.batch.Batch;
import io.kzpipe.sink.batch.BatchDelivery;
import io.kzpipe.sink.batch.Row;
import io.kzpipe.sink.clickhouse.ClickHouseBatchWriter;
import io.kzpipe.sink.clickhouse.ClickHouseSql;
import io.kzpipe.sink.clickhouse.RetryPolicy;
import io.kzpipe.sink.clickhouse.SchemaMigrator;
import io.kzpipe.sink.clickhouse.TableColumns;
import io.kzpipe.sink.config.SinkConfig;
import io.kzpipe.sink.support.TypedRecords;
import io.kzpipe.testkit.ClickHouseExtension;
import io.kzpipe.testkit.TestClickHouse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The writer with {@code SINK_INSERT_FORMAT=JSONEachRow} against a real server: every table loads, and rows
 * ClickHouse itself refuses are isolated by splitting the batch and dead-lettered with ClickHouse's error.
 */
@ExtendWith(ClickHouseExtension.class)
class JsonEachRowWriterIT {

    private static final Topics TOPICS = Topics.defaults();
    private static final String ANSWERS_NUMERIC_TOPIC = TOPICS.name(TopicId.ANSWERS_NUMERIC);

    private TestClickHouse ch;
    private String db;
    private Client client;
    private ClickHouseBatchWriter writer;
    private BatchDelivery delivery;

    @BeforeEach
    void setUp(TestClickHouse ch) throws Exception {
        this.ch = ch;
        db = ch.createDatabase("sink_json");
        client = ClickHouseSql.newClient(settings(ch, db));
        ClickHouseSql sql = new ClickHouseSql(client, Duration.ofSeconds(60));
        new SchemaMigrator(sql, db).migrate();
        writer = new ClickHouseBatchWriter(client, db, TableColumns.load(sql, db,
                TopicId.sinkInputs().stream().map(TopicId::table).distinct().toList()),
                SinkConfig.InsertFormat.JSON_EACH_ROW, Duration.ofSeconds(60));
        RetryPolicy policy = new RetryPolicy(new SinkConfig.Retry(Duration.ofMillis(10), Duration.ofSeconds(1), 2, 0));
        delivery = new BatchDelivery(writer, policy, new SinkMetrics(new SimpleMeterRegistry()));
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    @Test
    void everyTableLoads() throws Exception {
        long offset = 0;
        for (Map.Entry<TopicId, TypedRecord> e : TypedRecords.samples().entrySet()) {
            Row row = new Row(new TopicPartition("kaizala." + e.getKey().suffix(), 0), offset++, TypedRecords.RECEIVED_AT_MS,
                    null, TypedRecords.json(e.getValue()));
            assertThat(writer.write(new Batch(e.getKey().table(), List.of(row)))).isEmpty();
            assertThat(ch.query("SELECT count() FROM " + db + "." + e.getKey().table()).trim()).isEqualTo("1");
        }
    }

    @Test
    void aRowClickHouseRefusesIsIsolatedAndDeadLetteredWithClickHousesErrorWhileItsNeighboursLoad() throws Exception {
        List<Row> rows = new ArrayList<>();
        NumericAnswer template = (NumericAnswer) TypedRecords.samples().get(TopicId.ANSWERS_NUMERIC);
        String poison = new String(TypedRecords.json(template), StandardCharsets.UTF_8)
                .replace("\"value\":-12.625", "\"value\":\"not a number\"");
        for (int i = 0; i < 100; i++) {
            byte[] json = i == 37 ? poison.getBytes(StandardCharsets.UTF_8)
                    : i == 73 ? "{\"row_id\":\"broken".getBytes(StandardCharsets.UTF_8)
                    : TypedRecords.json(NumericAnswer.of(TypedRecords.key("resp-p" + i, 1, 1, "Numeric"), i));
            rows.add(new Row(new TopicPartition(ANSWERS_NUMERIC_TOPIC, 0), i, TypedRecords.RECEIVED_AT_MS, null, json));
        }

        BatchDelivery.Outcome outcome = delivery.deliver(new Batch("answers_numeric", rows));

        assertThat(outcome).isEqualTo(new BatchDelivery.Outcome(98, 2));
        assertThat(ch.query("SELECT count() FROM " + db + ".answers_numeric").trim()).isEqualTo("98");
        String[] lines = ch.query("SELECT row_id, stage, reason, source_topic, source_offset, detail FROM " + db
                + ".dead_letters ORDER BY source_offset").trim().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).startsWith("sink:kaizala.answers.numeric:0:37\tsink\tclickhouse_rejected\tkaizala.answers.numeric\t37\t")
                .contains("Code: 27", "Cannot parse");
        assertThat(lines[1]).startsWith("sink:kaizala.answers.numeric:0:73\tsink\tclickhouse_rejected\tkaizala.answers.numeric\t73\t")
                .contains("Code: 26");
        JsonNode first = Json.MAPPER.readTree(ch.query("SELECT payload FROM " + db
                + ".dead_letters WHERE source_offset = 37 FORMAT JSONEachRow"));
        assertThat(first.get("payload").asText()).isEqualTo(poison);
    }
}
