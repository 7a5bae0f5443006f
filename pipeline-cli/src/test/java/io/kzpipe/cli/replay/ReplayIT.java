package io.kzpipe.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.kzpipe.gateway.kafka.GatewayRecords;
import io.kzpipe.model.topic.PipelineHeaders;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import io.kzpipe.testkit.FreePorts;
import io.kzpipe.testkit.KafkaExtension;
import io.kzpipe.testkit.TestKafka;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code replay} against a real broker: what it reads, what it writes to the raw topic, and its failures. */
@ExtendWith(KafkaExtension.class)
class ReplayIT {

    private static final long RECEIVED = 1_795_780_000_123L;
    private static final Instant REPLAY_TIME = Instant.parse("2026-12-03T06:00:00Z");
    private static final String DEEP = "{\"eventId\":\"ev-deep\",\"eventType\":\"Survey\",\"objectId\":\"o\",\"objectType\":\"Group\","
            + "\"data\":{\"responseId\":\"resp-1\",\"a\":[[[[[[1]]]]]]}}";
    private static final String BIG = "{\"eventId\":\"ev-big\",\"eventType\":\"TextMessageCreated\",\"objectId\":\"o\","
            + "\"objectType\":\"Group\",\"data\":{\"text\":\"long\"}}";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private TestKafka kafka;
    private Topics topics;
    private Map<String, String> env;

    @BeforeEach
    void topics(TestKafka kafka) {
        this.kafka = kafka;
        String prefix = kafka.uniqueName("replay") + ".";
        topics = Topics.withPrefix(prefix);
        kafka.createTopics(topics.names(List.of(TopicId.RAW, TopicId.DLQ_GATEWAY, TopicId.DLQ_PROCESSOR)), 2);
        env = new HashMap<>(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "TOPIC_PREFIX", prefix,
                "PIPELINE_REPLAY_TIMEOUT", "20"));
        GatewayRecords gateway = new GatewayRecords(topics.name(TopicId.RAW), topics.name(TopicId.DLQ_GATEWAY));
        RecordHeaders processorHeaders = new RecordHeaders();
        processorHeaders.add(PipelineHeaders.RECEIVED_AT, Long.toString(RECEIVED).getBytes(StandardCharsets.US_ASCII));
        processorHeaders.add(PipelineHeaders.REQUEST_ID, "req-big".getBytes(StandardCharsets.US_ASCII));
        processorHeaders.add(PipelineHeaders.DLQ_STAGE, "processor".getBytes(StandardCharsets.US_ASCII));
        processorHeaders.add(PipelineHeaders.DLQ_REASON, "record_too_large".getBytes(StandardCharsets.US_ASCII));
        processorHeaders.add(PipelineHeaders.DLQ_DETAIL, "too big".getBytes(StandardCharsets.US_ASCII));
        processorHeaders.add(PipelineHeaders.SOURCE_TOPIC,
                topics.name(TopicId.RAW).getBytes(StandardCharsets.US_ASCII));
        processorHeaders.add(PipelineHeaders.SOURCE_PARTITION, "1".getBytes(StandardCharsets.US_ASCII));
        processorHeaders.add(PipelineHeaders.SOURCE_OFFSET, "17".getBytes(StandardCharsets.US_ASCII));
        kafka.produce(List.of(
                gateway.deadLetter(DEEP.getBytes(StandardCharsets.UTF_8), RECEIVED, "req-deep", "application/json",
                        "too_deep", "JSON nesting deeper than 4 levels"),
                new ProducerRecord<>(topics.name(TopicId.DLQ_PROCESSOR), 0, RECEIVED, "ev-big",
                        BIG.getBytes(StandardCharsets.UTF_8), processorHeaders)));
    }

    private int replay(String... args) {
        out.reset();
        err.reset();
        return Replay.run(List.of(args), env, Clock.fixed(REPLAY_TIME, ZoneOffset.UTC),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private List<ConsumerRecord<String, byte[]>> raw() {
        return kafka.readToEnd(topics.name(TopicId.RAW), Duration.ofSeconds(30));
    }

    @Test
    void aDryRunCountsByStageAndReasonAndSendsNothing() {
        env.put("GATEWAY_MAX_JSON_DEPTH", "4");
        assertThat(replay("--all", "--dry-run")).as(err()).isZero();

        assertThat(out()).containsPattern("gateway +too_deep +still refused by the gateway +1")
                .containsPattern("processor +record_too_large +replay +1")
                .contains("dry run: would replay 1 of 2 selected dead letters", "nothing sent")
                .contains("not replayed: gateway:" + topics.name(TopicId.DLQ_GATEWAY));
        assertThat(raw()).isEmpty();
    }

    @Test
    void replaySendsTheExactBytesToTheRawTopicMarkedAsAReplay() {
        assertThat(replay("--stage", "processor")).as(err()).isZero();
        assertThat(out()).contains("replayed 1 of 1 selected dead letters to " + topics.name(TopicId.RAW));

        List<ConsumerRecord<String, byte[]>> raw = raw();
        assertThat(raw).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("ev-big");
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo(BIG);
            assertThat(r.timestamp()).as("replay time").isEqualTo(REPLAY_TIME.toEpochMilli());
            assertThat(new String(r.headers().lastHeader(PipelineHeaders.RECEIVED_AT).value(), StandardCharsets.UTF_8))
                    .isEqualTo(Long.toString(RECEIVED));
            assertThat(new String(r.headers().lastHeader(PipelineHeaders.REQUEST_ID).value(), StandardCharsets.UTF_8))
                    .isEqualTo("req-big");
            assertThat(new String(r.headers().lastHeader(PipelineHeaders.REPLAY_OF).value(), StandardCharsets.UTF_8))
                    .isEqualTo("processor:" + topics.name(TopicId.RAW) + ":1:17");
            assertThat(r.headers().lastHeader(PipelineHeaders.DLQ_REASON)).isNull();
            assertThat(r.headers().lastHeader(PipelineHeaders.SOURCE_OFFSET)).isNull();
        });

        // the gateway dead letter, with the gateway's default depth limit: keyed as the gateway keys it
        assertThat(replay("--reason", "too_deep")).as(err()).isZero();
        assertThat(raw()).hasSize(2).anySatisfy(r -> {
            assertThat(r.key()).isEqualTo("resp-1");
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo(DEEP);
        });
    }

    @Test
    void nothingSelectedIsAnErrorAndSendsNothing() {
        assertThat(replay("--reason", "no_such_reason")).isEqualTo(1);
        assertThat(err()).contains("no dead letter matches (2 read from");
        assertThat(raw()).isEmpty();
    }

    @Test
    void badArgumentsAndSettingsAreRefusedBeforeKafkaIsAsked() {
        assertThat(replay("--stage", "sink")).isEqualTo(2);
        assertThat(err()).contains("--stage must be gateway or processor", "usage: replay");
        env.put("TOPIC_PREFIX", "no spaces allowed ");
        assertThat(replay("--all")).isEqualTo(2);
        assertThat(err()).contains("is not a valid Kafka topic name");
        assertThat(raw()).isEmpty();
    }

    @Test
    void anUnreachableBrokerFailsWithinTheTimeout() throws IOException {
        int closedPort = FreePorts.find();
        env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + closedPort);
        env.put("PIPELINE_REPLAY_TIMEOUT", "2");
        long start = System.nanoTime();
        assertThat(replay("--all")).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        assertThat(err()).contains("replay: Kafka at 127.0.0.1:", "failed");
        assertThat(raw()).isEmpty();
    }
}
