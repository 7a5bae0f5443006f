package io.kzpipe.gateway;

import io.javalin.Javalin;
import io.kzpipe.gateway.config.GatewayConfig;
import io.kzpipe.gateway.http.CallbackAuthenticator;
import io.kzpipe.gateway.http.CallbackTokenWatcher;
import io.kzpipe.gateway.http.EnvelopeValidator;
import io.kzpipe.gateway.http.GatewayHttp;
import io.kzpipe.gateway.http.GatewayMetrics;
import io.kzpipe.gateway.http.WebhookHandler;
import io.kzpipe.gateway.kafka.EventPublisher;
import io.kzpipe.gateway.kafka.GatewayRecords;
import io.kzpipe.gateway.kafka.ReadinessCheck;
import io.kzpipe.model.ops.DependencyProbe;
import io.kzpipe.model.ops.ManagementServer;
import io.kzpipe.model.ops.ManagementServer.Health;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway wired together from its collaborators (given, so tests can pass a {@code MockProducer}-backed
 * publisher and a fake readiness check). {@link #start()} starts the readiness check, the management port
 * ({@code /health/live}, {@code /health/ready}, {@code /metrics}: the {@link ManagementServer} of all three services)
 * and the webhook server, and with {@code KAIZALA_CALLBACK_TOKENS_FILE} the {@link CallbackTokenWatcher} (a file
 * that cannot be read fails the start); {@link #close()} shuts down in order: readiness turns DOWN, the webhook
 * server stops accepting and drains in-flight requests (up to {@code GATEWAY_SHUTDOWN_TIMEOUT}), the publisher
 * flushes and closes the producer, the readiness check stops, the token watcher and the management port close.
 * Closing is idempotent.
 */
public final class GatewayApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayApp.class);

    private final GatewayConfig config;
    private final EventPublisher publisher;
    private final ReadinessCheck readiness;
    private final Javalin server;
    private final PrometheusMeterRegistry registry;
    private final CallbackAuthenticator authenticator;
    private volatile CallbackTokenWatcher tokenWatcher;
    private volatile ManagementServer management;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean stopping;

    public GatewayApp(GatewayConfig config, EventPublisher publisher, ReadinessCheck readiness,
            PrometheusMeterRegistry registry, Clock clock) {
        this.config = config;
        this.publisher = publisher;
        this.readiness = readiness;
        this.registry = registry;
        QueuedThreadPool pool = GatewayHttp.threadPool(config.maxThreads());
        this.authenticator = config.authenticationRequired()
                ? CallbackAuthenticator.requiring(config.callbackTokens())
                : CallbackAuthenticator.open();
        WebhookHandler webhook = new WebhookHandler(
                new WebhookHandler.Settings(config.maxBodyBytes(), config.maxValidationTokenBytes(),
                        config.strictMode()),
                authenticator, new EnvelopeValidator(config.maxJsonDepth()),
                new GatewayRecords(config.rawTopic(), config.deadLetterTopic()), publisher,
                new GatewayMetrics(registry), pool, clock);
        this.server = GatewayHttp.create(new GatewayHttp.Settings(config.host(), config.port(), config.webhookPath(),
                config.maxBodyBytes(), config.retryAfterSeconds(), config.shutdownTimeout()), webhook, pool);
        Gauge.builder("kz.gateway.ready", this, app -> app.health().ready() ? 1 : 0)
                .description("1 while the gateway can store events (Kafka reachable, topics ready)")
                .register(registry);
        Gauge.builder(DependencyProbe.GAUGE, readiness,
                r -> r.health().checks().get("kafka") == Health.Check.UP ? 1 : 0)
                .description("1 while the dependency answered its latest probe, else 0")
                .tag("dependency", "kafka")
                .register(registry);
    }

    public GatewayApp start() {
        if (!config.authenticationRequired()) {
            LOG.warn("no callback token configured and {}=true: accepting webhook posts WITHOUT authentication",
                    GatewayConfig.ALLOW_UNAUTHENTICATED_VAR);
        }
        if (config.callbackTokensFile() != null) {
            try {
                tokenWatcher = CallbackTokenWatcher.start(config.callbackTokensFile(), config.callbackTokens(),
                        authenticator, CallbackTokenWatcher.DEFAULT_INTERVAL);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot read " + GatewayConfig.TOKENS_FILE_VAR + " " + config.callbackTokensFile(), e);
            }
        }
        readiness.start();
        try {
            management = ManagementServer.start(config.managementHost(), config.managementPort(), registry,
                    this::health);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the management port " + config.managementPort(), e);
        }
        server.start();
        LOG.info("ingest gateway listening on {}:{} (webhook {}, raw topic {}, dead-letter topic {})", config.host(),
                server.port(), config.webhookPath(), config.rawTopic(), config.deadLetterTopic());
        return this;
    }

    /** The HTTP server, not started before {@link #start()} (tests may start it themselves, e.g. with JavalinTest). */
    public Javalin http() {
        return server;
    }

    /** The bound webhook port (useful with {@code GATEWAY_PORT=0}). */
    public int port() {
        return server.port();
    }

    /** The bound management port, once started (useful with {@code GATEWAY_MANAGEMENT_PORT=0}). */
    public int managementPort() {
        return management.port();
    }

    /** Readiness as {@code /health/ready} reports it: DOWN from the moment shutdown begins. */
    public Health health() {
        return stopping ? new Health(false, "STOPPING", readiness.health().checks()) : readiness.health();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopping = true;
        LOG.info("stopping: draining in-flight requests (up to {})", config.shutdownTimeout());
        try {
            server.stop();
        } catch (RuntimeException e) {
            LOG.warn("HTTP server did not stop cleanly", e);
        }
        try {
            publisher.close(config.publishTimeout());
        } catch (RuntimeException e) {
            LOG.warn("Kafka producer did not close cleanly", e);
        }
        readiness.close();
        if (tokenWatcher != null) {
            tokenWatcher.close();
        }
        if (management != null) {
            management.close();
        }
        LOG.info("ingest gateway stopped");
    }
}
