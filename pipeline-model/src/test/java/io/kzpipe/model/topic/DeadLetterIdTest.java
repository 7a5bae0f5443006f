package io.kzpipe.model.topic;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLetterIdTest {

    private static RecordHeaders headers(String... keyValues) {
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; i < keyValues.length; i += 2) {
            headers.add(keyValues[i], keyValues[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }

    @Test
    void aProcessorDeadLetterIsIdentifiedByTheRawRecordItCameFrom() {
        RecordHeaders headers = headers(PipelineHeaders.DLQ_STAGE, "processor", PipelineHeaders.SOURCE_TOPIC,
                "kaizala.raw", PipelineHeaders.SOURCE_PARTITION, "2", PipelineHeaders.SOURCE_OFFSET, " 41 ");

        DeadLetterId id = DeadLetterId.of("kaizala.dlq.processor", 0, 7, headers, "gateway");

        assertThat(id).isEqualTo(new DeadLetterId("processor", "kaizala.raw", 2, 41));
        assertThat(id.rowId()).isEqualTo("processor:kaizala.raw:2:41").isEqualTo(id.toString());
    }

    @Test
    void aGatewayDeadLetterIsIdentifiedByItsOwnCoordinates() {
        DeadLetterId id = DeadLetterId.of("kaizala.dlq.gateway", 1, 99, headers(PipelineHeaders.DLQ_STAGE, "gateway"),
                "x");

        assertThat(id.rowId()).isEqualTo("gateway:kaizala.dlq.gateway:1:99");
    }

    @Test
    void incompleteOrUnreadableSourceHeadersFallBackToTheRecordsOwnCoordinatesAndTheFallbackStage() {
        assertThat(DeadLetterId.of("dlq", 0, 5,
                headers(PipelineHeaders.SOURCE_TOPIC, "raw", PipelineHeaders.SOURCE_PARTITION, "1"), "processor")
                .rowId()).isEqualTo("processor:dlq:0:5");
        assertThat(
                DeadLetterId
                        .of("dlq", 0, 5,
                                headers(PipelineHeaders.SOURCE_TOPIC, "raw", PipelineHeaders.SOURCE_PARTITION, "one",
                                        PipelineHeaders.SOURCE_OFFSET, "3"),
                                "processor")
                        .rowId())
                .isEqualTo("processor:dlq:0:5");
        assertThat(DeadLetterId.of("dlq", 3, 8, null, "sink").rowId()).isEqualTo("sink:dlq:3:8");
    }
}
