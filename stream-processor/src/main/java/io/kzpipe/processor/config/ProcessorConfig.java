package io.kzpipe.processor.config;

import io.kzpipe.model.config.EnvReader;
import io.kzpipe.model.config.Secrets;
import io.kzpipe.model.config.SettingException;
import io.kzpipe.model.kafka.KafkaSettings;
import io.kzpipe.model.kafka.RecordLimits;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.processor.errors.ProductionErrorPolicy;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndFailExceptionHandler;
import org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler;

/**
 * Everything the stream processor is configured with, read once from the environment
 * ({@link #fromEnv(Map)}). Immutable; {@link #toString()} masks the PII secret and secret-looking client
 * settings.
 *
 * @param kafka                   bootstrap servers, topic names, topic creation, {@code KAFKA_CLIENT_*}
 * @param applicationId           Streams {@code application.id} (consumer group, internal topic prefix)
 * @param dedupWindow             how long an {@code eventId} is remembered for deduplication
 * @param stateDir                Streams {@code state.dir}; {@code null} keeps the Streams default
 * @param managementHost          bind address of the management port
 * @param managementPort          port of {@code /health/*} and {@code /metrics} (0 = any free port)
 * @param piiHashSecret           HMAC key for phone numbers; {@code null} disables hashing
 * @param maxRecordBytes          largest typed record (key + value + headers) the processor writes; an
 *                                event with a larger record is dead-lettered as {@code record_too_large}.
 *                                Default and lower bound: {@link RecordLimits#typedRecordBytes()}, so every
 *                                body the gateway accepts fits
 * @param rawJsonMaxBytes         largest body kept in {@code events.raw_json}; longer ones are stored as ''.
 *                                At most {@code GATEWAY_MAX_BODY_BYTES} (part of the typed-record bound)
 * @param startupTimeout          how long start-up waits for Streams to reach RUNNING
 * @param shutdownTimeout         how long a graceful shutdown waits for Streams to close
 * @param maxThreadReplacements   stream-thread failures replaced within {@code threadReplacementWindow}
 *                                before the client shuts down (and the process exits non-zero)
 * @param threadReplacementWindow sliding window for {@code maxThreadReplacements}
 * @param streamsOverrides        {@code KAFKA_STREAMS_*} settings, applied last
 * @param limits                  the pipeline's size limits from {@code GATEWAY_MAX_BODY_BYTES}: topics the
 *                                processor creates get {@code max.message.bytes} from them, the same as the
 *                                gateway, the sink and {@code deploy/compose/kafka/create-topics.sh}
 * @param rocksDbMemoryBytes      native memory budget shared by every RocksDB instance (block cache with the
 *                                memtables charged to it, see {@link BoundedRocksDbConfig})
 * @param instanceId              {@code PROCESSOR_INSTANCE_ID}: this instance's static group membership
 *                                ({@code group.instance.id} of its main consumers, Streams appends the thread
 *                                index); stable per instance and unique in the group (docs/DESIGN.md, "Restarts,
 *                                outages and health"); {@code null} = dynamic membership
 */
