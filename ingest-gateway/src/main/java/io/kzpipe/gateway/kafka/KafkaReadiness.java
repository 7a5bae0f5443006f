package io.kzpipe.gateway.kafka;

import io.kzpipe.model.kafka.KafkaSettings;
import io.kzpipe.model.kafka.TopicBootstrap;
import io.kzpipe.model.ops.ManagementServer.Health;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background readiness check on one daemon thread ({@code gateway-kafka-check}); requests never wait for it.
 * Each round: creates the gateway's topics if that has not succeeded yet ({@link TopicBootstrap}), asks the
 * cluster to describe itself (a real round trip, bounded by the timeout) and looks up the topics in the
 * producer's metadata (which also keeps that metadata cached, so {@code send()} never has to wait for it).
 * Ready = all three succeeded in the latest round ({@code checks.kafka} is UP when the cluster answered). Rounds
 * repeat every {@code interval} while ready and every {@value #RETRY_MS} ms while not.
 *
 * <p>The gateway starts even when Kafka is down: liveness and the Kaizala handshake work, readiness reports
 * DOWN, and topics are created as soon as the broker answers.
 */
public final class KafkaReadiness implements ReadinessCheck {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaReadiness.class);
    static final long RETRY_MS = 500;
    private static final Map<String, Health.Check> KAFKA_UP = Map.of("kafka", Health.Check.UP);
    private static final Map<String, Health.Check> KAFKA_DOWN = Map.of("kafka", Health.Check.DOWN);

    private final KafkaSettings settings;
    private final List<String> topics;
    private final Map<String, String> topicConfigs;
    private final Producer<?, ?> producer;
    private final Duration interval;
    private final Duration timeout;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gateway-kafka-check");
        t.setDaemon(true);
        return t;
    });

    private volatile Health health = new Health(false, "STARTING", Map.of("kafka", Health.Check.UNKNOWN));
    private volatile boolean topicsReady;
    private Admin admin;

    public KafkaReadiness(KafkaSettings settings, List<String> topics, Map<String, String> topicConfigs,
            Producer<?, ?> producer, Duration interval, Duration timeout) {
        this.settings = settings;
        this.topics = List.copyOf(topics);
        this.topicConfigs = Map.copyOf(topicConfigs);
        this.producer = producer;
        this.interval = interval;
        this.timeout = timeout;
    }

    @Override
    public void start() {
        scheduler.execute(this::round);
    }

    @Override
    public Health health() {
        return health;
    }

    private void round() {
        Health next;
        try {
            if (!topicsReady) {
                TopicBootstrap.ensure(settings, topics, topicConfigs, timeout);
                topicsReady = true;
            }
            if (admin == null) {
                admin = Admin.create(settings.adminProps());
            }
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .clusterId()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            next = producerMetadataReady()
                    ? new Health(true, "KAFKA_REACHABLE", KAFKA_UP)
                    : new Health(false, "METADATA_PENDING", KAFKA_UP);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            next = new Health(false, topicsReady ? "KAFKA_UNREACHABLE" : "TOPICS_NOT_CREATED", KAFKA_DOWN);
            if (health.ready() || "STARTING".equals(health.state())) {
                LOG.warn("Kafka at {} is not usable ({}): readiness DOWN, posts get 503 until it is",
                        settings.bootstrapServers(), e.toString());
            }
        }
        if (next.ready() && !health.ready()) {
            LOG.info("Kafka at {} is reachable, topics {} ready: readiness UP", settings.bootstrapServers(), topics);
        }
        health = next;
        try {
            scheduler.schedule(this::round,
                    next.ready() ? interval.toMillis() : Math.min(RETRY_MS, interval.toMillis()),
                    TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    /**
     * Looks the topics up in the producer's metadata. With {@code max.block.ms=0} a look-up never waits: the first
     * one for a topic only requests the metadata (and fails), a later round finds it cached.
     */
    private boolean producerMetadataReady() {
        try {
            for (String topic : topics) {
                producer.partitionsFor(topic);
            }
            return true;
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            LOG.debug("producer metadata not cached yet: {}", e.getMessage());
            return false;
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                LOG.warn("readiness check did not stop within {}", timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
        }
    }
}
