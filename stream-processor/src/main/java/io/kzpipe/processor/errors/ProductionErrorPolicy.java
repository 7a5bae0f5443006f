package io.kzpipe.processor.errors;

import io.kzpipe.model.topic.PipelineHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when Kafka refuses a record the processor writes (Streams {@code production.exception.handler}).
 *
 * <ul>
 *   <li>{@link RecordTooLargeException} for a typed record: the raw source record goes to the processor
 *       dead-letter topic (reason {@code record_too_large}, original bytes and headers) and processing
 *       resumes. The processor checks sizes itself ({@code PROCESSOR_MAX_RECORD_BYTES}), so this only fires
 *       when a broker or topic limit is below that setting; the event's other records may then have been
 *       written, but its bytes are kept in the dead-letter topic.</li>
 *   <li>{@link RetriableException}: retry (Streams' default).</li>
 *   <li>{@link RecordTooLargeException} for a dead letter (a raw body too large for the dead-letter topic):
 *       the dead letter is written without its body, its detail naming the raw record's coordinates, where
 *       the original bytes remain for the raw topic's retention. A fallback: under exactly-once the refused send
 *       has already failed the transaction (the thread is then replaced and the record processed again), so the
 *       processor checks a dead letter's size itself before sending it (NormalizeProcessor).</li>
 *   <li>anything else (authorization, unknown topic, ...): fail. The stream thread
 *       dies, the EOS transaction is aborted, nothing is skipped; the uncaught-exception policy
 *       ({@link ThreadFailurePolicy}) decides whether to replace the thread or stop.</li>
 *   <li>serialization errors cannot occur (every sink writes {@code byte[]}); if one did: fail.</li>
 * </ul>
 *
 * <p>Configured by Streams through {@link #configure(Map)}; {@value #DLQ_TOPIC_CONFIG} names the dead-letter
 * topic. Thread-safe (no mutable state after configuration).
 */
public final class ProductionErrorPolicy implements ProductionExceptionHandler {

    /** Config key (passed through the Streams properties) holding the processor dead-letter topic name. */
    public static final String DLQ_TOPIC_CONFIG = "kzpipe.processor.dlq.topic";

    private static final Logger LOG = LoggerFactory.getLogger(ProductionErrorPolicy.class);

    private volatile String dlqTopic;

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(DLQ_TOPIC_CONFIG);
        dlqTopic = topic == null ? null : topic.toString();
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
            Exception exception) {
        if (exception instanceof RecordTooLargeException && dlqTopic != null) {
            if (!dlqTopic.equals(record.topic()) && context.sourceRawValue() != null) {
                LOG.error("record for {} too large; dead-lettering source record {}-{}@{} to {}", record.topic(),
                        context.topic(), context.partition(), context.offset(), dlqTopic, exception);
                return Response.resume(List.of(deadLetter(context, record.topic(), exception)));
            }
            if (dlqTopic.equals(record.topic()) && record.value() != null) {
                LOG.error("dead letter of {} bytes for {}-{}@{} too large for {}; writing it without the body",
                        record.value().length, context.topic(), context.partition(), context.offset(), dlqTopic,
                        exception);
                return Response.resume(List.of(withoutBody(context, record, exception)));
            }
        }
        if (exception instanceof RetriableException) {
            LOG.warn("retriable error writing to {} (source {}-{}@{}); retrying", record.topic(), context.topic(),
                    context.partition(), context.offset(), exception);
            return Response.retry();
        }
        LOG.error("cannot write to {} (source {}-{}@{}); failing the stream thread", record.topic(), context.topic(),
                context.partition(), context.offset(), exception);
        return Response.fail();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
            SerializationExceptionOrigin origin) {
        LOG.error("cannot serialize {} for {} (source {}-{}@{}); failing the stream thread", origin, record.topic(),
                context.topic(), context.partition(), context.offset(), exception);
        return Response.fail();
    }

    /** The same dead letter with a null value and a detail saying where the original bytes still are. */
    private ProducerRecord<byte[], byte[]> withoutBody(ErrorHandlerContext context,
            ProducerRecord<byte[], byte[]> deadLetter, Exception exception) {
        Header reasonHeader = deadLetter.headers().lastHeader(PipelineHeaders.DLQ_REASON);
        String code = reasonHeader == null ? "" : new String(reasonHeader.value(), StandardCharsets.UTF_8);
        DeadLetterReason reason = Arrays.stream(DeadLetterReason.values())
                .filter(r -> r.code().equals(code))
                .findFirst()
                .orElse(DeadLetterReason.PROCESSING_ERROR);
        String detail = "body of " + deadLetter.value().length + " bytes omitted (refused by Kafka: "
                + exception.getMessage() + "); the raw record stays at " + context.topic() + "-" + context.partition()
                + "@" + context.offset();
        return new ProducerRecord<>(dlqTopic, null, deadLetter.timestamp(), deadLetter.key(), null, DeadLetters
                .headers(deadLetter.headers(), reason, detail, context.topic(), context.partition(), context.offset()));
    }

    ProducerRecord<byte[], byte[]> deadLetter(ErrorHandlerContext context, String failedTopic, Exception exception) {
        String detail = "record for " + failedTopic + " refused by Kafka: " + exception.getMessage();
        return new ProducerRecord<>(dlqTopic, null, context.timestamp(), context.sourceRawKey(),
                context.sourceRawValue(), DeadLetters.headers(context.headers(), DeadLetterReason.RECORD_TOO_LARGE,
                        detail, context.topic(), context.partition(), context.offset()));
    }
}
