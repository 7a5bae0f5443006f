package io.kzpipe.puller.pull;

import static org.assertj.core.api.Assertions.assertThat;

import io.kzpipe.model.topic.DeadLetterDetail;
import io.kzpipe.model.topic.PipelineHeaders;
import io.kzpipe.model.topic.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class PullRecordsTest {

    private final PullRecords records = new PullRecords(Topics.withPrefix("p."));

    private static String header(ProducerRecord<String, byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void aRawRecordIsKeyedByResponseIdStampedWithPublishTimeAndCarriesTheResponsesOwnTime() {
        PulledResponse.Mapped m = new PulledResponse.Mapped("r-1", "e-1", 7L, "{}".getBytes(), 1_600_000_000_000L);

        ProducerRecord<String, byte[]> r = records.raw(m, "group:g", 1_800_000_000_000L);

        assertThat(r.topic()).isEqualTo("p.raw");
        assertThat(r.key()).isEqualTo("r-1");
        assertThat(r.timestamp()).isEqualTo(1_800_000_000_000L);
        assertThat(header(r, PipelineHeaders.RECEIVED_AT)).isEqualTo("1600000000000");
        assertThat(header(r, PipelineHeaders.PULLED)).isEqualTo("group:g");
        assertThat(header(r, PipelineHeaders.REQUEST_ID)).isEqualTo("pull-e-1");
        assertThat(header(r, PipelineHeaders.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(r.headers().lastHeader(PipelineHeaders.DLQ_STAGE)).isNull();
    }

    @Test
    void aDeadLetterGoesToTheGatewaysTopicWithStagePullerAReasonAndAShortDetail() {
        PulledResponse.Rejected rej = new PulledResponse.Rejected("a-1", "not_an_object", "x".repeat(1000),
                "[1]".getBytes());

        ProducerRecord<String, byte[]> r = records.deadLetter(rej, "group:g", 1_800_000_000_000L);

        assertThat(r.topic()).isEqualTo("p.dlq.gateway");
        assertThat(r.key()).isEqualTo("a-1");
        assertThat(new String(r.value())).isEqualTo("[1]");
        assertThat(header(r, PipelineHeaders.DLQ_STAGE)).isEqualTo("puller");
        assertThat(header(r, PipelineHeaders.DLQ_REASON)).isEqualTo("not_an_object");
        assertThat(header(r, PipelineHeaders.DLQ_DETAIL)).hasSize(DeadLetterDetail.MAX_CHARS + 1).endsWith("…");
        assertThat(header(r, PipelineHeaders.RECEIVED_AT)).isEqualTo("1800000000000");
        assertThat(header(r, PipelineHeaders.PULLED)).isEqualTo("group:g");
    }
}
