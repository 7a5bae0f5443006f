package io.kzpipe.processor.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.kzpipe.model.topic.PipelineHeaders;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Result;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.SerializationExceptionOrigin;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProductionErrorPolicyTest {

    private static final Topics TOPICS = Topics.defaults();
    private static final String RAW_TOPIC = TOPICS.name(TopicId.RAW);
    private static final String DLQ_PROCESSOR_TOPIC = TOPICS.name(TopicId.DLQ_PROCESSOR);
    private static final String ANSWERS_TEXT_TOPIC = TOPICS.name(TopicId.ANSWERS_TEXT);

    private final ProductionErrorPolicy policy = new ProductionErrorPolicy();
    private final byte[] rawValue = "{\"eventId\":\"e1\"}".getBytes(StandardCharsets.UTF_8);
    private final ErrorHandlerContext context = new Context(rawValue);
    private final ProducerRecord<byte[], byte[]> typed = new ProducerRecord<byte[], byte[]>(ANSWERS_TEXT_TOPIC,
            new byte[1]);

    @BeforeEach
    void configure() {
        policy.configure(Map.of(ProductionErrorPolicy.DLQ_TOPIC_CONFIG, DLQ_PROCESSOR_TOPIC));
    }

    @Test
    void aTooLargeTypedRecordSendsTheRawSourceToTheDeadLetterTopicAndResumes() {
        var response = policy.handleError(context, typed, new RecordTooLargeException("too big"));

        assertThat(response.result()).isEqualTo(Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(d -> {
            assertThat(d.topic()).isEqualTo(DLQ_PROCESSOR_TOPIC);
            assertThat(d.key()).isEqualTo("k".getBytes(StandardCharsets.UTF_8));
            assertThat(d.value()).isEqualTo(rawValue);
            assertThat(d.timestamp()).isEqualTo(42L);
            assertThat(header(d, PipelineHeaders.DLQ_REASON)).isEqualTo("record_too_large");
            assertThat(header(d, PipelineHeaders.DLQ_STAGE)).isEqualTo("processor");
            assertThat(header(d, PipelineHeaders.DLQ_DETAIL)).contains(ANSWERS_TEXT_TOPIC);
            assertThat(header(d, PipelineHeaders.SOURCE_TOPIC)).isEqualTo(RAW_TOPIC);
            assertThat(header(d, PipelineHeaders.SOURCE_PARTITION)).isEqualTo("2");
            assertThat(header(d, PipelineHeaders.SOURCE_OFFSET)).isEqualTo("17");
            assertThat(header(d, PipelineHeaders.REQUEST_ID)).isEqualTo("req-1");
        });
    }

    @Test
    void aTooLargeDeadLetterIsWrittenWithoutItsBodyNamingWhereTheRawRecordIs() {
        RecordHeaders headers = DeadLetters.headers(context.headers(), DeadLetterReason.INVALID_JSON, "bad", RAW_TOPIC,
                2, 17);
        var dlq = new ProducerRecord<>(DLQ_PROCESSOR_TOPIC, null, 42L, "k".getBytes(StandardCharsets.UTF_8),
                new byte[2_000_000], headers);

        var response = policy.handleError(context, dlq, new RecordTooLargeException("too big"));

        assertThat(response.result()).isEqualTo(Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(d -> {
            assertThat(d.topic()).isEqualTo(DLQ_PROCESSOR_TOPIC);
            assertThat(d.value()).isNull();
            assertThat(d.key()).isEqualTo("k".getBytes(StandardCharsets.UTF_8));
            assertThat(d.headers().headers(PipelineHeaders.DLQ_REASON)).hasSize(1);
            assertThat(header(d, PipelineHeaders.DLQ_REASON)).isEqualTo("invalid_json");
            assertThat(header(d, PipelineHeaders.DLQ_DETAIL)).contains("2000000 bytes omitted", "kaizala.raw-2@17");
            assertThat(header(d, PipelineHeaders.REQUEST_ID)).isEqualTo("req-1");
        });
    }

    @Test
    void aTooLargeDeadLetterWithoutBodyFailsInsteadOfLooping() {
        var dlq = new ProducerRecord<byte[], byte[]>(DLQ_PROCESSOR_TOPIC, new byte[1], null);
        assertThat(policy.handleError(context, dlq, new RecordTooLargeException("too big")).result())
                .isEqualTo(Result.FAIL);
    }

    @Test
    void retriableErrorsAreRetriedAndEverythingElseFails() {
        assertThat(policy.handleError(context, typed, new NotEnoughReplicasException("x")).result())
                .isEqualTo(Result.RETRY);
        assertThat(policy.handleError(context, typed, new TopicAuthorizationException("x")).result())
                .isEqualTo(Result.FAIL);
        assertThat(policy
                .handleSerializationError(context, typed, new RuntimeException("x"), SerializationExceptionOrigin.VALUE)
                .result()).isEqualTo(Result.FAIL);
    }

    private static String header(ProducerRecord<byte[], byte[]> r, String key) {
        return new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
    }

    private record Context(byte[] rawValue) implements ErrorHandlerContext {
        @Override
        public String topic() {
            return RAW_TOPIC;
        }

        @Override
        public int partition() {
            return 2;
        }

        @Override
        public long offset() {
            return 17;
        }

        @Override
        public org.apache.kafka.common.header.Headers headers() {
            RecordHeaders h = new RecordHeaders();
            h.add(PipelineHeaders.REQUEST_ID, new StringSerializer().serialize("t", "req-1"));
            return h;
        }

        @Override
        public String processorNodeId() {
            return "to-answers-text";
        }

        @Override
        public TaskId taskId() {
            return new TaskId(0, 2);
        }

        @Override
        public long timestamp() {
            return 42L;
        }

        @Override
        public byte[] sourceRawKey() {
            return "k".getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] sourceRawValue() {
            return rawValue;
        }
    }
}
