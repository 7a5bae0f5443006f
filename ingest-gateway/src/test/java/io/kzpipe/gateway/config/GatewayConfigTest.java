package io.kzpipe.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.kzpipe.model.config.SettingException;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayConfigTest {

    private static final Topics TOPICS = Topics.defaults();
    private static final String RAW_TOPIC = TOPICS.name(TopicId.RAW);
    private static final String DLQ_GATEWAY_TOPIC = TOPICS.name(TopicId.DLQ_GATEWAY);

    private static final Map<String, String> MINIMAL = Map.of("KAIZALA_CALLBACK_TOKENS", "s3cret-one");

    private static Map<String, String> env(String... keyValues) {
        Map<String, String> env = new HashMap<>(MINIMAL);
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return env;
    }

    private static List<String> problems(Map<String, String> env) {
        try {
            GatewayConfig.fromEnv(env);
        } catch (SettingException e) {
            return e.problems();
        }
        throw new AssertionError("expected a SettingException");
    }

    @Test
    void defaultsNeedOnlyATokenAndAreTheDocumentedOnes() {
        GatewayConfig c = GatewayConfig.fromEnv(MINIMAL);
        assertThat(c.host()).isEqualTo("0.0.0.0");
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.managementHost()).isEqualTo("0.0.0.0");
        assertThat(c.managementPort()).isEqualTo(8083);
        assertThat(c.webhookPath()).isEqualTo("/webhooks/kaizala");
        assertThat(c.callbackTokens()).containsExactly("s3cret-one");
        assertThat(c.authenticationRequired()).isTrue();
        assertThat(c.maxBodyBytes()).isEqualTo(1_048_576);
        assertThat(c.maxJsonDepth()).isEqualTo(64);
        assertThat(c.maxValidationTokenBytes()).isEqualTo(1024);
        assertThat(c.publishTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.retryAfterSeconds()).isEqualTo(5);
        assertThat(c.strictMode()).isFalse();
        assertThat(c.rawTopic()).isEqualTo(RAW_TOPIC);
        assertThat(c.deadLetterTopic()).isEqualTo(DLQ_GATEWAY_TOPIC);
        assertThat(c.kafka().bootstrapServers()).isEqualTo("127.0.0.1:9092");
    }

    @Test
    void readsEverySetting() {
        GatewayConfig c = GatewayConfig.fromEnv(Map.ofEntries(Map.entry("GATEWAY_HOST", "127.0.0.1"),
                Map.entry("GATEWAY_PORT", "9090"), Map.entry("GATEWAY_WEBHOOK_PATH", "/hooks/x-7f3a"),
                Map.entry("KAIZALA_CALLBACK_TOKENS", " new-token , old-token ,"),
                Map.entry("GATEWAY_MAX_BODY_BYTES", "2048"), Map.entry("GATEWAY_MAX_JSON_DEPTH", "10"),
                Map.entry("GATEWAY_MAX_VALIDATION_TOKEN_BYTES", "64"), Map.entry("GATEWAY_PUBLISH_TIMEOUT", "1500ms"),
                Map.entry("GATEWAY_RETRY_AFTER_SECONDS", "30"), Map.entry("GATEWAY_STRICT_MODE", "true"),
                Map.entry("GATEWAY_MAX_THREADS", "16"), Map.entry("GATEWAY_SHUTDOWN_TIMEOUT", "20s"),
                Map.entry("GATEWAY_KAFKA_CHECK_INTERVAL", "1s"),
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092"), Map.entry("TOPIC_PREFIX", "test."),
                Map.entry("TOPIC_RAW", "custom-raw"), Map.entry("GATEWAY_MANAGEMENT_HOST", "127.0.0.2"),
                Map.entry("GATEWAY_MANAGEMENT_PORT", "9091")));
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(9090);
        assertThat(c.webhookPath()).isEqualTo("/hooks/x-7f3a");
        assertThat(c.callbackTokens()).containsExactly("new-token", "old-token");
        assertThat(c.maxBodyBytes()).isEqualTo(2048);
        assertThat(c.maxJsonDepth()).isEqualTo(10);
        assertThat(c.maxValidationTokenBytes()).isEqualTo(64);
        assertThat(c.publishTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.retryAfterSeconds()).isEqualTo(30);
        assertThat(c.strictMode()).isTrue();
        assertThat(c.maxThreads()).isEqualTo(16);
        assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.kafkaCheckInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.managementHost()).isEqualTo("127.0.0.2");
        assertThat(c.managementPort()).isEqualTo(9091);
        assertThat(c.kafka().bootstrapServers()).isEqualTo("k1:9092,k2:9092");
        assertThat(c.rawTopic()).isEqualTo("custom-raw");
        assertThat(c.deadLetterTopic()).isEqualTo("test." + TopicId.DLQ_GATEWAY.suffix());
    }

    @Test
    void reportsEveryBadValueAtOnce() {
        List<String> problems = problems(Map.ofEntries(Map.entry("GATEWAY_PORT", "http"),
                Map.entry("GATEWAY_WEBHOOK_PATH", "no-slash"), Map.entry("GATEWAY_MAX_BODY_BYTES", "10"),
                Map.entry("GATEWAY_MAX_JSON_DEPTH", "0"), Map.entry("GATEWAY_MAX_VALIDATION_TOKEN_BYTES", "-1"),
                Map.entry("GATEWAY_PUBLISH_TIMEOUT", "soon"), Map.entry("GATEWAY_RETRY_AFTER_SECONDS", "99999"),
                Map.entry("GATEWAY_STRICT_MODE", "maybe"), Map.entry("GATEWAY_MAX_THREADS", "2"),
                Map.entry("GATEWAY_SHUTDOWN_TIMEOUT", "1h"), Map.entry("GATEWAY_KAFKA_CHECK_INTERVAL", "1ms"),
                Map.entry("TOPIC_RAW", "bad topic"), Map.entry("TOPIC_PARTITIONS", "0"),
                Map.entry("GATEWAY_MANAGEMENT_PORT", "65536")));
        assertThat(problems).hasSize(15)
                .anySatisfy(p -> assertThat(p).startsWith("KAIZALA_CALLBACK_TOKENS is required"));
        for (String var : List.of("GATEWAY_PORT", "GATEWAY_WEBHOOK_PATH", "GATEWAY_MAX_BODY_BYTES",
                "GATEWAY_MAX_JSON_DEPTH", "GATEWAY_MAX_VALIDATION_TOKEN_BYTES", "GATEWAY_PUBLISH_TIMEOUT",
                "GATEWAY_RETRY_AFTER_SECONDS", "GATEWAY_STRICT_MODE", "GATEWAY_MAX_THREADS", "GATEWAY_SHUTDOWN_TIMEOUT",
                "GATEWAY_KAFKA_CHECK_INTERVAL", "TOPIC_RAW", "TOPIC_PARTITIONS", "GATEWAY_MANAGEMENT_PORT")) {
            assertThat(problems).anySatisfy(p -> assertThat(p).startsWith(var + " "));
        }
    }

    @Test
    void theManagementPortIsNotTheWebhookPort() {
        assertThat(problems(env("GATEWAY_PORT", "9000", "GATEWAY_MANAGEMENT_PORT", "9000"))).singleElement()
                .satisfies(p -> assertThat(p).startsWith("GATEWAY_MANAGEMENT_PORT must differ from GATEWAY_PORT"));
        assertThat(GatewayConfig.fromEnv(env("GATEWAY_PORT", "0", "GATEWAY_MANAGEMENT_PORT", "0")).managementPort())
                .as("two free ports")
                .isZero();
    }

    @Test
    void runningWithoutTokensNeedsTheExplicitOptIn() {
        GatewayConfig open = GatewayConfig.fromEnv(Map.of("GATEWAY_ALLOW_UNAUTHENTICATED", "true"));
        assertThat(open.authenticationRequired()).isFalse();
        assertThat(problems(Map.of("KAIZALA_CALLBACK_TOKENS", " , "))).singleElement()
                .satisfies(p -> assertThat(p).startsWith("KAIZALA_CALLBACK_TOKENS is required"));
        assertThat(problems(env("GATEWAY_ALLOW_UNAUTHENTICATED", "true"))).singleElement()
                .satisfies(p -> assertThat(p).startsWith("GATEWAY_ALLOW_UNAUTHENTICATED must not be true"));
    }

    @Test
    void aTokensFileAloneTurnsAuthenticationOnAndMustBeReadableAtStart(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("callback-tokens"), "# none yet\n");
        GatewayConfig c = GatewayConfig.fromEnv(Map.of("KAIZALA_CALLBACK_TOKENS_FILE", file.toString()));
        assertThat(c.callbackTokensFile()).isEqualTo(file.toAbsolutePath());
        assertThat(c.callbackTokens()).isEmpty();
        assertThat(c.authenticationRequired()).as("even with no token in the file yet").isTrue();
        assertThat(GatewayConfig.fromEnv(MINIMAL).callbackTokensFile()).isNull();

        assertThat(problems(Map.of("KAIZALA_CALLBACK_TOKENS_FILE", dir.resolve("missing").toString()))).singleElement()
                .isEqualTo("KAIZALA_CALLBACK_TOKENS_FILE names a file that does not exist: " + dir.resolve("missing"));
        assertThat(problems(Map.of("KAIZALA_CALLBACK_TOKENS_FILE", dir.toString()))).singleElement()
                .satisfies(p -> assertThat(p).startsWith("KAIZALA_CALLBACK_TOKENS_FILE cannot be read (" + dir + ")"));
        assertThat(problems(
                Map.of("KAIZALA_CALLBACK_TOKENS_FILE", file.toString(), "GATEWAY_ALLOW_UNAUTHENTICATED", "true")))
                .singleElement()
                .satisfies(p -> assertThat(p).startsWith("GATEWAY_ALLOW_UNAUTHENTICATED must not be true"));
    }

    @Test
    void toStringNeverShowsTokensOrSecretClientSettings() {
        GatewayConfig c = GatewayConfig
                .fromEnv(env("KAIZALA_CALLBACK_TOKENS", "s3cret-one,s3cret-two", "KAFKA_PRODUCER_SASL_JAAS_CONFIG",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required "
                                + "username=\"u\" password=\"pw-secret\";",
                        "KAFKA_CLIENT_SSL_KEYSTORE_PASSWORD", "ks-secret"));
        assertThat(c.toString()).doesNotContain("s3cret", "pw-secret", "ks-secret")
                .contains("callbackTokens=2 configured");
    }

    @Test
    void producerDefaultsKeepTheDeliveryGuarantees() {
        Map<String, Object> p = GatewayConfig.fromEnv(MINIMAL).producerProps();
        assertThat(p).containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 0L)
                .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 2000)
                .containsEntry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1999)
                .containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_048_576 + 65_536)
                .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
        assertThat(GatewayConfig.fromEnv(MINIMAL).limits().bodyTopicConfigs()).containsEntry("max.message.bytes",
                "1114112");
    }

    @Test
    void theBodyLimitIsBoundedSoThatEveryRecordDerivedFromItFitsAKafkaRequest() {
        GatewayConfig largest = GatewayConfig.fromEnv(env("GATEWAY_MAX_BODY_BYTES", "2097152"));
        assertThat(largest.producerProps()).containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2_097_152 + 65_536);
        assertThat(largest.limits().bodyTopicConfigs()).containsEntry("max.message.bytes", "2162688");
        assertThat(problems(env("GATEWAY_MAX_BODY_BYTES", "2097153"))).singleElement()
                .isEqualTo("GATEWAY_MAX_BODY_BYTES must be between 1024 and 2097152, got 2097153");
    }

    @Test
    void producerSettingsPassThroughAndStayConsistent() {
        GatewayConfig c = GatewayConfig.fromEnv(env("KAFKA_PRODUCER_LINGER_MS", "20", "KAFKA_PRODUCER_COMPRESSION_TYPE",
                "zstd", "KAFKA_CLIENT_CLIENT_ID", "gw-7", "GATEWAY_PUBLISH_TIMEOUT", "3s"));
        Map<String, Object> p = c.producerProps();
        assertThat(p).containsEntry("linger.ms", "20")
                .containsEntry("compression.type", "zstd")
                .containsEntry("client.id", "gw-7")
                .containsEntry("delivery.timeout.ms", 3000)
                .containsEntry("request.timeout.ms", 2980);
        // the properties are accepted by a real producer (no broker needed to construct one)
        new KafkaProducer<String, byte[]>(p).close(Duration.ZERO);
    }

    @Test
    void producerOverridesThatBreakAGuaranteeAreRefused() {
        List<String> problems = problems(env("KAFKA_PRODUCER_ACKS", "1", "KAFKA_PRODUCER_ENABLE_IDEMPOTENCE", "false",
                "KAFKA_PRODUCER_DELIVERY_TIMEOUT_MS", "120000", "KAFKA_PRODUCER_MAX_BLOCK_MS", "60000",
                "KAFKA_PRODUCER_MAX_REQUEST_SIZE", "1000", "KAFKA_PRODUCER_BUFFER_MEMORY", "1048576",
                "KAFKA_PRODUCER_BOOTSTRAP_SERVERS", "elsewhere:9092", "KAFKA_PRODUCER_TRANSACTIONAL_ID", "tx",
                "KAFKA_PRODUCER_LINGERMS", "5"));
        assertThat(problems).hasSize(9);
        assertThat(String.join("\n", problems)).contains("KAFKA_PRODUCER_ACKS must be all",
                "KAFKA_PRODUCER_ENABLE_IDEMPOTENCE must be true", "KAFKA_PRODUCER_DELIVERY_TIMEOUT_MS must not exceed",
                "KAFKA_PRODUCER_MAX_BLOCK_MS must not exceed",
                "KAFKA_PRODUCER_MAX_REQUEST_SIZE is 1000, below the 1114112 bytes that GATEWAY_MAX_BODY_BYTES (1048576) requires",
                "KAFKA_PRODUCER_BUFFER_MEMORY is 1048576, below the 1114112 bytes that GATEWAY_MAX_BODY_BYTES (1048576) requires",
                "KAFKA_PRODUCER_BOOTSTRAP_SERVERS cannot be overridden", "KAFKA_PRODUCER_TRANSACTIONAL_ID cannot be",
                "KAFKA_PRODUCER_LINGERMS is not a Kafka producer setting");
    }

    @Test
    void inconsistentProducerTimeoutsAndIllTypedValuesAreRefused() {
        assertThat(problems(env("KAFKA_PRODUCER_REQUEST_TIMEOUT_MS", "1999", "KAFKA_PRODUCER_LINGER_MS", "10")))
                .singleElement()
                .satisfies(p -> assertThat(p).startsWith("KAFKA_PRODUCER_REQUEST_TIMEOUT_MS plus linger.ms"));
        assertThat(problems(env("KAFKA_PRODUCER_LINGER_MS", "soon"))).singleElement()
                .satisfies(p -> assertThat(p).contains("linger.ms"));
    }
}
