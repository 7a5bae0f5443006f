package io.kzpipe.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.kzpipe.model.topic.PipelineHeaders;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import io.kzpipe.processor.config.ProcessorConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

class ProcessorTopologyTest {

    @Test
    void hasNamedNodesAndOneSinkPerProcessorOutputTopic() {
        ProcessorConfig config = ProcessorConfig.fromEnv(Map.of("TOPIC_PREFIX", "p."));
        TopologyDescription d = ProcessorTopology
                .build(config, new ProcessorMetrics(new SimpleMeterRegistry(), config.kafka().topics()))
                .describe();

        var nodes = d.subtopologies().iterator().next().nodes();
        assertThat(nodes).extracting(TopologyDescription.Node::name)
                .contains("raw-source", "normalize", "to-events", "to-answers-option", "to-dlq-processor");
        Topics topics = config.kafka().topics();
        assertThat(nodes).filteredOn(n -> n instanceof TopologyDescription.Sink)
                .extracting(n -> ((TopologyDescription.Sink) n).topic())
                .containsExactlyInAnyOrderElementsOf(topics.names(TopicId.processorOutputs()));
        assertThat(nodes).filteredOn(n -> n instanceof TopologyDescription.Processor)
                .singleElement()
                .satisfies(n -> assertThat(((TopologyDescription.Processor) n).stores())
                        .containsExactlyInAnyOrder("dedup-event-ids", "response-versions"));
    }

    @Test
    void timestampIsTheRecordTimestampElseTheReceiveHeaderElsePartitionTime() {
        ReceivedAtTimestampExtractor x = new ReceivedAtTimestampExtractor();
        RecordHeaders h = new RecordHeaders();
        h.add(PipelineHeaders.RECEIVED_AT, "1234".getBytes(StandardCharsets.US_ASCII));

        assertThat(x.extract(record(99, h), 5)).isEqualTo(99);
        assertThat(x.extract(record(-1, h), 5)).isEqualTo(1234);
        assertThat(x.extract(record(-1, new RecordHeaders()), 5)).isEqualTo(5);
        assertThat(x.extract(record(-1, new RecordHeaders()), -1)).isPositive();
    }

    private static ConsumerRecord<Object, Object> record(long ts, RecordHeaders headers) {
        return new ConsumerRecord<>("t", 0, 0, ts, TimestampType.CREATE_TIME, 0, 0, null, null, headers,
                java.util.Optional.empty());
    }
}
