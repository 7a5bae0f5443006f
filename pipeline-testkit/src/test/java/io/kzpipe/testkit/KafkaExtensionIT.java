package io.kzpipe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaExtension.class)
class KafkaExtensionIT {

    @Test
    void recordsProducedToACreatedTopicAreConsumedBackWithKeysAndBytesIntact(TestKafka kafka) {
        String topic = kafka.uniqueName("roundtrip");
        kafka.createTopics(List.of(topic), 3);
        List<ProducerRecord<String, byte[]>> sent = IntStream.range(0, 50)
                .mapToObj(i -> new ProducerRecord<>(topic, "key-" + i, ("value-" + i).getBytes(StandardCharsets.UTF_8)))
                .toList();

        kafka.produce(sent);
        List<ConsumerRecord<String, byte[]>> received = kafka.consumeAll(topic, Duration.ofSeconds(30), 50);

        assertThat(received).hasSize(50);
        assertThat(received).extracting(r -> r.key() + "=" + new String(r.value(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrderElementsOf(
                        IntStream.range(0, 50).mapToObj(i -> "key-" + i + "=value-" + i).toList());
        assertThat(received).extracting(ConsumerRecord::partition).containsOnly(0, 1, 2);
        assertThat(kafka.readToEnd(topic, Duration.ofSeconds(30))).hasSize(50);
    }

    @Test
    void createTopicsIsIdempotentAndKeepsTheFirstPartitionCount(TestKafka kafka) {
        String topic = kafka.uniqueName("idempotent");

        kafka.createTopics(List.of(topic), 2);
        kafka.createTopics(List.of(topic, topic), 5);

        assertThat(kafka.topicNames()).contains(topic);
        kafka.produce(List.of(new ProducerRecord<>(topic, "k", new byte[]{1})));
        assertThat(kafka.readToEnd(topic, Duration.ofSeconds(30))).extracting(ConsumerRecord::partition)
                .allMatch(p -> p < 2);
    }

    @Test
    void everyTestClassInTheJvmSharesOneBroker(TestKafka first, TestKafka second) {
        assertThat(first).isSameAs(second);
        assertThat(first.bootstrapServers()).matches("[^,]+:\\d+(,[^,]+:\\d+)*");
    }

    @Test
    void readingATopicThatDoesNotExistReturnsNothingOrFailsClearly(TestKafka kafka) {
        String missing = kafka.uniqueName("missing");

        assertThat(kafka.consumeAll(missing, Duration.ofSeconds(1), 1)).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> kafka.readToEnd(missing, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not exist");
    }
}
