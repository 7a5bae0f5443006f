package io.kzpipe.processor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kzpipe.model.config.SettingException;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import io.kzpipe.processor.errors.ProductionErrorPolicy;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class ProcessorConfigTest {

    private static final Topics TOPICS = Topics.defaults();
    private static final String DLQ_PROCESSOR_TOPIC = TOPICS.name(TopicId.DLQ_PROCESSOR);

    @Test
    void defaultsAreExactlyOnceWithNamedErrorHandlers() {
        ProcessorConfig c = ProcessorConfig.fromEnv(Map.of());

        assertThat(c.applicationId()).isEqualTo("kaizala-processor");
        assertThat(c.dedupWindow()).isEqualTo(Duration.ofHours(72));
        assertThat(c.managementPort()).isEqualTo(8081);
        assertThat(c.piiHashSecret()).isNull();
        assertThat(c.stateDir()).isNull();
        Properties p = c.streamsProperties();
        assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("exactly_once_v2");
        assertThat(p.get(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("kaizala-processor");
        assertThat(p.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)).isEqualTo("127.0.0.1:9092");
        assertThat(p.get(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG))
                .isEqualTo(ProductionErrorPolicy.class.getName());
        assertThat(p.get(ProductionErrorPolicy.DLQ_TOPIC_CONFIG)).isEqualTo(DLQ_PROCESSOR_TOPIC);
        assertThat(p).containsKeys(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG);
        assertThat(p).doesNotContainKey(StreamsConfig.STATE_DIR_CONFIG);
        assertThat(p).containsEntry("main.consumer.fetch.min.bytes", 64 * 1024)
                .containsEntry("main.consumer.fetch.max.wait.ms", 100);
        new StreamsConfig(p); // Streams accepts every key and value
    }

    @Test
    void settingsComeFromEnvAndStreamsSettingsPassThroughLast() {
        ProcessorConfig c = ProcessorConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "b1:9092,b2:9092",
                "PROCESSOR_APPLICATION_ID", "proc-2", "PROCESSOR_DEDUP_WINDOW", "3d", "PROCESSOR_STATE_DIR",
                "/var/lib/proc", "PROCESSOR_MANAGEMENT_PORT", "9181", "TOPIC_PREFIX", "kz.",
                "KAFKA_CLIENT_SECURITY_PROTOCOL", "SSL", "KAFKA_STREAMS_PROCESSING_GUARANTEE", "at_least_once",
                "KAFKA_STREAMS_NUM_STREAM_THREADS", "2", "KAFKA_STREAMS_PRODUCER_LINGER_MS", "50"));

        assertThat(c.dedupWindow()).isEqualTo(Duration.ofDays(3));
        assertThat(c.managementPort()).isEqualTo(9181);
        Properties p = c.streamsProperties();
        assertThat(p).containsEntry("application.id", "proc-2")
                .containsEntry("state.dir", "/var/lib/proc")
                .containsEntry("bootstrap.servers", "b1:9092,b2:9092")
                .containsEntry("security.protocol", "SSL")
                .containsEntry("processing.guarantee", "at_least_once")
                .containsEntry("num.stream.threads", "2")
                .containsEntry("producer.linger.ms", "50")
                .containsEntry(ProductionErrorPolicy.DLQ_TOPIC_CONFIG, "kz." + TopicId.DLQ_PROCESSOR.suffix());
    }

    @Test
    void theInstanceIdBecomesTheStaticGroupInstanceIdOfEachMainConsumerThread() {
        ProcessorConfig c = ProcessorConfig.fromEnv(Map.of("PROCESSOR_INSTANCE_ID", "processor-0"));
        StreamsConfig streams = new StreamsConfig(c.streamsProperties());

        // how Streams itself builds the consumer of stream thread 1 and 2 (it appends the thread index)
        assertThat(streams.getMainConsumerConfigs("kaizala-processor", "c1", 1))
                .containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "processor-0-1");
        assertThat(streams.getMainConsumerConfigs("kaizala-processor", "c2", 2))
                .containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "processor-0-2");
        // the restore consumer is in no group
        assertThat(streams.getRestoreConsumerConfigs("r")).doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        assertThat(c.toString()).contains("instanceId=processor-0");
    }

    @Test
    void withoutAnInstanceIdMembershipStaysDynamic() {
        StreamsConfig streams = new StreamsConfig(ProcessorConfig.fromEnv(Map.of()).streamsProperties());
        assertThat(streams.getMainConsumerConfigs("kaizala-processor", "c1", 1))
                .doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    }

    @Test
    void anInstanceIdKafkaWouldRefuseIsAConfigProblem() {
        assertThatThrownBy(() -> ProcessorConfig.fromEnv(Map.of("PROCESSOR_INSTANCE_ID", "pod 0/a")))
                .isInstanceOfSatisfying(SettingException.class,
                        e -> assertThat(e.problems()).singleElement().asString().startsWith("PROCESSOR_INSTANCE_ID"));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> ProcessorConfig
                .fromEnv(Map.of("PROCESSOR_DEDUP_WINDOW", "forever", "PROCESSOR_MANAGEMENT_PORT", "70000",
                        "PII_HASH_SECRET", "short", "PROCESSOR_APPLICATION_ID", "bad id", "TOPIC_RAW", "bad topic!")))
                .isInstanceOfSatisfying(SettingException.class,
                        e -> assertThat(e.problems()).hasSize(5)
                                .anyMatch(p -> p.startsWith("PROCESSOR_DEDUP_WINDOW"))
                                .anyMatch(p -> p.startsWith("PROCESSOR_MANAGEMENT_PORT"))
                                .anyMatch(p -> p.startsWith("PII_HASH_SECRET"))
                                .anyMatch(p -> p.startsWith("PROCESSOR_APPLICATION_ID"))
                                .anyMatch(p -> p.startsWith("TOPIC_RAW")));
    }

    @Test
    void everySizeFollowsFromTheGatewaysLargestBody() {
        ProcessorConfig byDefault = ProcessorConfig.fromEnv(Map.of());
        ProcessorConfig small = ProcessorConfig.fromEnv(Map.of("GATEWAY_MAX_BODY_BYTES", "2048"));

        int typed = 36 * 1024 * 1024 + 64 * 1024;
        assertThat(byDefault.maxRecordBytes()).isEqualTo(typed);
        assertThat(byDefault.rawJsonMaxBytes()).isEqualTo(256 * 1024);
        assertThat(byDefault.typedTopicConfigs()).containsEntry("max.message.bytes", Integer.toString(typed));
        assertThat(byDefault.limits().bodyTopicConfigs()).containsEntry("max.message.bytes", "1114112");
        assertThat(byDefault.streamsProperties()).containsEntry("producer.max.request.size", typed)
                .containsEntry("producer.buffer.memory", (long) typed);

        assertThat(small.maxRecordBytes()).isEqualTo(36 * 2048 + 64 * 1024);
        assertThat(small.rawJsonMaxBytes()).as("never above the body limit").isEqualTo(2048);
        assertThat(small.typedTopicConfigs()).as("never below Kafka's default")
                .containsEntry("max.message.bytes", "1048588");
        assertThat(small.streamsProperties()).containsEntry("producer.max.request.size", 36 * 2048 + 64 * 1024)
                .containsEntry("producer.buffer.memory", 32L * 1024 * 1024);
    }

    @Test
    void aLargerRecordLimitIsAcceptedAndSizesTheProducerAndTopics() {
        ProcessorConfig c = ProcessorConfig.fromEnv(Map.of("PROCESSOR_MAX_RECORD_BYTES", "50000000"));

        assertThat(c.typedTopicConfigs()).containsEntry("max.message.bytes", "50000000");
        assertThat(c.streamsProperties()).containsEntry("producer.max.request.size", 50_000_000)
                .containsEntry("producer.buffer.memory", 50_000_000L);
    }

    @Test
    void anOverrideBelowWhatTheBodyLimitRequiresFailsStartUpNamingBothSettings() {
        assertThatThrownBy(() -> ProcessorConfig.fromEnv(Map.of("PROCESSOR_MAX_RECORD_BYTES", "1000000",
                "PROCESSOR_RAW_JSON_MAX_BYTES", "2000000", "KAFKA_STREAMS_PRODUCER_MAX_REQUEST_SIZE", "2097152",
                "KAFKA_STREAMS_PRODUCER_BUFFER_MEMORY", "33554432")))
                .isInstanceOfSatisfying(SettingException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "PROCESSOR_MAX_RECORD_BYTES is 1000000, below the 37814272 bytes that GATEWAY_MAX_BODY_BYTES"
                                + " (1048576) requires for the largest typed record of a body; raise it or lower"
                                + " GATEWAY_MAX_BODY_BYTES",
                        "PROCESSOR_RAW_JSON_MAX_BYTES is 2000000, above GATEWAY_MAX_BODY_BYTES (1048576); the"
                                + " typed-record limit derived from it allows at most that",
                        "KAFKA_STREAMS_PRODUCER_MAX_REQUEST_SIZE is 2097152, below the 37814272 bytes that"
                                + " GATEWAY_MAX_BODY_BYTES (1048576) requires for the largest record the processor"
                                + " writes (PROCESSOR_MAX_RECORD_BYTES or a dead letter); raise it or lower"
                                + " GATEWAY_MAX_BODY_BYTES",
                        "KAFKA_STREAMS_PRODUCER_BUFFER_MEMORY is 33554432, below the 37814272 bytes that"
                                + " GATEWAY_MAX_BODY_BYTES (1048576) requires for the largest record the processor"
                                + " writes (PROCESSOR_MAX_RECORD_BYTES or a dead letter); raise it or lower"
                                + " GATEWAY_MAX_BODY_BYTES"));
    }

    @Test
    void theBodyLimitIsReadWithTheGatewaysRange() {
        assertThatThrownBy(() -> ProcessorConfig.fromEnv(Map.of("GATEWAY_MAX_BODY_BYTES", "4194304")))
                .isInstanceOf(SettingException.class)
                .hasMessageContaining("GATEWAY_MAX_BODY_BYTES must be between 1024 and 2097152, got 4194304");
    }

    @Test
    void toStringMasksTheSecretAndSecretClientSettings() {
        ProcessorConfig c = ProcessorConfig.fromEnv(Map.of("PII_HASH_SECRET", "super-secret-value-123",
                "KAFKA_STREAMS_SASL_JAAS_CONFIG", "user=x password=hunter2"));

        assertThat(c.piiHashSecret()).isEqualTo("super-secret-value-123");
        assertThat(c.toString()).doesNotContain("super-secret-value-123")
                .doesNotContain("hunter2")
                .contains("piiHashing=on");
    }
}
