package io.kzpipe.launcher;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.assertj.core.api.InstanceOfAssertFactories;
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
        Properties props = parse(KafkaBrokerConfig.serverProperties(1, 2, Path.of("/d"),
                Map.of("num.partitions", "1", "message.max.bytes", "2000000")));

        assertThat(props.getProperty("num.partitions")).isEqualTo("1");
        assertThat(props.getProperty("message.max.bytes")).isEqualTo("2000000");
    }

    @Test
    void prepareWritesTheConfigFormatsOnceWithANewClusterIdAndReturnsTheStartCommand(@TempDir Path dir)
            throws IOException {
        // a stand-in for the JVM: records its arguments and leaves what a format leaves
        List<String> java = List.of("sh", "-c",
                "echo \"$@\" >> calls; mkdir -p data; echo node.id=1 > data/meta.properties", "sh");
        Path log = dir.resolve("logs/kafka.log");
        Path config = dir.resolve("server.properties");

        List<String> start = KafkaBrokerConfig.prepare(dir, 19092, 19093, Map.of(), java, log);

        assertThat(parse(Files.readString(config)).getProperty("listeners")).contains("127.0.0.1:19092");
        assertThat(Files.readAllLines(dir.resolve("calls"))).singleElement(as(InstanceOfAssertFactories.STRING))
                .matches("kafka\\.tools\\.StorageTool format -t \\S{22} -c " + config);
        assertThat(start).containsSequence(java).endsWith("kafka.Kafka", config.toString());
        assertThat(KafkaBrokerConfig.formatted(dir.resolve("data"))).isTrue();

        KafkaBrokerConfig.prepare(dir, 29092, 29093, Map.of(), java, log);
        assertThat(Files.readAllLines(dir.resolve("calls"))).as("formatted once").hasSize(1);
        assertThat(parse(Files.readString(config)).getProperty("listeners")).contains("127.0.0.1:29092");
    }

    @Test
    void aFailedFormatSaysSoWithTheLogTail(@TempDir Path dir) {
        List<String> java = List.of("sh", "-c", "echo no space left; exit 3", "sh");

        assertThatThrownBy(() -> KafkaBrokerConfig.prepare(dir, 1, 2, Map.of(), java, dir.resolve("kafka.log")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exit 3")
                .hasMessageContaining("no space left");
        assertThat(KafkaBrokerConfig.formatted(dir.resolve("data"))).isFalse();
    }
}
