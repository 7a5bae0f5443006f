package io.kzpipe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The KAFKA_BOOTSTRAP_SERVERS / CLICKHOUSE_URL branch: a server the tests do not own is used, checked, and left alone. */
@ExtendWith({KafkaExtension.class, ClickHouseExtension.class})
class ExternalInfrastructureIT {

    @Test
    void aReachableExternalBrokerIsUsedAndNotStoppedOnClose(TestKafka shared) {
        KafkaRuntime external = KafkaExtension.external(shared.bootstrapServers());
        assertThat(external.description()).isEqualTo("KAFKA_BOOTSTRAP_SERVERS");

        external.close();

        String topic = shared.uniqueName("still-up");
        shared.createTopics(List.of(topic), 1);
        shared.produce(List.of(new ProducerRecord<>(topic, "k", new byte[]{7})));
        assertThat(shared.readToEnd(topic, Duration.ofSeconds(30))).hasSize(1);
    }

    @Test
    void anUnreachableExternalBrokerFailsWithWhatToDo() {
        int closedPort = FreePorts.find();

        assertThatThrownBy(() -> KafkaExtension.external("127.0.0.1:" + closedPort))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:" + closedPort)
                .hasMessageContaining("unset KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void aReachableExternalClickHouseIsUsedAndNotStoppedOnClose(TestClickHouse shared) {
        ClickHouseRuntime external = ClickHouseExtension.external(shared.httpUrl(), shared.user(), shared.password());
        assertThat(external.ownedByTests()).isFalse();

        external.close();

        assertThat(shared.query("SELECT 42 FORMAT TSV")).isEqualTo("42\n");
    }

    @Test
    void anUnreachableOrMisconfiguredExternalClickHouseFailsWithWhatToDo(TestClickHouse shared) {
        int closedPort = FreePorts.find();

        assertThatThrownBy(() -> ClickHouseExtension.external("http://127.0.0.1:" + closedPort, "default", ""))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CLICKHOUSE_URL=http://127.0.0.1:" + closedPort)
                .hasMessageContaining("unset CLICKHOUSE_URL");
        assertThatThrownBy(() -> ClickHouseExtension.external(shared.httpUrl(), "no_such_user", "x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("as user no_such_user");
    }
}
