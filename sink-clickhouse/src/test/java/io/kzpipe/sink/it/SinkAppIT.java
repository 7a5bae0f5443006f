package io.kzpipe.sink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kzpipe.model.ops.ServiceMetrics;
import io.kzpipe.model.record.TypedRecord;
import io.kzpipe.model.topic.PipelineHeaders;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.sink.SinkApp;
import io.kzpipe.sink.clickhouse.BatchWriter;
import io.kzpipe.sink.metrics.MeterCounts;
import io.kzpipe.sink.support.TypedRecords;
import io.kzpipe.testkit.ClickHouseExtension;
import io.kzpipe.testkit.KafkaExtension;
import io.kzpipe.testkit.TcpProxy;
import io.kzpipe.testkit.TestClickHouse;
import io.kzpipe.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The whole sink in-process against a real broker and a real ClickHouse. */
@ExtendWith({KafkaExtension.class, ClickHouseExtension.class})
class SinkAppIT {

    private static final Duration LONG = Duration.ofSeconds(90);
    private final List<SinkApp> apps = new ArrayList<>();

    @AfterEach
    void closeApps() {
        apps.forEach(SinkApp::close);
    }

    private SinkApp start(SinkHarness h, Map<String, String> extra, UnaryOperator<BatchWriter> decorator)
            throws Exception {
        SinkApp app = new SinkApp(h.config(extra), ServiceMetrics.newRegistry(SinkApp.SERVICE), decorator);
        apps.add(app);
        app.start();
        return app;
    }

    private static double count(SinkApp app, String name, String... tags) {
        return MeterCounts.count(app.registry(), name, tags);
    }

    @Test
    void loadsEveryTypedAndDeadLetterTopicCommitsAndReportsHealthAndMetrics(TestKafka kafka, TestClickHouse ch)
            throws Exception {
        SinkHarness h = new SinkHarness(kafka, ch);
        SinkApp app = start(h, Map.of(), UnaryOperator.identity());
        await().atMost(LONG).until(() -> SinkHarness.get(app.managementPort(), "/health/ready").statusCode() == 200);

        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (Map.Entry<TopicId, TypedRecord> e : TypedRecords.samples().entrySet()) {
            records.add(new ProducerRecord<>(h.topic(e.getKey()), null, System.currentTimeMillis(),
                    e.getValue().rowId(), TypedRecords.json(e.getValue())));
        }
        ProducerRecord<String, byte[]> gateway = new ProducerRecord<>(h.topic(TopicId.DLQ_GATEWAY), "req-1",
                "{\"eventId\":".getBytes(StandardCharsets.UTF_8));
        gateway.headers()
                .add(PipelineHeaders.DLQ_STAGE, "gateway".getBytes(StandardCharsets.UTF_8))
                .add(PipelineHeaders.DLQ_REASON, "truncated_json".getBytes(StandardCharsets.UTF_8));
        ProducerRecord<String, byte[]> processor = new ProducerRecord<>(h.topic(TopicId.DLQ_PROCESSOR), "ev-1",
                "[1]".getBytes(StandardCharsets.UTF_8));
        processor.headers()
                .add(PipelineHeaders.DLQ_STAGE, "processor".getBytes(StandardCharsets.UTF_8))
                .add(PipelineHeaders.DLQ_REASON, "not_an_object".getBytes(StandardCharsets.UTF_8))
                .add(PipelineHeaders.SOURCE_TOPIC, h.topic(TopicId.RAW).getBytes(StandardCharsets.UTF_8))
                .add(PipelineHeaders.SOURCE_PARTITION, "1".getBytes(StandardCharsets.UTF_8))
                .add(PipelineHeaders.SOURCE_OFFSET, "17".getBytes(StandardCharsets.UTF_8));
        ProducerRecord<String, byte[]> raw = new ProducerRecord<>(h.topic(TopicId.RAW), 0, 1_795_780_000_000L, "ev-1",
                "{\"eventId\":\"ev-1\"}".getBytes(StandardCharsets.UTF_8));
        raw.headers()
                .add(PipelineHeaders.RECEIVED_AT, "1795780000123".getBytes(StandardCharsets.UTF_8))
                .add(PipelineHeaders.REQUEST_ID, "req-2".getBytes(StandardCharsets.UTF_8));
        records.add(gateway);
        records.add(processor);
        records.add(raw);
        kafka.produce(records); // idempotent: a duplicated dead letter would be a second dead_letters row

        for (TopicId id : TopicId.typed()) {
            await().atMost(LONG).until(() -> h.count(id.table() + "_latest") == 1);
        }
        await().atMost(LONG).until(() -> h.count("dead_letters_latest") == 2);
        assertThat(ch.query("SELECT stage, reason, source_topic, source_partition, source_offset FROM " + h.db
                + ".dead_letters ORDER BY stage"))
                .matches("gateway\ttruncated_json\t" + h.topic(TopicId.DLQ_GATEWAY).replace(".", "\\.") + "\t[0-2]\t0\n"
                        + "processor\tnot_an_object\t" + h.topic(TopicId.RAW).replace(".", "\\.") + "\t1\t17\n");

        await().atMost(LONG).until(() -> h.count("raw_receipts_latest") == 1);
        assertThat(ch.query("SELECT row_id, request_id, replay_of, payload_size, received_at_ms, received_at FROM "
                + h.db + ".raw_receipts"))
                .isEqualTo(h.topic(TopicId.RAW) + ":0:0\treq-2\t\t18\t1795780000123\t" + "2026-11-27 11:46:40\n");

        await().atMost(LONG).untilAsserted(() -> {
            var offsets = h.committedAndEnd(h.topic(TopicId.ANSWERS_NUMERIC));
            assertThat(offsets.get("committed")).isEqualTo(filterNonZero(offsets.get("end")));
        });
        String metrics = SinkHarness.get(app.managementPort(), "/metrics").body();
        assertThat(metrics).contains("kz_sink_rows_inserted_total{", "table=\"answers_numeric\"",
                "kz_sink_batch_rows_bucket", "kz_sink_insert_seconds_bucket", "kz_sink_freshness_seconds_bucket",
                "kafka_consumer_");
        assertThat(count(app, "kz.sink.rows.inserted", "table", "dead_letters")).isEqualTo(2);
        assertThat(SinkHarness.get(app.managementPort(), "/health/ready").body()).contains("\"UP\"", "RUNNING");
    }

