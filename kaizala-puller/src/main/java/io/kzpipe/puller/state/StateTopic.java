package io.kzpipe.puller.state;

import io.kzpipe.model.kafka.KafkaSettings;
import io.kzpipe.model.kafka.TopicBootstrap;
import io.kzpipe.model.topic.TopicId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Creates the state topic ({@link TopicId#PULLER_STATE}) when it is missing, as the services create theirs: one
 * partition (the state is small and read whole at start), the configured replication, {@code cleanup.policy=compact}.
 * An existing topic that is not compacted is refused: retention would delete the cursors and the rotated refresh
 * token.
 */
public final class StateTopic {

    public static final Map<String, String> CONFIGS = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
            TopicConfig.CLEANUP_POLICY_COMPACT);

    private StateTopic() {}

    /**
     * @return the topic's name
     * @throws IllegalStateException when it cannot be created or is not compacted
     */
    public static String ensure(KafkaSettings kafka, Duration timeout) {
        String name = kafka.topics().name(TopicId.PULLER_STATE);
        KafkaSettings onePartition = new KafkaSettings(kafka.bootstrapServers(), kafka.topics(), 1,
                kafka.topicReplication(), kafka.clientOverrides(), kafka.adminOverrides());
        TopicBootstrap.ensure(onePartition, List.of(name), CONFIGS, timeout);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
        try (Admin admin = Admin.create(kafka.adminProps())) {
            Config config = admin.describeConfigs(List.of(resource))
                    .all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .get(resource);
            String policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                throw new IllegalStateException("topic " + name + " has cleanup.policy=" + policy + "; the puller's "
                        + "state needs compact (kafka-configs.sh --alter --add-config cleanup.policy=compact)");
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe topic " + name + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topic " + name, e);
        }
        return name;
    }
}
