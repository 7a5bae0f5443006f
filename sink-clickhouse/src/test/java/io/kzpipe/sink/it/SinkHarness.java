package io.kzpipe.sink.it;

import io.kzpipe.model.record.NumericAnswer;
import io.kzpipe.model.record.ResponseRecord;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import io.kzpipe.sink.config.SinkConfig;
import io.kzpipe.sink.support.TypedRecords;
import io.kzpipe.testkit.TestClickHouse;
import io.kzpipe.testkit.TestKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/** One sink deployment for an end-to-end test: unique topics, group and database on the shared servers. */
final class SinkHarness {

    final TestKafka kafka;
    final TestClickHouse ch;
    final String prefix;
    final String group;
    final String db;
    final Topics topics;

    SinkHarness(TestKafka kafka, TestClickHouse ch) {
        this.kafka = kafka;
        this.ch = ch;
        this.prefix = kafka.uniqueName("it") + ".";
        this.group = kafka.uniqueName("sink");
        this.db = ch.createDatabase("sink_e2e");
        this.topics = Topics.withPrefix(prefix);
        createTopics();
    }

    /** Creates every topic the sink reads and waits until each partition has a leader (a busy broker is slow). */
    private void createTopics() {
        List<String> names = topics.names(List.of(TopicId.values()));
        kafka.createTopics(names, 3);
        try (Admin admin = Admin.create(kafka.adminProps())) {
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> admin.describeTopics(names)
                            .allTopicNames()
                            .get(10, TimeUnit.SECONDS)
                            .values()
                            .stream()
                            .flatMap(d -> d.partitions().stream())
                            .allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
        }
    }

    /** The environment of a sink instance (fast flushes and retries); {@code extra} wins. */
    Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("TOPIC_PREFIX", prefix);
        env.put("TOPIC_PARTITIONS", "3");
        env.put("SINK_GROUP_ID", group);
        env.put("CLICKHOUSE_URL", ch.httpUrl());
        env.put("CLICKHOUSE_USER", ch.user());
        env.put("CLICKHOUSE_PASSWORD", ch.password() == null ? "" : ch.password());
        env.put("CLICKHOUSE_DATABASE", db);
        env.put("SINK_FLUSH_INTERVAL", "100ms");
        env.put("SINK_RETRY_INITIAL", "100ms");
        env.put("SINK_RETRY_MAX", "1s");
        env.put("SINK_MANAGEMENT_HOST", "127.0.0.1");
        env.put("SINK_MANAGEMENT_PORT", "0");
        env.put("KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "10000");
        env.put("KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS", "1000");
        env.putAll(extra);
        return env;
    }

    SinkConfig config(Map<String, String> extra) {
        return SinkConfig.fromEnv(env(extra));
    }

    String topic(TopicId id) {
        return topics.name(id);
    }

    /**
     * {@code n} responses (version 1) with one numeric answer each (value = i), starting at {@code from}, keyed
     * by response id, as the processor writes them: a record on the responses topic and one on the numeric
     * answers topic (the {@code _latest} views need both).
     */
    List<ProducerRecord<String, byte[]>> numericAnswers(int from, int n) {
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>(2 * n);
        long now = System.currentTimeMillis();
        ResponseRecord s = (ResponseRecord) TypedRecords.samples().get(TopicId.RESPONSES);
        for (int i = from; i < from + n; i++) {
            String responseId = "resp-" + i;
            ResponseRecord r = new ResponseRecord(1, ResponseRecord.rowId(responseId, 1), "ev-" + responseId,
                    s.eventType(), responseId, s.actionId(), s.groupId(), s.actionPackageId(), s.packageId(),
                    s.responder(), s.responderId(), s.responderName(), s.responderProfilePic(), false, false, null, 1,
                    1, now);
            NumericAnswer a = NumericAnswer.of(TypedRecords.key(responseId, 1, 0, "Numeric"), i);
            out.add(new ProducerRecord<>(topic(TopicId.RESPONSES), null, now, responseId, TypedRecords.json(r)));
            out.add(new ProducerRecord<>(topic(TopicId.ANSWERS_NUMERIC), null, now, responseId, TypedRecords.json(a)));
        }
        return out;
    }

    /**
     * Produces and waits for every acknowledgement. Not idempotent on purpose: right after topic creation the
     * in-process test broker sometimes answers an idempotent producer's retry with OUT_OF_ORDER_SEQUENCE_NUMBER
     * forever; a plain retry may duplicate a record instead, which the sink must (and does) absorb anyway.
     */
    void produce(List<ProducerRecord<String, byte[]>> records) {
        Map<String, Object> props = kafka.producerProps();
        props.put("enable.idempotence", false);
        props.put("max.in.flight.requests.per.connection", 1);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            var futures = records.stream().map(producer::send).toList();
            producer.flush();
            for (var f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot produce to " + kafka, e);
        }
    }

    long count(String table) {
        return Long.parseLong(ch.query("SELECT count() FROM " + db + "." + table).trim());
    }

    /** Offsets the group committed for {@code topic}'s partitions, and that topic's end offsets. */
    Map<String, Map<TopicPartition, Long>> committedAndEnd(String topic) throws Exception {
        try (Admin admin = Admin.create(kafka.adminProps())) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            Set<TopicPartition> partitions = Set.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1),
                    new TopicPartition(topic, 2));
            Map<TopicPartition, Long> end = admin
                    .listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .entrySet()
                    .stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
            Map<TopicPartition, Long> com = committed.entrySet()
                    .stream()
                    .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
            return Map.of("committed", com, "end", end);
        }
    }

    static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
