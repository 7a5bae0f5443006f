package io.kzpipe.processor;

import io.kzpipe.model.kafka.KafkaReachability;
import io.kzpipe.model.kafka.TopicBootstrap;
import io.kzpipe.model.ops.DependencyProbe;
import io.kzpipe.model.ops.ManagementServer;
import io.kzpipe.model.ops.ManagementServer.Health;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import io.kzpipe.processor.config.ProcessorConfig;
import io.kzpipe.processor.errors.ThreadFailurePolicy;
import io.kzpipe.processor.topology.ProcessorMetrics;
import io.kzpipe.processor.topology.ProcessorTopology;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires and runs the stream processor: management port, topic creation, the Kafka Streams client running
 * {@link ProcessorTopology}, its error policies and metrics.
 *
 * <p>Lifecycle: {@link #start()} opens the management port (live at once, ready later), creates missing
 * topics, starts Streams and waits for {@code RUNNING} up to {@code PROCESSOR_STARTUP_TIMEOUT}.
 * Readiness: ready in {@code RUNNING}; also in {@code REBALANCING} once it has been {@code RUNNING} (a
 * rebalance is routine and short, and readiness only gates roll-outs; the state is reported as
 * {@code REBALANCING} so dashboards can see it); not ready in every other state, nor while the broker does not
 * answer a {@link DependencyProbe} (Streams itself stays {@code RUNNING} through a broker outage, retrying; the
 * body says {@code "checks":{"kafka":"DOWN"}}). Liveness never depends on Kafka. {@link #terminated()}
 * completes when Streams stops on its own ({@code ERROR}, e.g. after the thread-failure policy gave up).
 * {@link #close()} closes Streams within {@code PROCESSOR_SHUTDOWN_TIMEOUT} (committing the current
 * transaction), then the management port. Thread-safe for these calls; {@code close()} is idempotent.
 */
public final class ProcessorApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorApp.class);

    private final ProcessorConfig config;
    private final PrometheusMeterRegistry registry;
    private final CompletableFuture<State> running = new CompletableFuture<>();
    private final CompletableFuture<State> terminated = new CompletableFuture<>();
    private volatile KafkaStreams streams;
    private volatile ManagementServer management;
    private volatile KafkaStreamsMetrics streamsMetrics;
    private volatile DependencyProbe kafkaProbe;
    private volatile boolean everRunning;
    private volatile boolean closing;

    public ProcessorApp(ProcessorConfig config, PrometheusMeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    /**
     * Starts everything and returns once Streams is {@code RUNNING}.
     *
     * @throws IOException           when the management port cannot be opened
     * @throws IllegalStateException when topics cannot be created or Streams does not reach RUNNING in time
     */
    public void start() throws IOException {
        kafkaProbe = new DependencyProbe("kafka", new KafkaReachability(config.kafka(), DependencyProbe.TIMEOUT),
                registry).start();
        management = ManagementServer.start(config.managementHost(), config.managementPort(), registry, this::health);
        Topics topics = config.kafka().topics();
        // max.message.bytes from RecordLimits, the same as when the gateway, the sink or kafka-init create them
        TopicBootstrap.ensure(config.kafka(), topics.names(TopicId.typed()), config.typedTopicConfigs(),
                config.startupTimeout());
        TopicBootstrap.ensure(config.kafka(), topics.names(List.of(TopicId.RAW, TopicId.DLQ_PROCESSOR)),
                config.limits().bodyTopicConfigs(), config.startupTimeout());

        Topology topology = ProcessorTopology.build(config, new ProcessorMetrics(registry, topics));
        LOG.info("topology:\n{}", topology.describe());
        KafkaStreams ks = new KafkaStreams(topology, config.streamsProperties());
        Counter threadFailures = Counter.builder("kz.processor.stream.thread.failures")
                .description("Stream threads that died with an uncaught exception")
                .register(registry);
        ks.setUncaughtExceptionHandler(new ThreadFailurePolicy(config.maxThreadReplacements(),
                config.threadReplacementWindow(), System::nanoTime, threadFailures::increment));
        ks.setStateListener(this::onStateChange);
        streamsMetrics = new KafkaStreamsMetrics(ks);
        streamsMetrics.bindTo(registry);
        streams = ks;
        ks.start();
        awaitRunning(config.startupTimeout());
    }

    private void onStateChange(State newState, State oldState) {
        LOG.info("Kafka Streams state {} -> {}", oldState, newState);
        if (newState == State.RUNNING) {
            everRunning = true;
            running.complete(newState);
        } else if (newState == State.ERROR || newState == State.NOT_RUNNING) {
            running.complete(newState); // ends a start-up wait, also when close() came first
            if (!closing) {
                terminated.complete(newState);
            }
        }
    }

    private void awaitRunning(Duration timeout) {
        State state;
        try {
            state = running.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "Kafka Streams not RUNNING after " + timeout + " (state " + streams.state() + ")", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka Streams failed to start", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka Streams", e);
        }
        if (state != State.RUNNING) {
            throw new IllegalStateException("Kafka Streams stopped during start-up (state " + state + ")");
        }
        LOG.info("stream processor running; management port {}", management.port());
    }

    /** Readiness for {@code /health/ready} (see the class comment). */
    public Health health() {
        KafkaStreams ks = streams;
        if (ks == null) {
            return new Health(false, "STARTING");
        }
        State state = ks.state();
        boolean ready = state == State.RUNNING || (state == State.REBALANCING && everRunning);
        Health.Check kafka = kafkaProbe.check();
        return new Health(ready && kafka == Health.Check.UP, state.name(), Map.of("kafka", kafka));
    }

    /** Completes with {@code ERROR} (or {@code NOT_RUNNING}) when Streams stops without {@link #close()}. */
    public CompletableFuture<State> terminated() {
        return terminated;
    }

    public boolean isClosing() {
        return closing;
    }

    /** The bound management port (useful when configured as 0). */
    public int managementPort() {
        return management.port();
    }

    @Override
    public synchronized void close() {
        if (closing) {
            return;
        }
        closing = true;
        KafkaStreams ks = streams;
        if (ks != null) {
            LOG.info("closing Kafka Streams (timeout {})", config.shutdownTimeout());
            if (!ks.close(config.shutdownTimeout())) {
                LOG.warn("Kafka Streams did not close within {}; open transactions will be aborted by the broker",
                        config.shutdownTimeout());
            }
        }
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        if (management != null) {
            management.close();
        }
        if (kafkaProbe != null) {
            kafkaProbe.close();
        }
        terminated.complete(ks == null ? State.NOT_RUNNING : ks.state());
        LOG.info("stream processor stopped");
    }
}
