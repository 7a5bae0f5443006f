package io.kzpipe.processor.topology;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.model.json.Json;
import io.kzpipe.model.json.JsonSerde;
import io.kzpipe.model.topic.PipelineHeaders;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import io.kzpipe.processor.config.ProcessorConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The processor topology under {@link TopologyTestDriver}, built from a literal env map exactly as
 * {@code ProcessorApp} builds it (same config, same Streams properties), with helpers to pipe raw
 * deliveries and read typed outputs.
 */
final class TopologyHarness implements AutoCloseable {

    static final long T0 = Instant.parse("2026-11-01T10:00:00Z").toEpochMilli();

    final ProcessorConfig config;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final Topics topics;
    final String applicationId = "ttd-" + System.nanoTime();
    private final Path stateDir;
    private final TopologyTestDriver driver;
    private final TestInputTopic<byte[], byte[]> raw;
    private final Map<TopicId, TestOutputTopic<String, byte[]>> outputs = new HashMap<>();

    TopologyHarness() {
        this(Map.of());
    }

    TopologyHarness(Map<String, String> env) {
        this(env, null);
    }

    /** @param mappers replaces the event mapper of each task ({@code null}: the real one) */
    TopologyHarness(Map<String, String> env, Supplier<RecordMapper> mappers) {
        try {
            stateDir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "ttd-state")), "ttd");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> all = new HashMap<>(
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "unused:9092", "PROCESSOR_STATE_DIR", stateDir.toString()));
        all.putAll(env);
        config = ProcessorConfig.fromEnv(all);
        topics = config.kafka().topics();
        Properties props = config.streamsProperties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        ProcessorTopology.Settings settings = ProcessorTopology.Settings.of(config,
                new ProcessorMetrics(registry, topics));
        driver = new TopologyTestDriver(
                mappers == null ? ProcessorTopology.build(settings) : ProcessorTopology.build(settings, mappers), props,
                Instant.ofEpochMilli(T0));
        raw = driver.createInputTopic(topics.name(TopicId.RAW), new ByteArraySerializer(), new ByteArraySerializer());
        for (TopicId id : TopicId.processorOutputs()) {
            outputs.put(id,
                    driver.createOutputTopic(topics.name(id), new StringDeserializer(), new ByteArrayDeserializer()));
        }
    }

    static byte[] fixture(String name) {
        try (InputStream in = TopologyHarness.class.getResourceAsStream("/events/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Pipes a delivery as the gateway writes it: timestamp and {@code kz-received-at} = {@code receivedAt}. */
    void pipe(String key, byte[] value, long receivedAt) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(PipelineHeaders.RECEIVED_AT, Long.toString(receivedAt).getBytes(StandardCharsets.US_ASCII));
        headers.add(PipelineHeaders.REQUEST_ID, utf8("req-" + receivedAt));
        headers.add(PipelineHeaders.CONTENT_TYPE, utf8("application/json"));
        pipe(new TestRecord<>(key == null ? null : utf8(key), value, headers, receivedAt));
    }

    void pipe(String key, byte[] value) {
        pipe(key, value, T0);
    }

    void pipe(TestRecord<byte[], byte[]> record) {
        raw.pipeInput(record);
    }

    List<TestRecord<String, byte[]>> records(TopicId id) {
        return outputs.get(id).readRecordsToList();
    }

    /** Values of the next records on {@code id} as JSON trees (consumes them). */
    List<JsonNode> json(TopicId id) {
        return records(id).stream().map(r -> tree(r.value())).toList();
    }

    /** Values of the next records on {@code id} as their typed record class (consumes them). */
    <T> List<T> typed(TopicId id, Class<T> type) {
        JsonSerde<T> serde = JsonSerde.of(type);
        return records(id).stream().map(r -> serde.deserialize("t", r.value())).toList();
    }

    /**
     * Counts of every output topic but {@link TopicId#RAW_OUTCOMES} (one per raw record whatever happens, tested
     * by {@code RawOutcomeTest}); consumes all outputs, the outcomes included.
     */
    Map<TopicId, Integer> drainCounts() {
        Map<TopicId, Integer> counts = new HashMap<>();
        for (TopicId id : TopicId.processorOutputs()) {
            int n = records(id).size();
            if (n > 0 && id != TopicId.RAW_OUTCOMES) {
                counts.put(id, n);
            }
        }
        return counts;
    }

    /** A key-value store of the processor, for reading it or for restoring it (as Streams does from its changelog). */
    <V> KeyValueStore<String, V> keyValueStore(String name) {
        return driver.getKeyValueStore(name);
    }

    /** The records written so far to the changelog topic of state store {@code store} (consumes them). */
    List<TestRecord<String, byte[]>> changelog(String store) {
        String topic = applicationId + "-" + store + "-changelog";
        if (!driver.producedTopicNames().contains(topic)) {
            return List.of();
        }
        return driver.createOutputTopic(topic, new StringDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList();
    }

    double counter(String name, String tagKey, String tagValue) {
        Counter c = registry.find(name).tag(tagKey, tagValue).counter();
        return c == null ? Double.NaN : c.count();
    }

    static JsonNode tree(byte[] value) {
        try {
            return Json.MAPPER.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.close();
        try (var files = Files.walk(stateDir)) {
            files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // temp dir; nothing to do
        }
    }
}
