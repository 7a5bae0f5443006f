package io.kzpipe.sink.config;

import io.kzpipe.model.config.EnvReader;
import io.kzpipe.model.config.Secrets;
import io.kzpipe.model.kafka.KafkaSettings;
import io.kzpipe.model.kafka.RecordLimits;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Every setting of the sink, read once from the environment ({@link #fromEnv(Map)}); all problems are
 * reported together. Immutable; {@link #toString()} masks the ClickHouse password and secret-looking
 * Kafka settings. The insert format is not a setting: rows are checked by the sink and sent as
 * {@code JSONEachRow}, the records' own bytes (the faster format here, docs/BENCHMARKS.md "ClickHouse sink").
 *
 * @param kafka             bootstrap servers, topic names, {@code KAFKA_CLIENT_*}
 * @param groupId           consumer group shared by all sink instances ({@code SINK_GROUP_ID})
 * @param consumerOverrides {@code KAFKA_CONSUMER_*} pass-through, applied last
 * @param clickHouse        endpoint, credentials, database and timeouts
 * @param flush             when a table's buffer is inserted
 * @param retry             backoff of failing inserts
 * @param managementHost    bind address of /health and /metrics ({@code SINK_MANAGEMENT_HOST})
 * @param managementPort    port of /health and /metrics ({@code SINK_MANAGEMENT_PORT}, 0 = any free port)
 * @param migrate           run the versioned DDL at start-up ({@code SINK_MIGRATE})
 * @param insertThreads     inserts that may run at once, each for a different table ({@code SINK_INSERT_THREADS})
 * @param limits            the pipeline's size limits ({@code GATEWAY_MAX_BODY_BYTES}): topics the sink creates get
 *                          the same {@code max.message.bytes} as when the processor creates them
 * @param instanceId        this instance's static group membership ({@code SINK_INSTANCE_ID}, the consumer's
 *                          {@code group.instance.id}); stable per instance, unique in the group (docs/DESIGN.md,
 *                          "Restarts, outages and health"); {@code null} = dynamic membership
 */
public record SinkConfig(KafkaSettings kafka, String groupId, Map<String, String> consumerOverrides,
        ClickHouse clickHouse, Flush flush, Retry retry, String managementHost, int managementPort, boolean migrate,
        int insertThreads, RecordLimits limits, String instanceId) {

    /**
     * Inserts at once (each table has at most one in flight): one insert at a time was the bottleneck of a sink
     * behind a busy ClickHouse, where each insert waits more than it works.
     */
    public static final int DEFAULT_INSERT_THREADS = 2;
    /** Fetched bytes the consumer may hold (Kafka's default is 50 MiB): part of the sink's heap budget. */
    public static final int DEFAULT_FETCH_MAX_BYTES = 16 * 1024 * 1024;

    /**
     * Longest wait between attempts while ClickHouse cannot be reached at all (refused or dropped connections): such
     * an attempt costs ClickHouse nothing, and the sink resumes within about this long once it answers again.
     */
    public static final Duration DEFAULT_RETRY_UNREACHABLE_MAX = Duration.ofSeconds(1);

    /** Records per poll: large enough that a poll fills a good share of a batch. */
    public static final int DEFAULT_MAX_POLL_RECORDS = 10_000;

    /**
     * @param url            HTTP endpoint ({@code CLICKHOUSE_URL})
     * @param user           ({@code CLICKHOUSE_USER})
     * @param password       ({@code CLICKHOUSE_PASSWORD}, never logged)
     * @param database       database of all tables ({@code CLICKHOUSE_DATABASE})
     * @param connectTimeout ({@code CLICKHOUSE_CONNECT_TIMEOUT})
     * @param insertTimeout  socket timeout of one insert ({@code CLICKHOUSE_INSERT_TIMEOUT})
     */
    public record ClickHouse(String url, String user, String password, String database, Duration connectTimeout,
            Duration insertTimeout) {
        @Override
        public String toString() {
            return "ClickHouse[url=" + url + ", user=" + user + ", password=" + Secrets.mask(password) + ", database="
                    + database + ", connectTimeout=" + connectTimeout + ", insertTimeout=" + insertTimeout + "]";
        }
    }

    /**
     * A table's buffer is inserted when it holds {@code rows} rows or {@code bytes} bytes of records, or when
     * its oldest row has waited {@code interval}. {@code maxBufferedBytes} bounds the estimated heap bytes of
     * all rows held (buffered or being inserted, every table): at the bound every buffer is inserted and
     * consumption pauses until inserts finish.
     */
    public record Flush(int rows, long bytes, Duration interval, long maxBufferedBytes) {}

    /**
     * Backoff of attempt n (1-based): min(max, initial × multiplier^(n-1)), minus up to jitterPercent % at random;
     * at most {@code unreachableMax} while the failures are about reaching ClickHouse, not errors it reported.
     */
    public record Retry(Duration initial, Duration max, int multiplier, int jitterPercent, Duration unreachableMax) {}

    public SinkConfig {
        consumerOverrides = Map.copyOf(consumerOverrides);
    }

    private static ClickHouse clickHouse(EnvReader env) {
        String url = env.string("CLICKHOUSE_URL", "http://127.0.0.1:8123");
        checkUrl(env, url);
        String database = env.string("CLICKHOUSE_DATABASE", "kaizala");
        if (!database.matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) {
            env.problem("CLICKHOUSE_DATABASE",
                    "must be a plain identifier ([A-Za-z_][A-Za-z0-9_]*), got '" + database + "'");
        }
        return new ClickHouse(url, env.string("CLICKHOUSE_USER", "default"), env.string("CLICKHOUSE_PASSWORD", ""),
                database,
                env.duration("CLICKHOUSE_CONNECT_TIMEOUT", Duration.ofSeconds(5), Duration.ofMillis(100),
                        Duration.ofMinutes(5)),
                env.duration("CLICKHOUSE_INSERT_TIMEOUT", Duration.ofSeconds(120), Duration.ofSeconds(1),
                        Duration.ofHours(1)));
    }

    public static SinkConfig fromEnv(Map<String, String> environment) {
        EnvReader env = new EnvReader(environment);
        KafkaSettings kafka = KafkaSettings.from(env);
        String groupId = env.string("SINK_GROUP_ID", "kaizala-sink");
        Map<String, String> consumer = env.passThrough("KAFKA_CONSUMER_");

        ClickHouse clickHouse = clickHouse(env);

        Flush flush = new Flush(env.intIn("SINK_FLUSH_ROWS", 100_000, 1, 10_000_000),
                env.longIn("SINK_FLUSH_BYTES", 16L * 1024 * 1024, 1024, 1024L * 1024 * 1024),
                env.duration("SINK_FLUSH_INTERVAL", Duration.ofMillis(500), Duration.ofMillis(10), Duration.ofHours(1)),
                env.longIn("SINK_MAX_BUFFERED_BYTES", 32L * 1024 * 1024, 1024 * 1024, 64L * 1024 * 1024 * 1024));
        if (flush.maxBufferedBytes() < flush.bytes()) {
            env.problem("SINK_MAX_BUFFERED_BYTES", "must not be smaller than SINK_FLUSH_BYTES (" + flush.bytes()
                    + "), got " + flush.maxBufferedBytes());
        }

        Duration retryInitial = env.duration("SINK_RETRY_INITIAL", Duration.ofMillis(200), Duration.ofMillis(1),
                Duration.ofMinutes(10));
        Duration retryMax = env.duration("SINK_RETRY_MAX", Duration.ofSeconds(30), Duration.ofMillis(1),
                Duration.ofHours(1));
        if (retryMax.compareTo(retryInitial) < 0) {
            env.problem("SINK_RETRY_MAX",
                    "must not be shorter than SINK_RETRY_INITIAL (" + retryInitial + "), got " + retryMax);
        }
        Retry retry = new Retry(retryInitial, retryMax, env.intIn("SINK_RETRY_MULTIPLIER", 2, 1, 10),
                env.intIn("SINK_RETRY_JITTER_PERCENT", 50, 0, 100), env.duration("SINK_RETRY_UNREACHABLE_MAX",
                        DEFAULT_RETRY_UNREACHABLE_MAX, Duration.ofMillis(1), Duration.ofHours(1)));

        String managementHost = env.string("SINK_MANAGEMENT_HOST", "0.0.0.0");
        int managementPort = env.intIn("SINK_MANAGEMENT_PORT", 8082, 0, 65535);
        boolean migrate = env.bool("SINK_MIGRATE", true);
        int insertThreads = env.intIn("SINK_INSERT_THREADS", DEFAULT_INSERT_THREADS, 1, 16);
        RecordLimits limits = RecordLimits.from(env);
        String instanceId = env.clientId("SINK_INSTANCE_ID", null);
        env.throwIfProblems();
        return new SinkConfig(kafka, groupId, consumer, clickHouse, flush, retry, managementHost, managementPort,
                migrate, insertThreads, limits, instanceId);
    }

    private static void checkUrl(EnvReader env, String url) {
        try {
            URI uri = URI.create(url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                env.problem("CLICKHOUSE_URL", "must be an http(s) URL like http://host:8123, got '" + url + "'");
            } else if (uri.getUserInfo() != null) {
                env.problem("CLICKHOUSE_URL",
                        "must not contain credentials; use CLICKHOUSE_USER and CLICKHOUSE_PASSWORD");
            }
        } catch (IllegalArgumentException e) {
            env.problem("CLICKHOUSE_URL", "must be an http(s) URL like http://host:8123, got '" + url + "'");
        }
    }

    /**
     * Consumer properties: manual commits after the insert, {@code read_committed} (the processor writes
     * transactionally), byte-array key and value (values are passed to ClickHouse as they are), then
     * {@code KAFKA_CLIENT_*} and {@code KAFKA_CONSUMER_*}; the commit mode, group and instance id cannot be
     * overridden.
     */
    public Map<String, Object> consumerProps() {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, DEFAULT_MAX_POLL_RECORDS);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, DEFAULT_FETCH_MAX_BYTES);
        // rows wait for SINK_FLUSH_INTERVAL anyway: let the broker gather 256 KiB (or 250 ms) per fetch instead
        // of answering for every new record (fewer requests, less broker CPU)
        props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 256 * 1024);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 250);
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        props.putAll(kafka.clientProps());
        props.putAll(consumerOverrides);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        if (instanceId != null) {
            // static membership: a restarted instance takes its partitions back at once (no rebalance, no waiting
            // for the group to time out its old member)
            props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        }
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    @Override
    public String toString() {
        return "SinkConfig[kafka=" + kafka + ", groupId=" + groupId + ", consumer=" + Secrets.maskAll(consumerOverrides)
                + ", clickHouse=" + clickHouse + ", flush=" + flush + ", retry=" + retry + ", management="
                + managementHost + ":" + managementPort + ", migrate=" + migrate + ", instanceId="
                + (instanceId == null ? "(dynamic membership)" : instanceId) + "]";
    }
}