    private static double assignedPartitions(SinkApp app) {
        var gauge = app.registry().find("kafka.consumer.coordinator.assigned.partitions").gauge();
        return gauge == null ? 0 : gauge.value();
    }

    private static Map<TopicPartition, Long> filterNonZero(Map<TopicPartition, Long> end) {
        Map<TopicPartition, Long> out = new java.util.HashMap<>();
        end.forEach((p, o) -> {
            if (o > 0) {
                out.put(p, o);
            }
        });
        return out;
    }

    @Test
    void aCrashBetweenInsertAndCommitThenARestartGivesExactCounts(TestKafka kafka, TestClickHouse ch) throws Exception {
        SinkHarness h = new SinkHarness(kafka, ch);
        AtomicBoolean crashed = new AtomicBoolean();
        // crash right after the first insert into answers_numeric succeeded, before its offsets are committed
        UnaryOperator<BatchWriter> crashAfterInsert = writer -> batch -> {
            var rejected = writer.write(batch);
            if (batch.table().equals("answers_numeric") && crashed.compareAndSet(false, true)) {
                throw new IllegalStateException("simulated crash after the insert of " + batch.id());
            }
            return rejected;
        };
        SinkApp first = start(h, Map.of("SINK_FLUSH_ROWS", "1000000", "SINK_FLUSH_INTERVAL", "1s"), crashAfterInsert);
        h.produce(h.numericAnswers(0, 300));

        Throwable failure = first.awaitTermination();
        assertThat(failure).hasMessageContaining("simulated crash");
        long inserted = h.count("answers_numeric");
        assertThat(inserted).as("rows inserted before the crash").isPositive();
        assertThat(h.committedAndEnd(h.topic(TopicId.ANSWERS_NUMERIC)).get("committed")).as("nothing committed")
                .isEmpty();
        first.close();

        SinkApp second = start(h, Map.of(), UnaryOperator.identity());
        await().atMost(LONG).until(() -> h.count("answers_numeric_latest") == 300);
        // the rows inserted before the crash were not committed, so the new instance inserted them again
        // (the table itself may already have merged the duplicates away: count() is not evidence)
        await().atMost(LONG).until(() -> count(second, "kz.sink.rows.inserted", "table", "answers_numeric") >= 300);
        assertThat(ch.query("SELECT sum(value), uniqExact(row_id) FROM " + h.db + ".answers_numeric_latest"))
                .isEqualTo((299 * 300 / 2) + "\t300\n");
        ch.query("OPTIMIZE TABLE " + h.db + ".answers_numeric FINAL");
        assertThat(h.count("answers_numeric")).isEqualTo(300);
    }

