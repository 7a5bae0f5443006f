package io.kzpipe.processor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kzpipe.model.config.ConfigException;
import io.kzpipe.processor.errors.ProductionErrorPolicy;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class ProcessorConfigTest {

    @Test
    void defaultsAreExactlyOnceWithNamedErrorHandlers() {
        ProcessorConfig c = ProcessorConfig.fromEnv(Map.of());

        assertThat(c.applicationId()).isEqualTo("kaizala-processor");
        assertThat(c.dedupWindow()).isEqualTo(Duration.ofHours(72));
        assertThat(c.managementPort()).isEqualTo(8081);
        assertThat(c.piiHashingEnabled()).isFalse();
        assertThat(c.stateDir()).isNull();
        Properties p = c.streamsProperties();
        assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("exactly_once_v2");
        assertThat(p.get(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("kaizala-processor");
        assertThat(p.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)).isEqualTo("127.0.0.1:9092");
        assertThat(p.get(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG))
                .isEqualTo(ProductionErrorPolicy.class.getName());
        assertThat(p.get(ProductionErrorPolicy.DLQ_TOPIC_CONFIG)).isEqualTo("kaizala.dlq.processor");
        assertThat(p).containsKeys(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG);
        assertThat(p).doesNotContainKey(StreamsConfig.STATE_DIR_CONFIG);
        assertThat(p).containsEntry("main.consumer.fetch.min.bytes", 64 * 1024).containsEntry("main.consumer.fetch.max.wait.ms", 100);
        new StreamsConfig(p); // Streams accepts every key and value
    }

    @Test
    void settingsComeFromEnvAndStreamsSettingsPassThroughLast() {
        ProcessorConfig c = ProcessorConfig.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "b1:9092,b2:9092",
                "PROCESSOR_APPLICATION_ID", "proc-2",
                "PROCESSOR_DEDUP_WINDOW", "3d",
                "PROCESSOR_STATE_DIR", "/var/lib/proc",
                "PROCESSOR_MANAGEMENT_PORT", "9181",
                "TOPIC_PREFIX", "kz.",
                "KAFKA_CLIENT_SECURITY_PROTOCOL", "SSL",
                "KAFKA_STREAMS_PROCESSING_GUARANTEE", "at_least_once",
                "KAFKA_STREAMS_NUM_STREAM_THREADS", "2",
                "KAFKA_STREAMS_PRODUCER_LINGER_MS", "50"));

        assertThat(c.dedupWindow()).isEqualTo(Duration.ofDays(3));
        assertThat(c.managementPort()).isEqualTo(9181);
        Properties p = c.streamsProperties();
        assertThat(p).containsEntry("application.id", "proc-2").containsEntry("state.dir", "/var/lib/proc")
                .containsEntry("bootstrap.servers", "b1:9092,b2:9092").containsEntry("security.protocol", "SSL")
                .containsEntry("processing.guarantee", "at_least_once").containsEntry("num.stream.threads", "2")
                .containsEntry("producer.linger.ms", "50")
                .containsEntry(ProductionErrorPolicy.DLQ_TOPIC_CONFIG, "kz.dlq.processor");
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
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .singleElement().asString().startsWith("PROCESSOR_INSTANCE_ID"));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> ProcessorConfig.fromEnv(Map.of(
                "PROCESSOR_DEDUP_WINDOW", "forever",
                "PROCESSOR_MANAGEMENT_PORT", "70000",
                "PII_HASH_SECRET", "short",
                "PROCESSOR_APPLICATION_ID", "bad id",
                "TOPIC_RAW", "bad topic!")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(5)
                        .anyMatch(p -> p.startsWith("PROCESSOR_DEDUP_WINDOW"))
                        .anyMatch(p -> p.startsWith("PROCESSOR_MANAGEMENT_PORT"))
                        .anyMatch(p -> p.startsWith("PII_HASH_SECRET"))
                        .anyMatch(p -> p.startsWith("PROCESSOR_APPLICATION_ID"))
                        .anyMatch(p -> p.startsWith("TOPIC_RAW")));
    }

    @Test
    void bodyTopicsAndTheProducerFitTheGatewaysLargestBody() {
        ProcessorConfig byDefault = ProcessorConfig.fromEnv(Map.of());
        ProcessorConfig big = ProcessorConfig.fromEnv(Map.of("GATEWAY_MAX_BODY_BYTES", "4194304"));

        assertThat(byDefault.bodyTopicMaxBytes()).isEqualTo(1024 * 1024 + 64 * 1024);
        assertThat(byDefault.streamsProperties()).containsEntry("producer.max.request.size", 2 * 1024 * 1024);
        assertThat(big.bodyTopicMaxBytes()).isEqualTo(4 * 1024 * 1024 + 64 * 1024);
        assertThat(big.streamsProperties()).containsEntry("producer.max.request.size", 4 * 1024 * 1024 + 64 * 1024);
    }

    @Test
    void theRawJsonLimitMustBeBelowTheRecordLimit() {
        assertThatThrownBy(() -> ProcessorConfig.fromEnv(Map.of("PROCESSOR_MAX_RECORD_BYTES", "2000",
                "PROCESSOR_RAW_JSON_MAX_BYTES", "2000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("PROCESSOR_RAW_JSON_MAX_BYTES");
    }

    @Test
    void toStringMasksTheSecretAndSecretClientSettings() {
        ProcessorConfig c = ProcessorConfig.fromEnv(Map.of("PII_HASH_SECRET", "super-secret-value-123",
                "KAFKA_STREAMS_SASL_JAAS_CONFIG", "user=x password=hunter2"));

        assertThat(c.piiHashingEnabled()).isTrue();
        assertThat(c.toString()).doesNotContain("super-secret-value-123").doesNotContain("hunter2")
                .contains("piiHashing=on");
    }
}
