package io.kzpipe.processor.topology;

import io.kzpipe.model.record.RawOutcome;
import io.kzpipe.model.record.ResponseRecord;
import io.kzpipe.model.record.ResponseSupersession;
import io.kzpipe.model.topic.EventIds;
import io.kzpipe.model.topic.PipelineHeaders;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.processor.errors.DeadLetterException;
import io.kzpipe.processor.errors.DeadLetterReason;
import io.kzpipe.processor.errors.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.header.Header;
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
 * ({@link TypedRecordWriter}: the same JSON as {@code JsonSerde}); if that fails,
 * the raw record goes to the dead-letter topic and nothing else is written (no poison pill: the failure is
 * the record's, the stream continues). Otherwise, if the {@code eventId} was already accepted within the
 * dedup window, nothing is written; else the id is remembered and every record is forwarded to the sink of
 * its topic with the input timestamp (gateway receive time) and no headers (the value carries
 * {@code received_at_ms} and the ids).
 *
 * <p>A response event (one that yields a {@link ResponseRecord}) is further checked against the current
 * version of its response ({@link ResponseVersions}): a redelivery of the current version is a duplicate
 * (nothing written), a version not above the current one is superseded on arrival (only its {@code events}
 * row is written, outcome {@code superseded}) unless it was pulled (header {@code kz-pulled}: a re-observation,
 * a duplicate, nothing written), and a higher version becomes current: its records carry the
 * effective receive time (never earlier than the replaced version's; the event is mapped again with it when
 * it differs from its own) and one {@link ResponseSupersession} names the version it replaced.
 *
 * <p>State-store and forwarding failures are not caught: they fail the stream thread (the EOS transaction is
 * aborted and the record is processed again), they never skip it. Only events that were accepted enter the
 * dedup store, so a dead-lettered delivery does not hide a later, valid one. One instance per stream task;
 * not thread-safe.
 *
 * <p>Every raw record, whatever happens to it, also yields one {@link RawOutcome} on the raw-outcomes topic, in
 * the same transaction as its other outputs (cost: one record of about 150 bytes per raw record; docs/DESIGN.md
 * "Ledger").
 */
final class NormalizeProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(NormalizeProcessor.class);

    private final ProcessorTopology.Settings settings;
    private final TypedRecordWriter writer = new TypedRecordWriter();
    private ProcessorContext<byte[], byte[]> context;
    private WindowStore<String, Long> seen;
    private ResponseVersions versions;
    private final Supplier<RecordMapper> mappers;
    private RecordMapper mapper;

    /** An event's typed records and their serialized values, index for index. */
    private record Mapped(List<Output> outputs, List<byte[]> values) {

        Mapped plus(Output output, byte[] value) {
            List<Output> o = new ArrayList<>(outputs);
            List<byte[]> v = new ArrayList<>(values);
            o.add(output);
            v.add(value);
            return new Mapped(o, v);
        }
    }

    NormalizeProcessor(ProcessorTopology.Settings settings, Supplier<RecordMapper> mappers) {
        this.settings = settings;
        this.mappers = mappers;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.seen = context.getStateStore(ProcessorTopology.DEDUP_STORE);
        this.versions = new ResponseVersions(context.getStateStore(ProcessorTopology.VERSIONS_STORE));
        this.mapper = mappers.get();
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        long receivedAt = ReceivedAt.of(record.headers(), record.timestamp());
        Handled handled = normalize(record, receivedAt);
        writeOutcome(record, handled, receivedAt);
    }

    /** What happened to one raw record: its event id ({@code ''} when unknown) and outcome. */
    private record Handled(String eventId, RawOutcome.Kind kind) {}

    /** Writes the record's typed records or its dead letter, and says which. */
    private Handled normalize(Record<byte[], byte[]> record, long receivedAt) {
        Mapped mapped = map(record, receivedAt);
        if (mapped == null) {
            return new Handled("", RawOutcome.Kind.DEAD_LETTER);
        }
        String eventId = mapped.outputs().get(0).record().eventId();
        long ts = record.timestamp();
        if (isDuplicate(eventId, ts)) {
            settings.metrics().duplicate();
            return new Handled(eventId, RawOutcome.Kind.DUPLICATE);
        }
        ResponseRecord response = ResponseVersions.responseOf(mapped.outputs());
        if (response == null) {
            accept(eventId, receivedAt, ts, mapped);
            return new Handled(eventId, RawOutcome.Kind.TYPED);
        }
        ResponseVersions.Current current = versions.current(response.responseId());
        return switch (ResponseVersions.classify(response, current, isPulled(record))) {
            case CURRENT_AGAIN, REOBSERVED -> {
                settings.metrics().duplicate();
                yield new Handled(eventId, RawOutcome.Kind.DUPLICATE);
            }
            case STALE -> {
                supersededOnArrival(eventId, receivedAt, ts, mapped);
                yield new Handled(eventId, RawOutcome.Kind.SUPERSEDED);
            }
            case FIRST -> {
                accept(eventId, receivedAt, ts, mapped);
                versions.makeCurrent(response);
                yield new Handled(eventId, RawOutcome.Kind.TYPED);
            }
            case NEWER -> {
                long effective = ResponseVersions.effectiveReceivedAt(receivedAt, current);
                Mapped newer = effective == receivedAt ? mapped : map(record, effective);
                if (newer == null) {
                    // dead-lettered: a record outgrew the size limit with the later time; state unchanged
                    yield new Handled(eventId, RawOutcome.Kind.DEAD_LETTER);
                }
                ResponseRecord now = ResponseVersions.responseOf(newer.outputs());
                Output supersession = new Output(TopicId.RESPONSE_SUPERSESSIONS, newer.outputs().get(0).key(),
                        ResponseSupersession.of(eventId, now.responseId(), current.version(), now.version(),
                                now.actionId(), now.groupId(), current.receivedAtMs(), now.receivedAtMs()));
                // smaller than the response record (a subset of its ids), which passed the size check
                accept(eventId, receivedAt, ts, newer.plus(supersession, writer.write(supersession.record())));
                versions.makeCurrent(now);
                yield new Handled(eventId, RawOutcome.Kind.TYPED);
            }
        };
    }

    /**
     * Forwards the raw record's outcome (one small record, in the same transaction as its other outputs), keyed
     * and identified by the raw record's coordinates, with the gateway receive time (docs/DESIGN.md "Ledger").
     */
    private void writeOutcome(Record<byte[], byte[]> record, Handled handled, long receivedAt) {
        RecordMetadata m = context.recordMetadata().orElse(null);
        RawOutcome outcome = RawOutcome.of(m == null ? "" : m.topic(), m == null ? -1 : m.partition(),
                m == null ? -1 : m.offset(), handled.eventId(), handled.kind(), replayOf(record), receivedAt);
        context.forward(new Record<>(outcome.rowId().getBytes(StandardCharsets.UTF_8), writer.write(outcome),
                record.timestamp(), new RecordHeaders()), ProcessorTopology.sinkName(TopicId.RAW_OUTCOMES));
        settings.metrics().outcome();
    }

    /** The {@code kz-replay-of} header of a replayed raw record, else {@code ''}. */
    private static String replayOf(Record<byte[], byte[]> record) {
        Header h = header(record, PipelineHeaders.REPLAY_OF);
        return h == null || h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Whether the puller wrote the record (header {@code kz-pulled}, whatever its value). */
    private static boolean isPulled(Record<byte[], byte[]> record) {
        return header(record, PipelineHeaders.PULLED) != null;
    }

    private static Header header(Record<byte[], byte[]> record, String name) {
        return record.headers() == null ? null : record.headers().lastHeader(name);
    }

    /** Remembers the event id and forwards every output. */
    private void accept(String eventId, long receivedAt, long ts, Mapped mapped) {
        seen.put(eventId, receivedAt, ts);
        forward(mapped, ts);
        settings.metrics().processed(mapped.outputs());
    }

    /** A stale response version: remembers the event id and forwards only its non-response records. */
    private void supersededOnArrival(String eventId, long receivedAt, long ts, Mapped mapped) {
        List<Output> outputs = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < mapped.outputs().size(); i++) {
            if (!ResponseVersions.RESPONSE_DATA.contains(mapped.outputs().get(i).topic())) {
                outputs.add(mapped.outputs().get(i));
                values.add(mapped.values().get(i));
            }
        }
        seen.put(eventId, receivedAt, ts);
        forward(new Mapped(outputs, values), ts);
        settings.metrics().superseded(outputs);
    }

    /** Forwards every output with the input timestamp, keyed by the event's one key (docs/DESIGN.md). */
    private void forward(Mapped mapped, long ts) {
        if (mapped.outputs().isEmpty()) {
            return;
        }
        byte[] key = mapped.outputs().get(0).key().getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < mapped.outputs().size(); i++) {
            context.forward(new Record<>(key, mapped.values().get(i), ts, new RecordHeaders()),
                    ProcessorTopology.sinkName(mapped.outputs().get(i).topic()));
        }
    }

    /** Maps and serializes the record, or dead-letters it and returns {@code null}. */
    private Mapped map(Record<byte[], byte[]> record, long receivedAt) {
        try {
            List<Output> outputs = mapper.map(record.value(), receivedAt);
            return new Mapped(outputs, serialize(outputs));
        } catch (DeadLetterException e) {
            deadLetter(record, e.reason(), e.detail());
        } catch (RuntimeException e) {
            RecordMetadata m = context.recordMetadata().orElse(null);
            LOG.warn("cannot map record {}-{}@{}; dead-lettering it", m == null ? "?" : m.topic(),
                    m == null ? -1 : m.partition(), m == null ? -1 : m.offset(), e);
            deadLetter(record, DeadLetterReason.PROCESSING_ERROR, e.toString());
        }
        return null;
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
                throw new DeadLetterException(DeadLetterReason.RECORD_TOO_LARGE,
                        "the " + o.topic().table() + " record would be about " + size
                                + " bytes, above PROCESSOR_MAX_RECORD_BYTES (" + settings.maxRecordBytes() + ")");
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
        byte[] value = record.value();
        String why = detail;
        if (value != null
                && DeadLetters.estimatedBytes(record.key(), value, record.headers()) > settings.maxDeadLetterBytes()) {
            // checked here, not left to the producer: under exactly-once a refused send fails the whole transaction
            why = detail + "; body of " + value.length + " bytes omitted (above the processor's largest record, "
                    + settings.maxDeadLetterBytes() + " bytes); the raw record stays at " + topic + "-" + partition
                    + "@" + offset;
            value = null;
        }
        RecordHeaders headers = DeadLetters.headers(record.headers(), reason, why, topic, partition, offset);
        if (value == null && record.value() != null) {
            headers.add(PipelineHeaders.EVENT_ID, EventIds.of(record.value()).getBytes(StandardCharsets.UTF_8));
        }
        context.forward(new Record<>(record.key(), value, record.timestamp(), headers),
                ProcessorTopology.sinkName(TopicId.DLQ_PROCESSOR));
        settings.metrics().deadLettered(reason);
    }
}
