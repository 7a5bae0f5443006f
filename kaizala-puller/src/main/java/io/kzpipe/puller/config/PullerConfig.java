package io.kzpipe.puller.config;

import io.kzpipe.model.config.EnvReader;
import io.kzpipe.model.config.Secrets;
import io.kzpipe.model.kafka.KafkaSettings;
import io.kzpipe.model.kafka.RecordLimits;
import io.kzpipe.puller.api.ApiSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Every setting of the puller service, read once from the environment ({@link #fromEnv(Map)}); all problems are
 * reported together. Immutable; {@link #toString()} masks secrets.
 *
 * @param kafka             bootstrap servers, topic names, {@code KAFKA_CLIENT_*}
 * @param limits            {@code GATEWAY_MAX_BODY_BYTES}: a pulled response whose envelope is larger is dead-lettered,
 *                          as the gateway refuses such a body
 * @param api               Kaizala URL, credentials, call budget, timeout
 * @param sources           {@code PULLER_SOURCES}; may be empty (the service then only runs backfill jobs)
 * @param interval          pause between live polls of a source ({@code PULLER_INTERVAL_SECONDS})
 * @param rereadWindow      an action younger than this whose expiry has not passed is read again each poll, for new
 *                          and edited responses ({@code PULLER_REREAD_WINDOW}); a new source's live cursor starts this
 *                          long ago (older history: {@code backfill})
 * @param pageSize          {@code count} of a list call ({@code PULLER_PAGE_SIZE})
 * @param managementHost    bind address of /health and /metrics ({@code PULLER_MANAGEMENT_HOST})
 * @param managementPort    their port ({@code PULLER_MANAGEMENT_PORT}, 0 = any free port)
 * @param instanceId        {@code PULLER_INSTANCE_ID}: the producer's {@code transactional.id} (stable across restarts,
 *                          so a restart aborts what a killed predecessor left open, and a second instance with the
 *                          same id fences the first)
 * @param producerOverrides {@code KAFKA_PRODUCER_*}, applied before the settings the puller fixes
 */
public record PullerConfig(KafkaSettings kafka, RecordLimits limits, ApiSettings api, List<PullSource> sources,
        Duration interval, Duration rereadWindow, int pageSize, String managementHost, int managementPort,
        String instanceId, Map<String, String> producerOverrides) {

    public static final int DEFAULT_INTERVAL_SECONDS = 60;
    public static final Duration DEFAULT_REREAD_WINDOW = Duration.ofDays(7);
    public static final int DEFAULT_PAGE_SIZE = 30;
    public static final String DEFAULT_MANAGEMENT_HOST = "0.0.0.0";
    public static final int DEFAULT_MANAGEMENT_PORT = 8084;
    public static final String DEFAULT_INSTANCE_ID = "kaizala-puller";

    public PullerConfig {
        sources = List.copyOf(sources);
        producerOverrides = Map.copyOf(producerOverrides);
    }

    public static PullerConfig fromEnv(Map<String, String> environment) {
        EnvReader env = new EnvReader(environment);
        KafkaSettings kafka = KafkaSettings.from(env);
        RecordLimits limits = RecordLimits.from(env);
        ApiSettings api = ApiSettings.from(env);
        List<PullSource> sources = sources(env);
        Duration interval = Duration
                .ofSeconds(env.intIn("PULLER_INTERVAL_SECONDS", DEFAULT_INTERVAL_SECONDS, 1, 24 * 3600));
        Duration window = env.duration("PULLER_REREAD_WINDOW", DEFAULT_REREAD_WINDOW, Duration.ZERO,
                Duration.ofDays(3650));
        int pageSize = env.intIn("PULLER_PAGE_SIZE", DEFAULT_PAGE_SIZE, 1, 1000);
        String host = env.string("PULLER_MANAGEMENT_HOST", DEFAULT_MANAGEMENT_HOST);
        int port = env.intIn("PULLER_MANAGEMENT_PORT", DEFAULT_MANAGEMENT_PORT, 0, 65535);
        String instanceId = env.clientId("PULLER_INSTANCE_ID", DEFAULT_INSTANCE_ID);
        env.throwIfProblems();
        return new PullerConfig(kafka, limits, api, sources, interval, window, pageSize, host, port, instanceId,
                env.passThrough("KAFKA_PRODUCER_"));
    }

    private static List<PullSource> sources(EnvReader env) {
        List<PullSource> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (String spec : env.list("PULLER_SOURCES")) {
            try {
                PullSource s = PullSource.parse(spec);
                if (ids.add(s.id())) {
                    out.add(s);
                }
            } catch (IllegalArgumentException e) {
                env.problem("PULLER_SOURCES", e.getMessage());
            }
        }
        return out;
    }

    /**
     * The transactional producer: records and the state that follows them commit together. {@code acks=all} and
     * idempotence come with transactions; {@code max.request.size} fits a record of a body of
     * {@code GATEWAY_MAX_BODY_BYTES}.
     */
    public Map<String, Object> producerProps() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, limits.bodyRecordBytes());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "kz-puller-" + instanceId);
        props.putAll(kafka.clientProps());
        props.putAll(producerOverrides);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, instanceId);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    @Override
    public String toString() {
        return "PullerConfig[kafka=" + kafka + ", maxBodyBytes=" + limits.maxBodyBytes() + ", api=" + api + ", sources="
                + sources.stream().map(PullSource::id).toList() + ", interval=" + interval + ", rereadWindow="
                + rereadWindow + ", pageSize=" + pageSize + ", management=" + managementHost + ":" + managementPort
                + ", instanceId=" + instanceId + ", producer=" + Secrets.maskAll(producerOverrides) + "]";
    }
}
