package io.kzpipe.sink.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kzpipe.model.config.SettingException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SinkConfigTest {

    @Test
    void defaultsNeedNoEnvironment() {
        SinkConfig c = SinkConfig.fromEnv(Map.of());
        assertThat(c.groupId()).isEqualTo("kaizala-sink");
        assertThat(c.clickHouse().url()).isEqualTo("http://127.0.0.1:8123");
        assertThat(c.clickHouse().database()).isEqualTo("kaizala");
        assertThat(c.flush())
                .isEqualTo(new SinkConfig.Flush(100_000, 16L * 1024 * 1024, Duration.ofMillis(500), 32L * 1024 * 1024));
        assertThat(c.insertThreads()).isEqualTo(2);
        assertThat(c.consumerProps()).containsEntry("fetch.max.bytes", 16 * 1024 * 1024)
                .containsEntry("fetch.min.bytes", 256 * 1024)
                .containsEntry("fetch.max.wait.ms", 250);
        assertThat(c.retry()).isEqualTo(new SinkConfig.Retry(Duration.ofMillis(200), Duration.ofSeconds(30), 2, 50,
                SinkConfig.DEFAULT_RETRY_UNREACHABLE_MAX));
        assertThat(c.managementPort()).isEqualTo(8082);
        assertThat(c.migrate()).isTrue();
    }

    @Test
    void readsEverySetting() {
        SinkConfig c = SinkConfig.fromEnv(Map.ofEntries(Map.entry("KAFKA_BOOTSTRAP_SERVERS", "k:9092"),
                Map.entry("SINK_GROUP_ID", "g"), Map.entry("CLICKHOUSE_URL", "https://ch:8443"),
                Map.entry("CLICKHOUSE_USER", "sink"), Map.entry("CLICKHOUSE_PASSWORD", "s3cret"),
                Map.entry("CLICKHOUSE_DATABASE", "kz_test"), Map.entry("SINK_FLUSH_ROWS", "5000"),
                Map.entry("SINK_FLUSH_BYTES", "1048576"), Map.entry("SINK_FLUSH_INTERVAL", "2s"),
                Map.entry("SINK_MAX_BUFFERED_BYTES", "8388608"), Map.entry("SINK_INSERT_THREADS", "3"),
                Map.entry("KAFKA_CONSUMER_FETCH_MAX_BYTES", "1048576"), Map.entry("SINK_RETRY_INITIAL", "50ms"),
                Map.entry("SINK_RETRY_MAX", "1m"), Map.entry("SINK_RETRY_MULTIPLIER", "3"),
                Map.entry("SINK_RETRY_JITTER_PERCENT", "0"), Map.entry("SINK_MANAGEMENT_PORT", "0"),
                Map.entry("SINK_MIGRATE", "false"), Map.entry("KAFKA_CONSUMER_MAX_POLL_RECORDS", "77")));
        assertThat(c.kafka().bootstrapServers()).isEqualTo("k:9092");
        assertThat(c.clickHouse().password()).isEqualTo("s3cret");
        assertThat(c.clickHouse().database()).isEqualTo("kz_test");
        assertThat(c.flush()).isEqualTo(new SinkConfig.Flush(5000, 1_048_576, Duration.ofSeconds(2), 8_388_608));
        assertThat(c.retry()).isEqualTo(new SinkConfig.Retry(Duration.ofMillis(50), Duration.ofMinutes(1), 3, 0,
                SinkConfig.DEFAULT_RETRY_UNREACHABLE_MAX));
        assertThat(c.migrate()).isFalse();
        assertThat(c.insertThreads()).isEqualTo(3);
        assertThat(c.consumerProps()).containsEntry("group.id", "g")
                .containsEntry("max.poll.records", "77")
                .containsEntry("fetch.max.bytes", "1048576")
                .containsEntry("bootstrap.servers", "k:9092");
    }

    @Test
    void commitsStayManualWhateverThePassThroughSays() {
        SinkConfig c = SinkConfig
                .fromEnv(Map.of("KAFKA_CONSUMER_ENABLE_AUTO_COMMIT", "true", "KAFKA_CONSUMER_GROUP_ID", "x"));
        assertThat(c.consumerProps()).containsEntry("enable.auto.commit", false)
                .containsEntry("group.id", "kaizala-sink")
                .containsEntry("isolation.level", "read_committed");
    }

    @Test
    void theInstanceIdIsTheConsumersStaticGroupInstanceIdAndCannotBeOverridden() {
        SinkConfig c = SinkConfig
                .fromEnv(Map.of("SINK_INSTANCE_ID", "sink-clickhouse-1", "KAFKA_CONSUMER_GROUP_INSTANCE_ID", "other"));
        assertThat(c.consumerProps()).containsEntry("group.instance.id", "sink-clickhouse-1");
        assertThat(c.toString()).contains("instanceId=sink-clickhouse-1");
        assertThat(SinkConfig.fromEnv(Map.of()).consumerProps()).as("dynamic membership without an id")
                .doesNotContainKey("group.instance.id");
        assertThatThrownBy(() -> SinkConfig.fromEnv(Map.of("SINK_INSTANCE_ID", "sink 1"))).isInstanceOfSatisfying(
                SettingException.class,
                e -> assertThat(e.problems()).singleElement().asString().startsWith("SINK_INSTANCE_ID"));
    }

    @Test
    void theBackoffWhileClickHouseIsUnreachableIsShortByDefaultAndConfigurable() {
        assertThat(SinkConfig.fromEnv(Map.of()).retry().unreachableMax()).isEqualTo(Duration.ofSeconds(1));
        assertThat(SinkConfig.fromEnv(Map.of("SINK_RETRY_UNREACHABLE_MAX", "250ms")).retry().unreachableMax())
                .isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> SinkConfig.fromEnv(Map.of("CLICKHOUSE_URL", "ftp://x", "CLICKHOUSE_DATABASE",
                "bad-name;DROP", "SINK_FLUSH_ROWS", "0", "SINK_FLUSH_INTERVAL", "soon", "SINK_RETRY_INITIAL", "10s",
                "SINK_RETRY_MAX", "1s", "SINK_FLUSH_BYTES", "104857600", "SINK_INSERT_THREADS", "0")))
                .isInstanceOf(SettingException.class)
                .satisfies(e -> assertThat(((SettingException) e).problems()).hasSize(7)
                        .anyMatch(p -> p.startsWith("SINK_INSERT_THREADS"))
                        .anyMatch(p -> p.startsWith("SINK_MAX_BUFFERED_BYTES"))
                        .anyMatch(p -> p.startsWith("CLICKHOUSE_URL"))
                        .anyMatch(p -> p.startsWith("CLICKHOUSE_DATABASE"))
                        .anyMatch(p -> p.startsWith("SINK_FLUSH_ROWS"))
                        .anyMatch(p -> p.startsWith("SINK_FLUSH_INTERVAL"))
                        .anyMatch(p -> p.startsWith("SINK_RETRY_MAX")));
    }

    @Test
    void credentialsInTheUrlAreRefused() {
        assertThatThrownBy(() -> SinkConfig.fromEnv(Map.of("CLICKHOUSE_URL", "http://u:p@ch:8123")))
                .isInstanceOf(SettingException.class)
                .hasMessageContaining("CLICKHOUSE_PASSWORD")
                .hasMessageNotContaining("u:p");
    }

    @Test
    void toStringNeverShowsThePassword() {
        SinkConfig c = SinkConfig
                .fromEnv(Map.of("CLICKHOUSE_PASSWORD", "s3cret", "KAFKA_CONSUMER_SASL_JAAS_CONFIG", "secretjaas"));
        assertThat(c.toString()).doesNotContain("s3cret").doesNotContain("secretjaas").contains("****");
    }
}
