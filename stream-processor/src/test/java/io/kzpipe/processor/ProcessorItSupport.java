package io.kzpipe.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.model.json.Json;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import io.kzpipe.testkit.ServiceProcess;
import io.kzpipe.testkit.TestKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Shared set-up and assertions of the processor integration tests. */
final class ProcessorItSupport {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ProcessorItSupport() {}

    /** Processor env for a test: its own topic prefix, application id and state dir; fast commits. */
    static Map<String, String> env(TestKafka kafka, String prefix, Path stateDir) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("TOPIC_PREFIX", prefix);
        env.put("PROCESSOR_APPLICATION_ID", prefix + "processor");
        env.put("PROCESSOR_STATE_DIR", stateDir.toAbsolutePath().toString());
        env.put("PROCESSOR_MANAGEMENT_HOST", "127.0.0.1");
        env.put("PROCESSOR_MANAGEMENT_PORT", "0");
        env.put("PROCESSOR_STARTUP_TIMEOUT", "90s");
        env.put("KAFKA_STREAMS_COMMIT_INTERVAL_MS", "100");
        // a killed member must leave the group quickly (the broker's minimum session timeout is 6 s)
        env.put("KAFKA_STREAMS_CONSUMER_SESSION_TIMEOUT_MS", "6000");
        env.put("KAFKA_STREAMS_CONSUMER_HEARTBEAT_INTERVAL_MS", "1500");
        return env;
    }

    /**
     * Waits until the application's committed offsets on {@code rawTopic} equal its end offsets. With
     * exactly-once the offsets are committed in the same transaction as the outputs, so every output is then
     * visible to read_committed consumers.
     */
    static void awaitCaughtUp(TestKafka kafka, String applicationId, String rawTopic, Duration timeout) {
        try (Admin admin = Admin.create(kafka.adminProps())) {
            await().atMost(timeout)
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> caughtUp(admin, applicationId, rawTopic));
        }
    }

    private static boolean caughtUp(Admin admin, String group, String topic) throws Exception {
        var description = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
        Map<TopicPartition, OffsetSpec> specs = description.partitions()
                .stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
        var ends = admin.listOffsets(specs).all().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
        return ends.entrySet().stream().allMatch(e -> {
            OffsetAndMetadata c = committed.get(e.getKey());
            return e.getValue().offset() == 0 || (c != null && c.offset() >= e.getValue().offset());
        });
    }

    /** Every processor output topic read to its end (read_committed). */
    static Map<TopicId, List<ConsumerRecord<String, byte[]>>> readAll(TestKafka kafka, Topics topics) {
        Map<TopicId, List<ConsumerRecord<String, byte[]>>> out = new EnumMap<>(TopicId.class);
        for (TopicId id : TopicId.processorOutputs()) {
            out.put(id, kafka.readToEnd(topics.name(id), Duration.ofSeconds(60)));
        }
        return out;
    }

    static Map<TopicId, Integer> counts(Map<TopicId, List<ConsumerRecord<String, byte[]>>> out) {
        Map<TopicId, Integer> counts = new HashMap<>();
        out.forEach((id, records) -> {
            if (!records.isEmpty()) {
                counts.put(id, records.size());
            }
        });
        return counts;
    }

    /**
     * Exactly one committed outcome per raw record (row id = its coordinates, none missing, none twice, none for a
     * record that does not exist), and the number of outcomes of each kind.
     */
    static Map<String, Long> assertOneOutcomePerRawRecord(TestKafka kafka, String raw,
            Map<TopicId, List<ConsumerRecord<String, byte[]>>> out) {
        Set<String> coordinates = new HashSet<>();
        for (ConsumerRecord<String, byte[]> r : kafka.readToEnd(raw, Duration.ofSeconds(60))) {
            coordinates.add(r.topic() + ":" + r.partition() + ":" + r.offset());
        }
        List<String> rowIds = new ArrayList<>();
        Map<String, Long> kinds = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> r : out.get(TopicId.RAW_OUTCOMES)) {
            try {
                JsonNode outcome = Json.MAPPER.readTree(r.value());
                rowIds.add(outcome.get("row_id").asText());
                kinds.merge(outcome.get("outcome").asText(), 1L, Long::sum);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assertThat(rowIds).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(coordinates);
        return kinds;
    }

    /** No typed record was written twice: row ids are unique per topic. */
    static void assertNoRowTwice(Map<TopicId, List<ConsumerRecord<String, byte[]>>> out) {
        out.forEach((id, records) -> {
            if (!id.isTyped()) {
                return;
            }
            Set<String> rowIds = new HashSet<>();
            for (ConsumerRecord<String, byte[]> r : records) {
                try {
                    String rowId = Json.MAPPER.readTree(r.value()).get("row_id").asText();
                    assertThat(rowIds.add(rowId)).as("row %s written twice to %s", rowId, id).isTrue();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
    }

    /** Waits until the child process answers {@code /health/ready} with 200 on {@code port}, failing if it dies. */
    static void awaitReady(ServiceProcess processor, int port, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            assertThat(processor.isAlive()).as(processor.logTail(40)).isTrue();
            assertThat(readyStatus(port)).isEqualTo(200);
        });
    }

    private static int readyStatus(int port) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                    .timeout(Duration.ofSeconds(2))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
