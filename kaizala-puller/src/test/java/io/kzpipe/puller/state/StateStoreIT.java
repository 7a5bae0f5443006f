package io.kzpipe.puller.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.kzpipe.model.config.EnvReader;
import io.kzpipe.model.kafka.KafkaSettings;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.testkit.KafkaExtension;
import io.kzpipe.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The state store against a real broker: transactions, compaction, and what a killed predecessor left open. */
@ExtendWith(KafkaExtension.class)
class StateStoreIT {

    private static final Duration T = Duration.ofSeconds(60);

    private static KafkaSettings settings(TestKafka kafka, String prefix) {
        return KafkaSettings.from(
                new EnvReader(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "TOPIC_PREFIX", prefix)));
    }

    private static Map<String, Object> producerProps(TestKafka kafka, String transactionalId) {
        Map<String, Object> p = new HashMap<>(kafka.producerProps());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        return p;
    }

    private static StateStore open(TestKafka kafka, KafkaSettings s, String topic, String id) {
        StateStore store = new StateStore(producerProps(kafka, id), StateStore.consumerProps(s, "it-" + id), topic);
        store.open(T);
        return store;
    }

    @Test
    void recordsAndStateCommitTogetherAndTheStateIsReadBackAfterARestart(TestKafka kafka) throws Exception {
        String prefix = kafka.uniqueName("state") + ".";
        KafkaSettings s = settings(kafka, prefix);
        String topic = StateTopic.ensure(s, T);
        String raw = s.topics().name(TopicId.RAW);
        kafka.createTopics(List.of(raw), 1);
        String id = kafka.uniqueName("tx");

        try (StateStore store = open(kafka, s, topic, id)) {
            store.commit(List.of(new ProducerRecord<>(raw, "r-1", "{}".getBytes(StandardCharsets.UTF_8))),
                    Map.of(StateKeys.live("group:g"), ListCursor.at(42)));
            Map<String, Object> tombstone = new HashMap<>();
            tombstone.put("track/x", null);
            store.commit(List.of(), Map.of("track/x", ListCursor.at(1)));
            store.commit(List.of(), tombstone);
        }

        try (StateStore again = open(kafka, s, topic, id)) {
            assertThat(again.get(StateKeys.live("group:g"), ListCursor.class)).isEqualTo(ListCursor.at(42));
            assertThat(again.keys("track/")).isEmpty();
        }
        assertThat(kafka.readToEnd(raw, T)).hasSize(1);
        try (Admin admin = Admin.create(kafka.adminProps())) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            var config = admin.describeConfigs(List.of(r)).all().get().get(r);
            assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
            assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()).hasSize(1);
        }
    }

    @Test
    void whatAKilledPredecessorLeftOpenIsAbortedNeverSeenAndDoesNotBlockTheStart(TestKafka kafka) throws Exception {
        String prefix = kafka.uniqueName("killed") + ".";
        KafkaSettings s = settings(kafka, prefix);
        String topic = StateTopic.ensure(s, T);
        String raw = s.topics().name(TopicId.RAW);
        kafka.createTopics(List.of(raw), 1);
        String id = kafka.uniqueName("tx");
        try (StateStore store = open(kafka, s, topic, id)) {
            store.commit(List.of(), Map.of(StateKeys.live("group:g"), ListCursor.at(1)));
        }
        // a predecessor "killed" mid-page: its records and cursor sent, the transaction never committed
        KafkaProducer<String, byte[]> killed = new KafkaProducer<>(producerProps(kafka, id));
        killed.initTransactions();
        killed.beginTransaction();
        killed.send(new ProducerRecord<>(raw, "r-lost", "{}".getBytes(StandardCharsets.UTF_8)));
        killed.send(new ProducerRecord<>(topic, StateKeys.live("group:g"),
                "{\"from_ms\":999,\"seen_at_from\":[]}".getBytes(StandardCharsets.UTF_8)));
        killed.flush();

        long begin = System.nanoTime();
        try (StateStore restarted = open(kafka, s, topic, id)) {
            assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(30));
            assertThat(restarted.get(StateKeys.live("group:g"), ListCursor.class)).isEqualTo(ListCursor.at(1));
        } finally {
            killed.close(Duration.ZERO);
        }
        assertThat(kafka.readToEnd(raw, T)).isEmpty();
    }

    @Test
    void anExistingStateTopicThatIsNotCompactedIsRefused(TestKafka kafka) {
        String prefix = kafka.uniqueName("deleting") + ".";
        KafkaSettings s = settings(kafka, prefix);
        kafka.createTopics(List.of(s.topics().name(TopicId.PULLER_STATE)), 1);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StateTopic.ensure(s, T))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cleanup.policy=delete");
    }
}