    @Test
    void clickHouseUnreachableForAWhileLosesNothingAndBacksOff(TestKafka kafka, TestClickHouse ch) throws Exception {
        SinkHarness h = new SinkHarness(kafka, ch);
        try (TcpProxy proxy = TcpProxy.start(ch.host(), ch.httpPort())) {
            SinkApp app = start(h,
                    Map.of("CLICKHOUSE_URL", "http://127.0.0.1:" + proxy.port(), "CLICKHOUSE_CONNECT_TIMEOUT", "1s"),
                    UnaryOperator.identity());
            h.produce(h.numericAnswers(0, 100));
            await().atMost(LONG).until(() -> h.count("answers_numeric_latest") == 100);

            proxy.disconnect();
            h.produce(h.numericAnswers(100, 100));
            await().atMost(LONG).until(() -> count(app, "kz.sink.insert.retries") >= 3);
            assertThat(SinkHarness.get(app.managementPort(), "/health/ready").statusCode()).isEqualTo(503);
            assertThat(app.registry().get("kz.sink.backing.off").gauge().value()).isEqualTo(1.0);
            assertThat(h.count("answers_numeric")).isEqualTo(100);

            proxy.reconnect();
            await().atMost(LONG).until(() -> h.count("answers_numeric_latest") == 200);
            await().atMost(LONG)
                    .until(() -> SinkHarness.get(app.managementPort(), "/health/ready").statusCode() == 200);
            assertThat(app.registry().get("kz.sink.backing.off").gauge().value()).isZero();
            assertThat(ch
                    .query("SELECT uniqExact(row_id), min(value), max(value) FROM " + h.db + ".answers_numeric_latest"))
                    .isEqualTo("200\t0\t199\n");
        }
    }

    @Test
    void instancesInOneGroupShareThePartitionsAndRebalancesLoseAndDoubleCountNothing(TestKafka kafka, TestClickHouse ch)
            throws Exception {
        SinkHarness h = new SinkHarness(kafka, ch);
        SinkApp a = start(h, Map.of(), UnaryOperator.identity());
        h.produce(h.numericAnswers(0, 1000));
        SinkApp b = start(h, Map.of(), UnaryOperator.identity());
        h.produce(h.numericAnswers(1000, 1000));
        // b joined: the group rebalanced and b owns some partitions (which ones is the assignor's choice)
        await().atMost(LONG).until(() -> assignedPartitions(b) > 0 && assignedPartitions(a) > 0);
        a.close();
        h.produce(h.numericAnswers(2000, 1000));
        SinkApp c = start(h, Map.of(), UnaryOperator.identity());
        h.produce(h.numericAnswers(3000, 1000));

        await().atMost(LONG).until(() -> h.count("answers_numeric_latest") == 4000);
        assertThat(ch.query("SELECT uniqExact(row_id), sum(value) FROM " + h.db + ".answers_numeric_latest"))
                .isEqualTo("4000\t" + (3999L * 4000 / 2) + "\n");
        await().atMost(LONG).untilAsserted(() -> {
            var offsets = h.committedAndEnd(h.topic(TopicId.ANSWERS_NUMERIC));
            assertThat(offsets.get("committed")).isEqualTo(offsets.get("end"));
        });
        assertThat(count(a, "kz.sink.rows.inserted") + count(b, "kz.sink.rows.inserted")
                + count(c, "kz.sink.rows.inserted")).isGreaterThanOrEqualTo(4000);
    }
}
