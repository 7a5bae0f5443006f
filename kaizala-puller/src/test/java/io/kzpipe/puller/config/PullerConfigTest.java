package io.kzpipe.puller.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kzpipe.model.config.SettingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PullerConfigTest {

    private static final Map<String, String> CREDENTIALS = Map.of("KAIZALA_APPLICATION_ID", "app",
            "KAIZALA_APPLICATION_SECRET", "secret-0123456789abcdef", "KAIZALA_REFRESH_TOKEN",
            "refresh-0123456789abcdef");

    @Test
    void defaultsAreTheContractsOnes() {
        PullerConfig c = PullerConfig.fromEnv(CREDENTIALS);

        assertThat(c.api().apiUrl()).hasToString("https://api.kaiza.la");
        assertThat(c.api().callsPerMinute()).isEqualTo(100);
        assertThat(c.api().timeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.interval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.managementPort()).isEqualTo(8084);
        assertThat(c.instanceId()).isEqualTo("kaizala-puller");
        assertThat(c.sources()).isEmpty();
        assertThat(c.rereadWindow()).isEqualTo(Duration.ofDays(7));
        assertThat(c.pageSize()).isEqualTo(30);
        assertThat(c.limits().maxBodyBytes()).isEqualTo(1024 * 1024);
    }

    @Test
    void sourcesAreParsedAndDuplicatesDropped() {
        Map<String, String> env = new HashMap<>(CREDENTIALS);
        env.put("PULLER_SOURCES", "group:a, group:a ,package:b:com.x,group:c:Job");

        assertThat(PullerConfig.fromEnv(env).sources()).extracting(PullSource::id)
                .containsExactly("group:a", "package:b:com.x", "group:c:Job");
    }

    @Test
    void everyProblemIsReportedAtOnceWithoutQuotingASecret() {
        Map<String, String> env = Map.of("KAIZALA_API_URL", "ftp://x", "PULLER_SOURCES", "grp:a",
                "PULLER_CALLS_PER_MINUTE", "0", "PULLER_INSTANCE_ID", "bad id", "KAIZALA_APPLICATION_SECRET",
                "secret-0123456789abcdef");

        assertThatThrownBy(() -> PullerConfig.fromEnv(env)).isInstanceOf(SettingException.class)
                .satisfies(e -> assertThat(((SettingException) e).problems()).hasSize(6)
                        .anyMatch(p -> p.startsWith("KAIZALA_API_URL"))
                        .anyMatch(p -> p.startsWith("KAIZALA_APPLICATION_ID is required"))
                        .anyMatch(p -> p.startsWith("KAIZALA_REFRESH_TOKEN is required"))
                        .anyMatch(p -> p.startsWith("PULLER_SOURCES"))
                        .anyMatch(p -> p.startsWith("PULLER_CALLS_PER_MINUTE"))
                        .anyMatch(p -> p.startsWith("PULLER_INSTANCE_ID")))
                .hasMessageNotContaining("secret-0123456789abcdef");
    }

    @Test
    void secretsComeFromFilesToo(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("s"), "from-a-file-0123456789\n");
        Map<String, String> env = new HashMap<>(CREDENTIALS);
        env.remove("KAIZALA_APPLICATION_SECRET");
        env.put("KAIZALA_APPLICATION_SECRET_FILE", secret.toString());

        PullerConfig c = PullerConfig.fromEnv(env);

        assertThat(c.api().applicationSecret()).isEqualTo("from-a-file-0123456789");
        assertThat(c.toString()).doesNotContain("from-a-file-0123456789").doesNotContain("refresh-0123456789abcdef");
    }

    @Test
    void theProducerIsTransactionalUnderTheInstanceIdWhateverTheOverrides() {
        Map<String, String> env = new HashMap<>(CREDENTIALS);
        env.put("PULLER_INSTANCE_ID", "puller-7");
        env.put("KAFKA_PRODUCER_TRANSACTIONAL_ID", "other");
        env.put("KAFKA_PRODUCER_ACKS", "1");
        env.put("KAFKA_PRODUCER_LINGER_MS", "20");

        Map<String, Object> p = PullerConfig.fromEnv(env).producerProps();

        assertThat(p.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG)).isEqualTo("puller-7");
        assertThat(p.get(ProducerConfig.ACKS_CONFIG)).isEqualTo("all");
        assertThat(p.get(ProducerConfig.LINGER_MS_CONFIG)).isEqualTo("20");
        assertThat(p.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG)).isEqualTo(1024 * 1024 + 64 * 1024);
    }
}
