package io.kzpipe.processor.topology;

import io.kzpipe.model.record.AnswerReject;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import io.kzpipe.processor.errors.DeadLetterReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The processor's own counters (Prometheus names):
 * <ul>
 *   <li>{@code kz_processor_events_total{outcome=processed|duplicate|superseded|dead_lettered}}: raw records
 *       by outcome ({@code superseded}: a response version not above its response's current one, of which
 *       only the {@code events} row is written);</li>
 *   <li>{@code kz_processor_dead_letters_total{reason}}: dead letters by reason code;</li>
 *   <li>{@code kz_processor_records_out_total{topic}}: records written, per output topic (dead letters
 *       included);</li>
 *   <li>{@code kz_processor_answer_rejects_total{reason}}: answers that could not be typed.</li>
 * </ul>
 * Every series is registered at zero up front. With exactly-once, counts include the (rare) attempts whose
 * transaction was later aborted and re-processed, so they can exceed what read_committed consumers see.
 * Thread-safe.
 */
public final class ProcessorMetrics {

    private final Counter processed;
    private final Counter duplicates;
    private final Counter superseded;
    private final Counter deadLettered;
    private final Map<DeadLetterReason, Counter> deadLetterReasons = new EnumMap<>(DeadLetterReason.class);
    private final Map<TopicId, Counter> recordsOut = new EnumMap<>(TopicId.class);
    private final Map<String, Counter> rejects = new HashMap<>();

    public ProcessorMetrics(MeterRegistry registry, Topics topics) {
        processed = events(registry, "processed");
        duplicates = events(registry, "duplicate");
        superseded = events(registry, "superseded");
        deadLettered = events(registry, "dead_lettered");
        for (DeadLetterReason r : DeadLetterReason.values()) {
            deadLetterReasons.put(r,
                    Counter.builder("kz.processor.dead.letters")
                            .tag("reason", r.code())
                            .description("Raw records sent to the processor dead-letter topic, by reason")
                            .register(registry));
        }
        for (TopicId id : TopicId.processorOutputs()) {
            recordsOut.put(id,
                    Counter.builder("kz.processor.records.out")
                            .tag("topic", topics.name(id))
                            .description("Records written by the processor, by topic")
                            .register(registry));
        }
        for (RejectReason r : RejectReason.values()) {
            rejects.put(r.code(),
                    Counter.builder("kz.processor.answer.rejects")
                            .tag("reason", r.code())
                            .description("Answers that could not be typed, by reason")
                            .register(registry));
        }
    }

    private static Counter events(MeterRegistry registry, String outcome) {
        return Counter.builder("kz.processor.events")
                .tag("outcome", outcome)
                .description("Raw events by outcome")
                .register(registry);
    }

    void processed(List<Output> outputs) {
        processed.increment();
        written(outputs);
    }

    /** A stale response version; {@code outputs} = what was written of it. */
    void superseded(List<Output> outputs) {
        superseded.increment();
        written(outputs);
    }

    private void written(List<Output> outputs) {
        for (Output o : outputs) {
            recordsOut.get(o.topic()).increment();
            if (o.record() instanceof AnswerReject reject) {
                Counter c = rejects.get(reject.reason());
                if (c != null) {
                    c.increment();
                }
            }
        }
    }

    /** A raw record's outcome record was written. */
    void outcome() {
        recordsOut.get(TopicId.RAW_OUTCOMES).increment();
    }

    void duplicate() {
        duplicates.increment();
    }

    void deadLettered(DeadLetterReason reason) {
        deadLettered.increment();
        deadLetterReasons.get(reason).increment();
        recordsOut.get(TopicId.DLQ_PROCESSOR).increment();
    }
}
