package io.kzpipe.testkit;

import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/** A KRaft broker in a Testcontainers container ({@code apache/kafka}, pinned; {@code TESTKIT_KAFKA_IMAGE} overrides). */
final class ContainerKafka implements KafkaRuntime {

    static final String DEFAULT_IMAGE = "apache/kafka:4.2.1";

    private final KafkaContainer container;

    private ContainerKafka(KafkaContainer container) {
        this.container = container;
    }

    @SuppressWarnings("resource") // closed by close()
    static ContainerKafka start() {
        String image = Settings.getOrDefault("TESTKIT_KAFKA_IMAGE", DEFAULT_IMAGE);
        KafkaContainer container = new KafkaContainer(
                DockerImageName.parse(image).asCompatibleSubstituteFor("apache/kafka"))
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
        container.start();
        return new ContainerKafka(container);
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public String description() {
        return "Testcontainers " + container.getDockerImageName();
    }

    @Override
    public void close() {
        container.stop();
    }
}