public record ProcessorConfig(KafkaSettings kafka, String applicationId, Duration dedupWindow, String stateDir,
        String managementHost, int managementPort, String piiHashSecret, int maxRecordBytes, int rawJsonMaxBytes,
        Duration startupTimeout, Duration shutdownTimeout, int maxThreadReplacements, Duration threadReplacementWindow,
        Map<String, String> streamsOverrides, RecordLimits limits, long rocksDbMemoryBytes, String instanceId) {

    public static final int MIN_PII_SECRET_LENGTH = 16;
    /** Bodies up to this long are kept in {@code events.raw_json} (or up to the body limit when it is lower). */
    public static final int DEFAULT_RAW_JSON_MAX_BYTES = 256 * 1024;
    /** Kafka's default {@code buffer.memory}; raised when the largest record would not fit. */
    static final long DEFAULT_PRODUCER_BUFFER_BYTES = 32L * 1024 * 1024;

    /** Streams' EOS default is 100 ms; 200 ms halves the transaction overhead (see docs/BENCHMARKS.md). */
    public static final int DEFAULT_COMMIT_INTERVAL_MS = 200;

    public ProcessorConfig {
        streamsOverrides = Map.copyOf(streamsOverrides);
    }

    /** Reads the configuration; throws {@link SettingException} listing every problem. */
    public static ProcessorConfig fromEnv(Map<String, String> envMap) {
        EnvReader env = new EnvReader(envMap);
        KafkaSettings kafka = KafkaSettings.from(env);
        String applicationId = env.clientId("PROCESSOR_APPLICATION_ID", "kaizala-processor");
        Duration dedupWindow = env.duration("PROCESSOR_DEDUP_WINDOW", Duration.ofHours(72), Duration.ofMinutes(1),
                Duration.ofDays(30));
        String stateDir = env.raw("PROCESSOR_STATE_DIR");
        String host = env.string("PROCESSOR_MANAGEMENT_HOST", "0.0.0.0");
        int port = env.intIn("PROCESSOR_MANAGEMENT_PORT", 8081, 0, 65535);
        String secret = env.raw("PII_HASH_SECRET");
        if (secret != null && secret.length() < MIN_PII_SECRET_LENGTH) {
            env.problem("PII_HASH_SECRET", "must be at least " + MIN_PII_SECRET_LENGTH + " characters long");
        }
        RecordLimits limits = RecordLimits.from(env);
        int maxRecordBytes = env.intIn("PROCESSOR_MAX_RECORD_BYTES", limits.typedRecordBytes(), 1024,
                Integer.MAX_VALUE);
        limits.requireAtLeast(env, "PROCESSOR_MAX_RECORD_BYTES", maxRecordBytes, limits.typedRecordBytes(),
                "the largest typed record of a body");
        int rawJsonMax = env.intIn("PROCESSOR_RAW_JSON_MAX_BYTES",
                Math.min(DEFAULT_RAW_JSON_MAX_BYTES, limits.maxBodyBytes()), 0, Integer.MAX_VALUE);
        if (rawJsonMax > limits.maxBodyBytes()) {
            env.problem("PROCESSOR_RAW_JSON_MAX_BYTES", "is " + rawJsonMax + ", above " + RecordLimits.MAX_BODY_VAR
                    + " (" + limits.maxBodyBytes() + "); the typed-record limit derived from it allows at most that");
        }
        Duration startup = env.duration("PROCESSOR_STARTUP_TIMEOUT", Duration.ofMinutes(5), Duration.ofSeconds(1),
                Duration.ofHours(2));
        Duration shutdown = env.duration("PROCESSOR_SHUTDOWN_TIMEOUT", Duration.ofSeconds(30), Duration.ofSeconds(1),
                Duration.ofMinutes(10));
        int replacements = env.intIn("PROCESSOR_MAX_THREAD_REPLACEMENTS", 3, 0, 1000);
        Duration replacementWindow = env.duration("PROCESSOR_THREAD_REPLACEMENT_WINDOW", Duration.ofMinutes(10),
                Duration.ofSeconds(1), Duration.ofDays(1));
        Map<String, String> overrides = env.passThrough("KAFKA_STREAMS_");
        long rocksDbMemory = env.longIn("PROCESSOR_ROCKSDB_MEMORY_BYTES", BoundedRocksDbConfig.DEFAULT_MEMORY_BYTES,
                1024L * 1024, 64L * 1024 * 1024 * 1024);
        String instanceId = env.clientId("PROCESSOR_INSTANCE_ID", null);
        ProcessorConfig config = new ProcessorConfig(kafka, applicationId, dedupWindow, stateDir, host, port, secret,
                maxRecordBytes, rawJsonMax, startup, shutdown, replacements, replacementWindow, overrides, limits,
                rocksDbMemory, instanceId);
        config.checkProducerSizes(env);
        env.throwIfProblems();
        return config;
    }

    /**
     * Largest record the processor's producer sends: a typed record or a dead letter (a whole body plus
     * headers), whichever is larger.
     */
    public int largestRecordBytes() {
        return Math.max(Math.max(maxRecordBytes, limits.typedRecordBytes()), limits.bodyRecordBytes());
    }

    /** Settings of the typed topics when the processor creates them. */
    public Map<String, String> typedTopicConfigs() {
        return RecordLimits.topicConfigs(maxRecordBytes);
    }

    /** An override of the producer's request or buffer size must still fit the largest record. */
    private void checkProducerSizes(EnvReader env) {
        Properties p = streamsProperties();
        String request = StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        String buffer = StreamsConfig.producerPrefix(ProducerConfig.BUFFER_MEMORY_CONFIG);
        for (String key : new String[]{request, buffer}) {
            long value;
            try {
                value = Long.parseLong(String.valueOf(p.get(key)).trim());
            } catch (NumberFormatException e) {
                env.problem(overrideName(key), "must be an integer, got '" + p.get(key) + "'");
                continue;
            }
            limits.requireAtLeast(env, overrideName(key), value, largestRecordBytes(),
                    "the largest record the processor writes (PROCESSOR_MAX_RECORD_BYTES or a dead letter)");
        }
    }

    private static String overrideName(String streamsKey) {
        return "KAFKA_STREAMS_" + streamsKey.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /**
     * The Kafka Streams properties: our defaults, then {@code KAFKA_CLIENT_*}, then {@code KAFKA_STREAMS_*}
     * (e.g. {@code KAFKA_STREAMS_NUM_STREAM_THREADS=2}, {@code KAFKA_STREAMS_PRODUCER_LINGER_MS=20}).
     */
    public Properties streamsProperties() {
        Map<String, Object> props = new TreeMap<>(defaults());
        props.putAll(kafka.clientProps());
        props.putAll(streamsOverrides);
        Properties out = new Properties();
        out.putAll(props);
        return out;
    }

    private Map<String, Object> defaults() {
        Map<String, Object> d = new TreeMap<>();
        d.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        d.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        d.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, DEFAULT_COMMIT_INTERVAL_MS);
        if (stateDir != null) {
            d.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        }
        d.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbConfig.class.getName());
        d.put(BoundedRocksDbConfig.MEMORY_BYTES_CONFIG, rocksDbMemoryBytes);
        // explicit error policy (docs/SERVICES.md, "Failure policy"): the source is byte[] so deserialization
        // cannot fail; a processing error outside the mapper (state store, forwarding) is an infrastructure
        // failure and must stop the thread rather than skip a record; production errors: see ProductionErrorPolicy
        d.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndFailExceptionHandler.class.getName());
        d.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndFailProcessingExceptionHandler.class.getName());
        d.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, ProductionErrorPolicy.class.getName());
        d.put(ProductionErrorPolicy.DLQ_TOPIC_CONFIG, kafka.topics().name(TopicId.DLQ_PROCESSOR));
        d.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        if (instanceId != null) {
            // static membership: a restarted instance takes its partitions back at once instead of waiting for the
            // group to time out its old member (Streams does not leave the group on close)
            d.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), instanceId);
        }
        // the broker answers a fetch once 64 KiB are there or 100 ms passed, not for every new record: at a
        // moderate rate that cut the broker's CPU by about a third (docs/BENCHMARKS.md), for at most 100 ms
        d.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MIN_BYTES_CONFIG), 64 * 1024);
        d.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 100);
        // every raw event fans out to ~7 typed records: fewer, larger produce requests
        d.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 20);
        d.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
        d.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        // with transactions v2 the first sends of each transaction can meet CONCURRENT_TRANSACTIONS while the
        // previous commit completes; retry after 10 ms (growing to 1 s as before) instead of 100 ms
        d.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), 10);
        d.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG), 1000);
        // the largest typed record or dead letter (RecordLimits) must fit one request and the send buffer
        d.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), largestRecordBytes());
        d.put(StreamsConfig.producerPrefix(ProducerConfig.BUFFER_MEMORY_CONFIG),
                Math.max(DEFAULT_PRODUCER_BUFFER_BYTES, largestRecordBytes()));
        return d;
    }

    @Override
    public String toString() {
        return "ProcessorConfig[kafka=" + kafka + ", applicationId=" + applicationId + ", dedupWindow=" + dedupWindow
                + ", stateDir=" + (stateDir == null ? "(streams default)" : stateDir) + ", management=" + managementHost
                + ":" + managementPort + ", piiHashing="
                + (piiHashSecret != null ? "on, secret " + Secrets.MASK : "off") + ", maxRecordBytes=" + maxRecordBytes
                + ", rawJsonMaxBytes=" + rawJsonMaxBytes + ", startupTimeout=" + startupTimeout + ", shutdownTimeout="
                + shutdownTimeout + ", maxThreadReplacements=" + maxThreadReplacements + " per "
                + threadReplacementWindow + ", maxBodyBytes=" + limits.maxBodyBytes() + ", rocksDbMemoryBytes="
                + rocksDbMemoryBytes + ", instanceId=" + (instanceId == null ? "(dynamic membership)" : instanceId)
                + ", streams=" + Secrets.maskAll(streamsOverrides) + "]";
    }
}
