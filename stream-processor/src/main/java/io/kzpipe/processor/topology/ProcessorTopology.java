package io.kzpipe.processor.topology;

import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import io.kzpipe.processor.config.ProcessorConfig;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Builds the processor's {@link Topology} from its configuration; a pure function, tested with
 * {@code TopologyTestDriver}.
 *
 * <pre>
 * raw-source (byte[], ReceivedAtTimestampExtractor, from earliest)
 *   └─ normalize (NormalizeProcessor, stores dedup-event-ids and response-versions)
 *        ├─ to-events, to-responses, to-response-supersessions, to-answers-option, ... one sink per typed
 *        │  topic (byte[] JSON)
 *        └─ to-dlq-processor (raw bytes + dead-letter headers)
 * </pre>
 *
 * The dedup store is a persistent window store (RocksDB, changelogged) keyed by {@code eventId} with
 * retention = the dedup window: old ids expire segment by segment without a scan. The versions store is a
 * persistent key-value store (RocksDB, changelogged, compacted changelog) keyed by {@code responseId}: the
 * current version of every response ({@link ResponseVersions}); it keeps one small entry per response.
 */
public final class ProcessorTopology {

    public static final String SOURCE = "raw-source";
    public static final String PROCESSOR = "normalize";
    public static final String DEDUP_STORE = "dedup-event-ids";
    public static final String VERSIONS_STORE = "response-versions";

    /**
     * What the processor needs from the configuration, plus its metrics. {@code maxDeadLetterBytes} is the largest
     * record its producer sends ({@code max.request.size}): a dead letter above it is written without its body.
     */
    public record Settings(Topics topics, Duration dedupWindow, String piiHashSecret, int maxRecordBytes,
            int maxDeadLetterBytes, int rawJsonMaxBytes, ProcessorMetrics metrics) {

        public static Settings of(ProcessorConfig config, ProcessorMetrics metrics) {
            return new Settings(config.kafka().topics(), config.dedupWindow(), config.piiHashSecret(),
                    config.maxRecordBytes(), config.largestRecordBytes(), config.rawJsonMaxBytes(), metrics);
        }
    }

    private ProcessorTopology() {}

    public static Topology build(ProcessorConfig config, ProcessorMetrics metrics) {
        return build(Settings.of(config, metrics));
    }

    public static Topology build(Settings settings) {
        return build(settings,
                () -> new EventMapper(settings.piiHashSecret() == null ? null : new PiiHasher(settings.piiHashSecret()),
                        settings.rawJsonMaxBytes()));
    }

    /** The topology with another mapper per task (tests inject failures through this seam). */
    static Topology build(Settings settings, Supplier<RecordMapper> mappers) {
        Topics topics = settings.topics();
        Topology topology = new Topology();
        topology.addSource(AutoOffsetReset.earliest(), SOURCE, new ReceivedAtTimestampExtractor(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.name(TopicId.RAW));
        StoreBuilder<WindowStore<String, Long>> store = Stores.windowStoreBuilder(
                Stores.persistentWindowStore(DEDUP_STORE, settings.dedupWindow(), settings.dedupWindow(), false),
                Serdes.String(), Serdes.Long());
        StoreBuilder<KeyValueStore<String, ResponseVersions.Current>> versions = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(VERSIONS_STORE), Serdes.String(), ResponseVersions.serde());
        ProcessorSupplier<byte[], byte[], byte[], byte[]> supplier = new ProcessorSupplier<>() {
            @Override
            public NormalizeProcessor get() {
                return new NormalizeProcessor(settings, mappers);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(store, versions);
            }
        };
        topology.addProcessor(PROCESSOR, supplier, SOURCE);
        for (TopicId id : TopicId.processorOutputs()) {
            topology.addSink(sinkName(id), topics.name(id), new ByteArraySerializer(), new ByteArraySerializer(),
                    PROCESSOR);
        }
        return topology;
    }

    /** Name of the sink node writing {@code id}, e.g. {@code to-answers-option}. */
    public static String sinkName(TopicId id) {
        return "to-" + id.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
