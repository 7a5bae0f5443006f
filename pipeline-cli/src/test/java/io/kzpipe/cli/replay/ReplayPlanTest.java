package io.kzpipe.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.kzpipe.gateway.http.EnvelopeValidator;
import io.kzpipe.model.topic.PipelineHeaders;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class ReplayPlanTest {

    private static final Topics TOPICS = Topics.defaults();
    private static final String RAW_TOPIC = TOPICS.name(TopicId.RAW);
    private static final String DLQ_GATEWAY_TOPIC = TOPICS.name(TopicId.DLQ_GATEWAY);
    private static final String DLQ_PROCESSOR_TOPIC = TOPICS.name(TopicId.DLQ_PROCESSOR);

    private static final long RECEIVED = 1_795_780_000_123L;
    private static final String DEEP = "{\"eventId\":\"ev-deep\",\"eventType\":\"Survey\",\"objectId\":\"o\",\"objectType\":\"Group\","
            + "\"data\":{\"responseId\":\"resp-1\",\"a\":[[[[[[1]]]]]]}}";
    private final EnvelopeValidator gateway = new EnvelopeValidator(64);
    private final EnvelopeValidator strictGateway = new EnvelopeValidator(4);

    private static DeadLetter gatewayDeadLetter(long offset, String body, String reason) {
        return DeadLetter.of(record(DLQ_GATEWAY_TOPIC, offset, "req-" + offset, body,
                headers(PipelineHeaders.RECEIVED_AT, Long.toString(RECEIVED), PipelineHeaders.REQUEST_ID,
                        "req-" + offset, PipelineHeaders.CONTENT_TYPE, "application/json", PipelineHeaders.DLQ_STAGE,
                        "gateway", PipelineHeaders.DLQ_REASON, reason, PipelineHeaders.DLQ_DETAIL, "detail")),
                "gateway");
    }

    private static DeadLetter processorDeadLetter(long offset, long rawOffset, String replayOf) {
        RecordHeaders h = headers(PipelineHeaders.RECEIVED_AT, Long.toString(RECEIVED), PipelineHeaders.REQUEST_ID,
                "req-p" + rawOffset, PipelineHeaders.DLQ_STAGE, "processor", PipelineHeaders.DLQ_REASON,
                "record_too_large", PipelineHeaders.DLQ_DETAIL, "big", PipelineHeaders.SOURCE_TOPIC, RAW_TOPIC,
                PipelineHeaders.SOURCE_PARTITION, "2", PipelineHeaders.SOURCE_OFFSET, Long.toString(rawOffset));
        if (replayOf != null) {
            h.add(PipelineHeaders.REPLAY_OF, replayOf.getBytes(StandardCharsets.UTF_8));
        }
        return DeadLetter.of(record(DLQ_PROCESSOR_TOPIC, offset, "resp-9", "{\"eventId\":\"ev-9\"}", h), "processor");
    }

    private static ConsumerRecord<byte[], byte[]> record(String topic, long offset, String key, String value,
            RecordHeaders h) {
        return new ConsumerRecord<>(topic, 0, offset, 1_795_790_000_000L, TimestampType.CREATE_TIME, -1, -1,
                key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8), h, Optional.empty());
    }

    private static RecordHeaders headers(String... kv) {
        RecordHeaders h = new RecordHeaders();
        for (int i = 0; i < kv.length; i += 2) {
            h.add(kv[i], kv[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return h;
    }

    private static List<String> headerKeys(ProducerRecord<byte[], byte[]> r) {
        List<String> keys = new ArrayList<>();
        for (Header h : r.headers()) {
            keys.add(h.key());
        }
        return keys;
    }

    private static String header(ProducerRecord<byte[], byte[]> r, String key) {
        return new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
    }

    @Test
    void aGatewayDeadLetterTheGatewayNowAcceptsIsSentKeyedAsTheGatewayKeysIt() {
        DeadLetter d = gatewayDeadLetter(3, DEEP, "too_deep");
        ReplayPlan plan = ReplayPlan.of(List.of(d), ReplayArgs.parse(List.of("--stage", "gateway")), gateway);

        assertThat(plan.entries()).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo(ReplayPlan.Action.SEND);
            assertThat(e.key()).as("data.responseId, not the request id").isEqualTo("resp-1");
        });
        ProducerRecord<byte[], byte[]> r = ReplayPlan.record(plan.entries().get(0), RAW_TOPIC, 1_795_800_000_000L);
        assertThat(r.topic()).isEqualTo(RAW_TOPIC);
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo(DEEP);
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("resp-1");
        assertThat(r.timestamp()).as("the replay time").isEqualTo(1_795_800_000_000L);
        assertThat(headerKeys(r)).containsExactly(PipelineHeaders.RECEIVED_AT, PipelineHeaders.REQUEST_ID,
                PipelineHeaders.CONTENT_TYPE, PipelineHeaders.REPLAY_OF);
        assertThat(header(r, PipelineHeaders.RECEIVED_AT)).isEqualTo(Long.toString(RECEIVED));
        assertThat(header(r, PipelineHeaders.REQUEST_ID)).isEqualTo("req-3");
        assertThat(header(r, PipelineHeaders.REPLAY_OF)).isEqualTo("gateway:kaizala.dlq.gateway:0:3");
    }

    @Test
    void aGatewayDeadLetterTheGatewayStillRefusesIsNotSent() {
        ReplayPlan plan = ReplayPlan.of(
                List.of(gatewayDeadLetter(3, DEEP, "too_deep"),
                        gatewayDeadLetter(4, "{\"eventId\":", "truncated_json")),
                ReplayArgs.parse(List.of("--all")), strictGateway);

        assertThat(plan.with(ReplayPlan.Action.SEND)).isEmpty();
        assertThat(plan.entries()).extracting(ReplayPlan.Entry::action, e -> e.note().split(":")[0])
                .containsExactly(tuple(ReplayPlan.Action.STILL_REFUSED, "too_deep"),
                        tuple(ReplayPlan.Action.STILL_REFUSED, "truncated_json"));
        assertThat(plan.entries().get(0).note()).isEqualTo("too_deep: JSON nesting deeper than 4 levels");
        assertThat(plan.counts()).extracting(ReplayPlan.Count::reason, ReplayPlan.Count::count)
                .containsExactly(tuple("too_deep", 1L), tuple("truncated_json", 1L));
    }

    @Test
    void aPullerDeadLetterIsNotSentButNamedForABackfill() {
        DeadLetter pulled = DeadLetter.of(record(DLQ_GATEWAY_TOPIC, 9, "a-1", "[1]", headers(PipelineHeaders.DLQ_STAGE,
                "puller", PipelineHeaders.DLQ_REASON, "not_an_object", PipelineHeaders.PULLED, "group:g-1")),
                "gateway");

        ReplayPlan plan = ReplayPlan.of(List.of(pulled), ReplayArgs.parse(List.of("--all")), gateway);

        assertThat(plan.with(ReplayPlan.Action.SEND)).isEmpty();
        assertThat(plan.entries()).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo(ReplayPlan.Action.PULLED);
            assertThat(e.note()).isEqualTo("pulled from group:g-1");
            assertThat(e.deadLetter().rowId()).isEqualTo("puller:kaizala.dlq.gateway:0:9");
        });
    }

    @Test
    void aProcessorDeadLetterKeepsItsRawKeyAndAnEarlierReplayMarkIsReplaced() {
        DeadLetter again = processorDeadLetter(8, 40, "processor:kaizala.raw:2:11");
        ReplayPlan plan = ReplayPlan.of(List.of(again), ReplayArgs.parse(List.of("--stage", "processor")), gateway);

        ProducerRecord<byte[], byte[]> r = ReplayPlan.record(plan.entries().get(0), RAW_TOPIC, 5L);
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("resp-9");
        assertThat(headerKeys(r)).containsExactly(PipelineHeaders.RECEIVED_AT, PipelineHeaders.REQUEST_ID,
                PipelineHeaders.REPLAY_OF);
        assertThat(header(r, PipelineHeaders.REPLAY_OF)).isEqualTo("processor:kaizala.raw:2:40");
    }

    @Test
    void aDeadLetterWhoseReplayFailedAgainIsSupersededByTheNewerOne() {
        DeadLetter first = processorDeadLetter(1, 11, null);
        DeadLetter second = processorDeadLetter(2, 40, "processor:kaizala.raw:2:11");
        ReplayPlan plan = ReplayPlan.of(List.of(first, second, first), ReplayArgs.parse(List.of("--all")), gateway);

        assertThat(plan.entries())
                .extracting(e -> e.deadLetter().rowId(), ReplayPlan.Entry::action, ReplayPlan.Entry::note)
                .as("a second copy of a dead letter counts once")
                .containsExactly(
                        tuple("processor:kaizala.raw:2:11", ReplayPlan.Action.SUPERSEDED,
                                "replayed as processor:kaizala.raw:2:40"),
                        tuple("processor:kaizala.raw:2:40", ReplayPlan.Action.SEND, ""));
    }

    @Test
    void deadLettersOutsideTheSelectionAreLeftAlone() {
        ReplayPlan plan = ReplayPlan.of(
                List.of(processorDeadLetter(1, 11, null), gatewayDeadLetter(3, DEEP, "too_deep")),
                ReplayArgs.parse(List.of("--reason", "too_deep")), gateway);
        assertThat(plan.entries()).extracting(e -> e.deadLetter().rowId())
                .containsExactly("gateway:kaizala.dlq.gateway:0:3");

        assertThat(
                ReplayPlan
                        .of(List.of(processorDeadLetter(1, 11, null)),
                                ReplayArgs.parse(List.of("--from", "2030-01-01")), gateway)
                        .entries())
                .isEmpty();
    }

    @Test
    void aBodylessProcessorDeadLetterIsSentWithTheRawBodyAndNotSentWithoutIt() {
        DeadLetter full = processorDeadLetter(5, 12, null);
        ConsumerRecord<byte[], byte[]> r = full.record();
        DeadLetter bodyless = DeadLetter.of(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(),
                r.timestampType(), -1, -1, r.key(), null, r.headers(), Optional.empty()), "processor");
        assertThat(bodyless.source())
                .hasValueSatisfying(s -> assertThat(s.partition() + "@" + s.offset()).isEqualTo("kaizala.raw-2@12"));

        ReplayPlan without = ReplayPlan.of(List.of(bodyless), ReplayArgs.parse(List.of("--all")), gateway);
        assertThat(without.entries()).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo(ReplayPlan.Action.NO_BODY);
            assertThat(e.note()).isEqualTo("no body, and the raw record kaizala.raw-2@12 is gone");
        });

        DeadLetter restored = bodyless.withValue("{\"eventId\":\"ev-9\"}".getBytes(StandardCharsets.UTF_8));
        ReplayPlan with = ReplayPlan.of(List.of(restored), ReplayArgs.parse(List.of("--all")), gateway);
        assertThat(with.entries()).singleElement()
                .satisfies(e -> assertThat(e.action()).isEqualTo(ReplayPlan.Action.SEND));
        assertThat(
                new String(ReplayPlan.record(with.entries().get(0), "kaizala.raw", 1L).value(), StandardCharsets.UTF_8))
                .isEqualTo("{\"eventId\":\"ev-9\"}");
    }
}
