package io.kzpipe.sink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kzpipe.model.config.EnvReader;
import io.kzpipe.model.kafka.KafkaSettings;
import io.kzpipe.model.kafka.TopicBootstrap;
import io.kzpipe.testkit.KafkaExtension;
import io.kzpipe.testkit.TestKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The sink waits for the raw topic instead of creating it (the gateway and the processor create it with the
 * {@code max.message.bytes} whole bodies need): {@link TopicBootstrap#awaitExisting} sees a topic created while it
 * waits, gives up after its timeout for one that never comes, and creates nothing.
 */
@ExtendWith(KafkaExtension.class)
class RawTopicWaitIT {

    @Test
    void waitsForATopicAnotherServiceCreatesAndGivesUpWithoutCreatingOne(TestKafka kafka) throws Exception {
        KafkaSettings settings = KafkaSettings
                .from(new EnvReader(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers())));
        String late = kafka.uniqueName("late.raw");
        String never = kafka.uniqueName("never.raw");

        CompletableFuture<Void> creator = CompletableFuture.runAsync(() -> kafka.createTopics(List.of(late), 1),
                CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS));
        boolean lateSeen = TopicBootstrap.awaitExisting(settings, List.of(late), Duration.ofSeconds(60));
        creator.get(60, TimeUnit.SECONDS);
        long start = System.nanoTime();
        boolean neverSeen = TopicBootstrap.awaitExisting(settings, List.of(never), Duration.ofSeconds(2));
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(lateSeen).isTrue();
        assertThat(neverSeen).isFalse();
        assertThat(waitedMs).isBetween(1_900L, 30_000L);
        assertThat(TopicBootstrap.awaitExisting(settings, List.of(never), Duration.ofMillis(500)))
                .as("nothing was created while waiting")
                .isFalse();
    }
}
