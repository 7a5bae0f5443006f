package io.kzpipe.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerConfigTest {

    private static Properties parse(String text) throws IOException {
        Properties props = new Properties();
        props.load(new StringReader(text));
        return props;
    }

    @Test
    void aSingleNodeWithAStaticQuorumOnLoopbackAndReplicationFactorOne() throws IOException {
        Properties props = parse(KafkaBrokerConfig.serverProperties(19092, 19093, Path.of("/data dir"), Map.of()));

        assertThat(props.getProperty("process.roles")).isEqualTo("broker,controller");
        assertThat(props.getProperty("controller.quorum.voters")).isEqualTo("1@127.0.0.1:19093");
        assertThat(props.getProperty("controller.quorum.bootstrap.servers")).isNull();
        assertThat(props.getProperty("listeners"))
                .isEqualTo("PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093");
        assertThat(props.getProperty("advertised.listeners")).isEqualTo("PLAINTEXT://127.0.0.1:19092");
        assertThat(props.getProperty("log.dirs")).isEqualTo("/data dir");
        assertThat(props.getProperty("offsets.topic.replication.factor")).isEqualTo("1");
        assertThat(props.getProperty("transaction.state.log.min.isr")).isEqualTo("1");
        assertThat(props.getProperty("auto.create.topics.enable")).isEqualTo("false");
    }

    @Test
    void overridesReplaceAndAdd() throws IOException {
        Properties props = parse(KafkaBrokerConfig.serverProperties(
                1, 2, Path.of("/d"), Map.of("num.partitions", "1", "message.max.bytes", "2000000")));

        assertThat(props.getProperty("num.partitions")).isEqualTo("1");
        assertThat(props.getProperty("message.max.bytes")).isEqualTo("2000000");
    }

    @Test
    void formatTakesANewClusterIdEachTimeAndTheGivenConfig(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("server.properties");

        assertThat(KafkaBrokerConfig.formatArguments(config))
                .hasSize(5)
                .startsWith("format", "-t")
                .endsWith("-c", config.toString());
        assertThat(KafkaBrokerConfig.formatArguments(config).get(2))
                .isNotEqualTo(KafkaBrokerConfig.formatArguments(config).get(2));
        assertThat(KafkaBrokerConfig.formatted(dir)).isFalse();
        Files.writeString(dir.resolve("meta.properties"), "node.id=1\n");
        assertThat(KafkaBrokerConfig.formatted(dir)).isTrue();
    }
}
