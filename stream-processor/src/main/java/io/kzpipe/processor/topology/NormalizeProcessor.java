package io.kzpipe.processor.topology;

import io.kzpipe.model.topic.TopicId;
import io.kzpipe.processor.errors.DeadLetterException;
import io.kzpipe.processor.errors.DeadLetterReason;
import io.kzpipe.processor.errors.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one processor of the topology: raw record in, typed records (or one dead letter) out.
 *
 * <p>Per record: map the bytes completely ({@link EventMapper}) and serialize every output
 * ({@link TypedRecordWriter}, the same JSON as {@code JsonSerde}); if that fails,
 * the raw record goes to the dead-letter topic and nothing else is written (no poison pill: the failure is
 * the record's, the stream continues). Otherwise, if the {@code eventId} was already accepted within the
 * dedup window, nothing is written; else the id is remembered and every record is forwarded to the sink of
 * its topic with the input timestamp (gateway receive time) and no headers (the value carries
 * {@code received_at_ms} and the ids). State-store and forwarding failures are not caught: they fail the stream thread
 * (the EOS transaction is aborted and the record is processed again), they never skip it.
 *
 * <p>Only events that were accepted enter the dedup store, so a dead-lettered delivery does not hide a
 * later, valid one. One instance per stream task; not thread-safe.
 */
final class NormalizeProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(NormalizeProcessor.class);

    private final ProcessorTopology.Settings settings;
    private final TypedRecordWriter writer = new TypedRecordWriter();
    private ProcessorContext<byte[], byte[]> context;
    private WindowStore<String, Long> seen;
    private final Supplier<RecordMapper> mappers;
    private RecordMapper mapper;

    NormalizeProcessor(ProcessorTopology.Settings settings, Supplier<RecordMapper> mappers) {
        this.settings = settings;
        this.mappers = mappers;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.seen = context.getStateStore(ProcessorTopology.DEDUP_STORE);
        this.mapper = mappers.get();
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        long receivedAt = ReceivedAt.of(record.headers(), record.timestamp());
        List<Output> outputs;
        List<byte[]> values;
        try {
            outputs = mapper.map(record.value(), receivedAt);
            values = serialize(outputs);
        } catch (DeadLetterException e) {
            deadLetter(record, e.reason(), e.detail());
            return;
        } catch (RuntimeException e) {
            RecordMetadata m = context.recordMetadata().orElse(null);
            LOG.warn("cannot map record {}-{}@{}; dead-lettering it", m == null ? "?" : m.topic(),
                    m == null ? -1 : m.partition(), m == null ? -1 : m.offset(), e);
            deadLetter(record, DeadLetterReason.PROCESSING_ERROR, e.toString());
            return;
        }
        String eventId = outputs.get(0).record().eventId();
        long ts = record.timestamp();
        if (isDuplicate(eventId, ts)) {
            settings.metrics().duplicate();
            return;
        }
        seen.put(eventId, receivedAt, ts);
        byte[] key = outputs.get(0).key().getBytes(StandardCharsets.UTF_8); // one key per event (DESIGN.md)
        for (int i = 0; i < outputs.size(); i++) {
            Output o = outputs.get(i);
            context.forward(new Record<>(key, values.get(i), ts, new RecordHeaders()),
                    ProcessorTopology.sinkName(o.topic()));
        }
        settings.metrics().processed(outputs);
    }

    private boolean isDuplicate(String eventId, long ts) {
        long window = settings.dedupWindow().toMillis();
        try (WindowStoreIterator<Long> it = seen.fetch(eventId, Math.max(0, ts - window), ts + window)) {
            return it.hasNext();
        }
    }

    /** Serializes every output; an output above the size limit dead-letters the whole event. */
    private List<byte[]> serialize(List<Output> outputs) {
        List<byte[]> values = new ArrayList<>(outputs.size());
        for (Output o : outputs) {
            byte[] value = writer.write(o.record());
            int size = value.length + o.key().length() * 3 + 64;
            if (size > settings.maxRecordBytes()) {
                throw new DeadLetterException(DeadLetterReason.RECORD_TOO_LARGE, "the " + o.topic().table()
                        + " record would be about " + size + " bytes, above PROCESSOR_MAX_RECORD_BYTES ("
                        + settings.maxRecordBytes() + ")");
            }
            values.add(value);
        }
        return values;
    }

    private void deadLetter(Record<byte[], byte[]> record, DeadLetterReason reason, String detail) {
        RecordMetadata m = context.recordMetadata().orElse(null);
        String topic = m == null ? "" : m.topic();
        int partition = m == null ? -1 : m.partition();
        long offset = m == null ? -1 : m.offset();
        LOG.debug("dead-lettering {}-{}@{}: {} ({})", topic, partition, offset, reason.code(), detail);
        context.forward(new Record<>(record.key(), record.value(), record.timestamp(),
                DeadLetters.headers(record.headers(), reason, detail, topic, partition, offset)),
                ProcessorTopology.sinkName(TopicId.DLQ_PROCESSOR));
        settings.metrics().deadLettered(reason);
    }
}
