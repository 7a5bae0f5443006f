package io.kzpipe.sink;

import com.clickhouse.client.api.Client;
import com.clickhouse.data.ClickHouseColumn;
import io.kzpipe.model.kafka.KafkaReachability;
import io.kzpipe.model.kafka.TopicBootstrap;
import io.kzpipe.model.ops.DependencyProbe;
import io.kzpipe.model.ops.ManagementServer;
import io.kzpipe.model.ops.ServiceMetrics;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.sink.batch.BatchDelivery;
import io.kzpipe.sink.clickhouse.BatchWriter;
import io.kzpipe.sink.clickhouse.ClickHouseBatchWriter;
import io.kzpipe.sink.clickhouse.ClickHouseSql;
import io.kzpipe.sink.clickhouse.RetryPolicy;
import io.kzpipe.sink.clickhouse.SchemaMigrator;
import io.kzpipe.sink.clickhouse.TableColumns;
import io.kzpipe.sink.config.SinkConfig;
import io.kzpipe.sink.metrics.SinkMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the sink: ClickHouse client and migrations, the consumer and its loop thread, metrics and the
 * management port. {@link #start()} returns once the loop runs; {@link #close()} stops it (a last flush,
 * then the consumer leaves the group) and releases everything; safe to call more than once.
 */
public final class SinkApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkApp.class);
    public static final String SERVICE = "sink-clickhouse";

    private final SinkConfig config;
    private final PrometheusMeterRegistry registry;
    private final UnaryOperator<BatchWriter> writerDecorator;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private Client client;
    private KafkaClientMetrics consumerMetrics;
    private ExecutorService insertExecutor;
    private volatile SinkLoop loop;
    private Thread loopThread;
    private ManagementServer management;
    private volatile DependencyProbe kafkaProbe;
    private volatile DependencyProbe clickHouseProbe;
    private boolean closed;

    public SinkApp(SinkConfig config) {
        this(config, ServiceMetrics.newRegistry(SERVICE), UnaryOperator.identity());
    }

    /**
     * @param writerDecorator wraps the ClickHouse writer (tests inject faults, e.g. a crash after an insert)
     */
    public SinkApp(SinkConfig config, PrometheusMeterRegistry registry, UnaryOperator<BatchWriter> writerDecorator) {
        this.config = config;
        this.registry = registry;
        this.writerDecorator = writerDecorator;
    }

    /**
     * Migrates the schema, creates missing topics, starts the consumer loop and the management port.
     *
     * @throws IllegalStateException when ClickHouse or Kafka cannot be set up
     */
    public synchronized void start() throws IOException, InterruptedException {
        SinkConfig.ClickHouse ch = config.clickHouse();
        client = ClickHouseSql.newClient(ch);
        ClickHouseSql sql = new ClickHouseSql(client, ch.insertTimeout());
        if (config.migrate()) {
            new SchemaMigrator(sql, ch.database()).migrate();
        }
        List<String> tables = TopicId.sinkInputs().stream().map(TopicId::table).distinct().toList();
        Map<String, List<ClickHouseColumn>> columns = TableColumns.load(sql, ch.database(), tables);
        // max.message.bytes from RecordLimits, the same as when the processor or kafka-init create them. The raw topic
        // is the gateway's and the processor's to create (whole bodies); the sink only waits for it (a topic created
        // after subscribing would be seen only at the consumer's next metadata refresh)
        TopicBootstrap.ensure(config.kafka(), config.kafka().topics().names(TopicId.typed()),
                config.limits().typedTopicConfigs(), Duration.ofSeconds(30));
        TopicBootstrap.ensure(config.kafka(),
                config.kafka().topics().names(List.of(TopicId.DLQ_GATEWAY, TopicId.DLQ_PROCESSOR)),
                config.limits().bodyTopicConfigs(), Duration.ofSeconds(30));
        String raw = config.kafka().topics().name(TopicId.RAW);
        if (!TopicBootstrap.awaitExisting(config.kafka(), List.of(raw), Duration.ofSeconds(30))) {
            LOG.warn("topic {} does not exist yet (the gateway or the processor creates it); raw_receipts stay empty "
                    + "until it does and the consumer's metadata refresh sees it", raw);
        }

        SinkMetrics metrics = new SinkMetrics(registry);
        metrics.tables(tables);
        RetryPolicy policy = new RetryPolicy(config.retry());
        BatchWriter writer = writerDecorator
                .apply(new ClickHouseBatchWriter(client, ch.database(), columns, ch.insertTimeout()));
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config.consumerProps());
        consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(registry);
        AtomicInteger insertThreads = new AtomicInteger();
        // the Batcher keeps at most one insert in flight per table, so inserts of one table stay in offset order
        insertExecutor = Executors.newFixedThreadPool(config.insertThreads(), r -> {
            Thread t = new Thread(r, "sink-insert-" + insertThreads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        loop = new SinkLoop(consumer, config.kafka().topics(), config.flush(),
                new BatchDelivery(writer, policy, metrics), policy, metrics, System::currentTimeMillis, insertExecutor);
        loopThread = new Thread(() -> {
            try {
                loop.run();
            } catch (RuntimeException | Error e) {
                failure.set(e);
            }
        }, "sink-loop");
        loopThread.start();
        clickHouseProbe = new DependencyProbe("clickhouse", () -> sql.ping(DependencyProbe.TIMEOUT), registry).start();
        kafkaProbe = new DependencyProbe("kafka", new KafkaReachability(config.kafka(), DependencyProbe.TIMEOUT),
                registry).start();
        management = ManagementServer.start(config.managementHost(), config.managementPort(), registry, this::health);
        int topics = TopicId.sinkInputs().size();
        LOG.info("sink started: {} topics into ClickHouse database {} at {}", topics, ch.database(), ch.url());
    }

    /**
     * Ready when the consumer loop runs (not failing inserts), ClickHouse answers a ping and Kafka a
     * {@code describeCluster}; the probes run in the background ({@link DependencyProbe}), so this never waits.
     * The state is the loop's; {@code checks} tells which dependency is missing.
     */
    public ManagementServer.Health health() {
        SinkLoop current = loop;
        if (current == null || clickHouseProbe == null || kafkaProbe == null) {
            return new ManagementServer.Health(false, "STARTING");
        }
        SinkLoop.State state = current.state();
        Map<String, ManagementServer.Health.Check> checks = Map.of("clickhouse", clickHouseProbe.check(), "kafka",
                kafkaProbe.check());
        return new ManagementServer.Health(state == SinkLoop.State.RUNNING && clickHouseProbe.up() && kafkaProbe.up(),
                state.name(), checks);
    }

    /** Port of /health and /metrics (useful with port 0). */
    public int managementPort() {
        return management.port();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Blocks until the consumer loop ends; returns the fatal error that ended it, or {@code null}. */
    public Throwable awaitTermination() throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = loopThread;
        }
        if (t != null) {
            t.join();
        }
        return failure.get();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (loop != null) {
            loop.stop();
            try {
                loopThread.join(Duration.ofSeconds(60).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (insertExecutor != null) {
            insertExecutor.shutdownNow();
        }
        if (management != null) {
            management.close();
        }
        for (DependencyProbe probe : new DependencyProbe[]{kafkaProbe, clickHouseProbe}) {
            if (probe != null) {
                probe.close();
            }
        }
        if (consumerMetrics != null) {
            consumerMetrics.close();
        }
        if (client != null) {
            client.close();
        }
        LOG.info("sink stopped");
    }
}
