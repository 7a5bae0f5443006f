package io.kzpipe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KafkaBrokerProcessIT {

    @Test
    void aStoppedBrokerRejectsSendsAndAfterStartServesTheSameDataOnTheSamePort() throws Exception {
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.launch()) {
            TestKafka kafka = broker.kafka();
            String address = broker.bootstrapServers();
            kafka.createTopics(List.of("restart"), 3);
            kafka.produce(List.of(record("restart", "before")));

            broker.stop();
            assertThat(broker.isRunning()).isFalse();
            Map<String, Object> props = kafka.producerProps();
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 3_000);
            props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 3_000);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
                assertThatThrownBy(() -> producer.send(record("restart", "while-down")).get(20, TimeUnit.SECONDS))
                        .isInstanceOfAny(ExecutionException.class,
                                org.apache.kafka.common.errors.TimeoutException.class);
            }

            broker.start();
            assertThat(broker.isRunning()).isTrue();
            assertThat(broker.bootstrapServers()).isEqualTo(address);
            kafka.produce(List.of(record("restart", "after")));

            List<ConsumerRecord<String, byte[]>> all = kafka.readToEnd("restart", Duration.ofSeconds(30));
            assertThat(all).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .containsExactlyInAnyOrder("before", "after");
        }
    }

    @Test
    void aKilledBrokerComesBackWithEveryAcknowledgedRecord() {
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.launch()) {
            TestKafka kafka = broker.kafka();
            kafka.createTopics(List.of("crash"), 1);
            kafka.produce(List.of(record("crash", "one"), record("crash", "two")));

            broker.kill();
            assertThat(broker.isRunning()).isFalse();
            broker.start();

            assertThat(kafka.readToEnd("crash", Duration.ofSeconds(30)))
                    .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .containsExactly("one", "two");
            assertThat(broker.logFile()).exists().isNotEmptyFile();
        }
    }

    private static ProducerRecord<String, byte[]> record(String topic, String value) {
        return new ProducerRecord<>(topic, value, value.getBytes(StandardCharsets.UTF_8));
    }
}
