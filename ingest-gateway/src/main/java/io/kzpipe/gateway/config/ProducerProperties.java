package io.kzpipe.gateway.config;

import io.kzpipe.model.config.EnvReader;
import io.kzpipe.model.kafka.RecordLimits;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The gateway's producer settings: safe defaults, then {@code KAFKA_CLIENT_*}, then {@code KAFKA_PRODUCER_*}.
 *
 * <p>Guarantees the defaults give, and that {@link #validate} refuses to let an override break:
 * <ul>
 *   <li>{@code acks=all} and {@code enable.idempotence=true}: a 2xx means every in-sync replica has the record,
 *       and producer retries never duplicate it;</li>
 *   <li>{@code delivery.timeout.ms} ≤ {@code GATEWAY_PUBLISH_TIMEOUT}: the producer itself gives up on a record
 *       within the publish timeout, so a record that got a 503 because it was never sent stays unsent;</li>
 *   <li>{@code max.block.ms=0}: {@code send()} never waits on the calling (HTTP) thread; missing topic metadata
 *       or a full buffer fail the send at once, which becomes a 503;</li>
 *   <li>{@code max.request.size} and {@code buffer.memory} fit a record of a body of {@code GATEWAY_MAX_BODY_BYTES}
 *       plus key and headers ({@link RecordLimits#bodyRecordBytes()}).</li>
 * </ul>
 */
public final class ProducerProperties {

    /** Short: a webhook answer waits for its batch, and under load batches fill while requests are in flight. */
    static final long DEFAULT_LINGER_MS = 1;

    /**
     * None: batches are small (a webhook answer waits for its batch), and lz4/zstd allocate fresh block buffers
     * (128 KiB for lz4) for every batch, which costs more CPU on the gateway and the broker than the bytes saved.
     */
    static final String DEFAULT_COMPRESSION = "none";

    static final String CLIENT_ID = "kz-ingest-gateway";

    /** Settings whose meaning the gateway fixes; overriding them is a configuration error. */
    private static final Set<String> FIXED = Set.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG);

    private ProducerProperties() {}

    static Map<String, Object> build(GatewayConfig config) {
        long publishMs = config.publishTimeout().toMillis();
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, DEFAULT_LINGER_MS);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, DEFAULT_COMPRESSION);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 0L);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) publishMs);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, config.limits().bodyRecordBytes());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, CLIENT_ID);
        props.putAll(config.kafka().clientOverrides());
        props.putAll(config.producerOverrides());
        if (!config.producerOverrides().containsKey(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG)) {
            // the producer requires delivery.timeout.ms >= linger.ms + request.timeout.ms
            long linger = parseLong(props.get(ProducerConfig.LINGER_MS_CONFIG), DEFAULT_LINGER_MS);
            long delivery = parseLong(props.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG), publishMs);
            props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1, delivery - linger));
        }
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    /** Records a problem in {@code env} for every override that is unknown, ill-typed or breaks a guarantee. */
    static void validate(GatewayConfig config, EnvReader env) {
        Set<String> known = ProducerConfig.configNames();
        for (String key : config.producerOverrides().keySet()) {
            if (FIXED.contains(key)) {
                env.problem(envName(key), "cannot be overridden: the gateway sets " + key + " itself");
            } else if (!known.contains(key)) {
                env.problem(envName(key), "is not a Kafka producer setting ('" + key + "')");
            }
        }
        Map<String, Object> parsed;
        try {
            parsed = ProducerConfig.configDef().parse(build(config));
        } catch (org.apache.kafka.common.config.ConfigException e) {
            env.problem(GatewayConfig.PRODUCER_PREFIX + "*", "invalid producer setting: " + e.getMessage());
            return;
        }
        long publishMs = config.publishTimeout().toMillis();
        String acks = String.valueOf(parsed.get(ProducerConfig.ACKS_CONFIG));
        if (!acks.equals("all") && !acks.equals("-1")) {
            env.problem(envName(ProducerConfig.ACKS_CONFIG), "must be all: a 2xx promises the event is replicated");
        }
        if (!Boolean.TRUE.equals(parsed.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG))) {
            env.problem(envName(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG), "must be true: retries must not duplicate");
        }
        int delivery = (Integer) parsed.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
        if (delivery > publishMs) {
            env.problem(envName(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG), "must not exceed GATEWAY_PUBLISH_TIMEOUT ("
                    + publishMs + " ms), or a record answered with 503 could still be written later");
        }
        long linger = (Long) parsed.get(ProducerConfig.LINGER_MS_CONFIG);
        int request = (Integer) parsed.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG);
        if (linger + request > delivery) {
            env.problem(envName(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG),
                    "plus linger.ms (" + linger + ") must not exceed delivery.timeout.ms (" + delivery + ")");
        }
        long maxBlock = (Long) parsed.get(ProducerConfig.MAX_BLOCK_MS_CONFIG);
        if (maxBlock > publishMs) {
            env.problem(envName(ProducerConfig.MAX_BLOCK_MS_CONFIG),
                    "must not exceed GATEWAY_PUBLISH_TIMEOUT (" + publishMs + " ms)");
        }
        RecordLimits limits = config.limits();
        limits.requireAtLeast(env, envName(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                (Integer) parsed.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), limits.bodyRecordBytes(), "a raw record");
        limits.requireAtLeast(env, envName(ProducerConfig.BUFFER_MEMORY_CONFIG),
                (Long) parsed.get(ProducerConfig.BUFFER_MEMORY_CONFIG), limits.bodyRecordBytes(), "a raw record");
    }

    private static String envName(String key) {
        return GatewayConfig.PRODUCER_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    private static long parseLong(Object value, long fallback) {
        try {
            return Long.parseLong(String.valueOf(value).trim());
        } catch (NumberFormatException e) {
            return fallback; // reported by validate()
        }
    }
}
