package io.kzpipe.model.kafka;

import io.kzpipe.model.config.EnvReader;
import io.kzpipe.model.config.Secrets;
import io.kzpipe.model.topic.Topics;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * Kafka settings every service shares: bootstrap servers, topic names, how missing topics are created, and
 * client settings passed through from env ({@code KAFKA_CLIENT_*} for every client, e.g.
 * {@code KAFKA_CLIENT_SECURITY_PROTOCOL=SSL}; {@code KAFKA_ADMIN_*} for the admin client only).
 *
 * @param topicPartitions   partitions of topics created at start-up ({@code TOPIC_PARTITIONS})
 * @param topicReplication  replication factor of topics created at start-up ({@code TOPIC_REPLICATION_FACTOR})
 */
public record KafkaSettings(String bootstrapServers, Topics topics, int topicPartitions, short topicReplication,
        Map<String, String> clientOverrides, Map<String, String> adminOverrides) {

    public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
    public static final int DEFAULT_PARTITIONS = 3;
    public static final int DEFAULT_REPLICATION = 1;

    public KafkaSettings {
        clientOverrides = Map.copyOf(clientOverrides);
        adminOverrides = Map.copyOf(adminOverrides);
    }

    public static KafkaSettings from(EnvReader env) {
        return new KafkaSettings(env.string("KAFKA_BOOTSTRAP_SERVERS", DEFAULT_BOOTSTRAP), Topics.from(env),
                env.intIn("TOPIC_PARTITIONS", DEFAULT_PARTITIONS, 1, 10_000),
                (short) env.intIn("TOPIC_REPLICATION_FACTOR", DEFAULT_REPLICATION, 1, 32),
                env.passThrough("KAFKA_CLIENT_"), env.passThrough("KAFKA_ADMIN_"));
    }

    /** Base properties for any client: bootstrap servers plus {@code KAFKA_CLIENT_*}. */
    public Map<String, Object> clientProps() {
        Map<String, Object> props = new HashMap<>(clientOverrides);
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    public Map<String, Object> adminProps() {
        Map<String, Object> props = clientProps();
        props.putAll(adminOverrides);
        return props;
    }

    @Override
    public String toString() {
        return "KafkaSettings[bootstrapServers=" + bootstrapServers + ", topics=" + topics + ", topicPartitions="
                + topicPartitions + ", topicReplication=" + topicReplication + ", client="
                + Secrets.maskAll(clientOverrides) + ", admin=" + Secrets.maskAll(adminOverrides) + "]";
    }
}
