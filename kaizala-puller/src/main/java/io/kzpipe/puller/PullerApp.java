package io.kzpipe.puller;

import io.kzpipe.model.kafka.KafkaReachability;
import io.kzpipe.model.kafka.TopicBootstrap;
import io.kzpipe.model.ops.DependencyProbe;
import io.kzpipe.model.ops.ManagementServer;
import io.kzpipe.model.ops.ServiceMetrics;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.puller.api.ApiClient;
import io.kzpipe.puller.api.ApiMetrics;
import io.kzpipe.puller.api.KaizalaApi;
import io.kzpipe.puller.api.TokenState;
import io.kzpipe.puller.config.PullerConfig;
import io.kzpipe.puller.pull.Backfills;
import io.kzpipe.puller.pull.PullLoop;
import io.kzpipe.puller.pull.PullMetrics;
import io.kzpipe.puller.pull.Puller;
import io.kzpipe.puller.state.StateStore;
import io.kzpipe.puller.state.StateTopic;
import io.kzpipe.puller.state.TokenKeeper;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the puller: topics, the state store (read to its end before anything else), the Kaizala client with the
 * stored token state, the pull loop thread, probes and the management port. {@link #start()} returns once the loop
 * runs; {@link #close()} stops it and releases everything; safe to call more than once.
 */
public final class PullerApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PullerApp.class);
    public static final String SERVICE = "kaizala-puller";
    static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(60);

    private final PullerConfig config;
    private final PrometheusMeterRegistry registry;
    private final Clock clock;
    private StateStore store;
    private ApiClient client;
    private volatile PullLoop loop;
    private Thread loopThread;
    private ManagementServer management;
    private volatile DependencyProbe kafkaProbe;
    private volatile DependencyProbe kaizalaProbe;
    private boolean closed;

    public PullerApp(PullerConfig config) {
        this(config, ServiceMetrics.newRegistry(SERVICE), Clock.systemUTC());
    }

    public PullerApp(PullerConfig config, PrometheusMeterRegistry registry, Clock clock) {
        this.config = config;
        this.registry = registry;
        this.clock = clock;
    }

    /**
     * Creates missing topics, reads the state, starts the pull loop and the management port.
     *
     * @throws IllegalStateException when Kafka cannot be set up or the state topic is not compacted
     */
    public synchronized void start() throws IOException {
        TopicBootstrap.ensure(config.kafka(), config.kafka().topics().names(List.of(TopicId.RAW, TopicId.DLQ_GATEWAY)),
                config.limits().bodyTopicConfigs(), KAFKA_TIMEOUT);
        String stateTopic = StateTopic.ensure(config.kafka(), KAFKA_TIMEOUT);
        store = new StateStore(config.producerProps(),
                StateStore.consumerProps(config.kafka(), "kz-puller-state-" + config.instanceId()), stateTopic);
        store.open(KAFKA_TIMEOUT);
        TokenKeeper tokens = new TokenKeeper(store);
        TokenState stored = tokens.stored();
        TokenState initial = TokenState.resolve(config.api().refreshToken(), stored);
        if (stored != null && !initial.equals(stored)) {
            LOG.info("KAIZALA_REFRESH_TOKEN differs from the one the stored token state began with: using it");
        }
        client = new ApiClient(config.api(), initial, new ApiMetrics(registry));
        client.onTokenChange(tokens);
        if (!initial.equals(stored)) {
            tokens.changed(initial);
        }
        KaizalaApi api = new KaizalaApi(client);
        PullMetrics metrics = new PullMetrics(registry, clock);
        Puller puller = new Puller(api, store, config.kafka().topics(), config.limits(), metrics, clock,
                config.rereadWindow(), config.pageSize());
        Backfills backfills = puller.backfills();
        loop = new PullLoop(config.sources(), config.interval(), puller, backfills, store, tokens, client, clock);
        loopThread = new Thread(loop, "puller-loop");
        loopThread.start();
        ApiClient probed = client;
        kaizalaProbe = new DependencyProbe("kaizala", probed::reachable, registry).start();
        kafkaProbe = new DependencyProbe("kafka", new KafkaReachability(config.kafka(), DependencyProbe.TIMEOUT),
                registry).start();
        management = ManagementServer.start(config.managementHost(), config.managementPort(), registry, this::health);
        LOG.info("puller started: sources {}", config.sources().stream().map(s -> s.id()).toList());
    }

    /**
     * Ready when the loop runs, Kafka answers and Kaizala gave a token (and its latest call did not fail); the probes
     * run in the background, so this never waits.
     */
    public ManagementServer.Health health() {
        PullLoop current = loop;
        if (current == null || kafkaProbe == null || kaizalaProbe == null) {
            return new ManagementServer.Health(false, "STARTING");
        }
        Map<String, ManagementServer.Health.Check> checks = Map.of("kafka", kafkaProbe.check(), "kaizala",
                kaizalaProbe.check());
        PullLoop.State state = current.state();
        return new ManagementServer.Health(state == PullLoop.State.RUNNING && kafkaProbe.up() && kaizalaProbe.up(),
                state.name(), checks);
    }

    public int managementPort() {
        return management.port();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Kaizala client (its token state, for tests). */
    public ApiClient client() {
        return client;
    }

    /** Blocks until the loop ends; returns the fatal error that ended it, or {@code null}. */
    public Throwable awaitTermination() throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = loopThread;
        }
        if (t != null) {
            t.join();
        }
        PullLoop l = loop;
        return l == null ? null : l.failure();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (loop != null) {
            loop.stop();
            loopThread.interrupt();
            try {
                loopThread.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (management != null) {
            management.close();
        }
        for (DependencyProbe probe : new DependencyProbe[]{kafkaProbe, kaizalaProbe}) {
            if (probe != null) {
                probe.close();
            }
        }
        if (store != null) {
            store.close();
        }
        LOG.info("puller stopped");
    }
}
