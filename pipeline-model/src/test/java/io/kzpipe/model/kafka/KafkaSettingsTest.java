package io.kzpipe.model.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.kzpipe.model.config.EnvReader;
import io.kzpipe.model.topic.TopicId;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {

    @Test
    void defaultsNeedNoSettings() {
        EnvReader env = new EnvReader(Map.of());

        KafkaSettings settings = KafkaSettings.from(env);

        assertThat(settings.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(settings.topicPartitions()).isEqualTo(3);
        assertThat(settings.topicReplication()).isEqualTo((short) 1);
        assertThat(settings.topics().name(TopicId.RAW)).isEqualTo("kaizala.raw");
        assertThat(settings.clientProps()).containsExactly(Map.entry("bootstrap.servers", "127.0.0.1:9092"));
        assertThat(env.problems()).isEmpty();
    }

    @Test
    void clientSettingsApplyToEveryClientAndAdminSettingsOnlyToTheAdmin() {
        KafkaSettings settings = KafkaSettings.from(new EnvReader(
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "b1:9093,b2:9093", "KAFKA_CLIENT_SECURITY_PROTOCOL", "SSL",
                        "KAFKA_ADMIN_REQUEST_TIMEOUT_MS", "5000", "KAFKA_CLIENT_BOOTSTRAP_SERVERS", "ignored:1")));

        assertThat(settings.clientProps()).containsOnly(Map.entry("bootstrap.servers", "b1:9093,b2:9093"),
                Map.entry("security.protocol", "SSL"));
        assertThat(settings.adminProps()).containsOnly(Map.entry("bootstrap.servers", "b1:9093,b2:9093"),
                Map.entry("security.protocol", "SSL"), Map.entry("request.timeout.ms", "5000"));
    }

    @Test
    void partitionsAndReplicationOutOfRangeAreProblems() {
        EnvReader env = new EnvReader(Map.of("TOPIC_PARTITIONS", "0", "TOPIC_REPLICATION_FACTOR", "33"));

        KafkaSettings settings = KafkaSettings.from(env);

        assertThat(settings.topicPartitions()).isEqualTo(KafkaSettings.DEFAULT_PARTITIONS);
        assertThat(env.problems()).containsExactly("TOPIC_PARTITIONS must be between 1 and 10000, got 0",
                "TOPIC_REPLICATION_FACTOR must be between 1 and 32, got 33");
    }

    @Test
    void toStringNeverShowsASecret() {
        KafkaSettings settings = KafkaSettings.from(new EnvReader(
                Map.of("KAFKA_CLIENT_SASL_JAAS_CONFIG", "PlainLoginModule required username=\"u\" password=\"s3cr3t\";",
                        "KAFKA_ADMIN_SSL_KEY_PASSWORD", "k3y-pass")));

        assertThat(settings.toString()).doesNotContain("s3cr3t")
                .doesNotContain("k3y-pass")
                .contains("sasl.jaas.config=****")
                .contains("ssl.key.password=****");
    }
}
