package io.kzpipe.testkit;

import io.kzpipe.launcher.KafkaBrokerConfig;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A single-node KRaft broker in the test JVM, from Kafka's own test kit
 * ({@code org.apache.kafka:kafka-test-common-runtime}). This is the only class that touches that internal,
 * version-specific API. One combined broker+controller node with the local broker's
 * {@link KafkaBrokerConfig#SINGLE_NODE} settings (replication factor 1, so transactions and {@code exactly_once_v2}
 * work; no rebalance delay). Closed exactly once (the test kit throws on a second close).
 */
final class InProcessKafka implements KafkaRuntime {

    private final KafkaClusterTestKit cluster;
    private final AtomicBoolean closed = new AtomicBoolean();

    private InProcessKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    static InProcessKafka start() throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .build();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
        KafkaBrokerConfig.SINGLE_NODE.forEach(builder::setConfigProp);
        KafkaClusterTestKit cluster = builder.build();
        InProcessKafka kafka = new InProcessKafka(cluster);
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return kafka;
        } catch (Exception | Error e) {
            try {
                kafka.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    @Override
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public String description() {
        return "in-process KafkaClusterTestKit (KAFKA_BOOTSTRAP_SERVERS not set, no Docker)";
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                cluster.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the in-process Kafka cluster failed", e);
            }
        }
    }
}
