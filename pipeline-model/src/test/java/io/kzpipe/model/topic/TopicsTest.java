package io.kzpipe.model.topic;

import static org.assertj.core.api.Assertions.assertThat;

import io.kzpipe.model.config.EnvReader;
import io.kzpipe.model.record.ResponseRecord;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void defaultNamesArePrefixPlusSuffix() {
        Topics topics = Topics.defaults();

        assertThat(topics.name(TopicId.RAW)).isEqualTo("kaizala.raw");
        assertThat(topics.name(TopicId.ANSWERS_OPTION)).isEqualTo("kaizala.answers.option");
        assertThat(topics.name(TopicId.DLQ_PROCESSOR)).isEqualTo("kaizala.dlq.processor");
        assertThat(Topics.withPrefix("t1.").name(TopicId.EVENTS)).isEqualTo("t1.events");
    }

    @Test
    void thePrefixAndFullNameOverridesComeFromTheEnvironment() {
        EnvReader env = new EnvReader(
                Map.of("TOPIC_PREFIX", "kz.", "TOPIC_RAW", "webhooks-in", "TOPIC_ANSWERS_OPTION", "opts"));

        Topics topics = Topics.from(env);

        assertThat(topics.name(TopicId.RAW)).isEqualTo("webhooks-in");
        assertThat(topics.name(TopicId.ANSWERS_OPTION)).isEqualTo("opts");
        assertThat(topics.name(TopicId.EVENTS)).isEqualTo("kz.events");
        assertThat(env.problems()).isEmpty();
    }

    @Test
    void aNameKafkaWouldRefuseIsAProblemNamingTheSetting() {
        EnvReader env = new EnvReader(
                Map.of("TOPIC_RAW", "raw topic", "TOPIC_EVENTS", "e".repeat(250), "TOPIC_JOBS", "j".repeat(249)));

        Topics.from(env);

        assertThat(env.problems()).containsExactly("TOPIC_RAW 'raw topic' is not a valid Kafka topic name",
                "TOPIC_EVENTS '" + "e".repeat(250) + "' is not a valid Kafka topic name");
    }

    @Test
    void aBadPrefixIsReportedForEveryTopicItNames() {
        EnvReader env = new EnvReader(Map.of("TOPIC_PREFIX", "kz/", "TOPIC_RAW", "raw"));

        Topics.from(env);

        assertThat(env.problems()).hasSize(TopicId.values().length - 1)
                .contains("TOPIC_EVENTS 'kz/events' is not a valid Kafka topic name");
    }

    @Test
    void namesResolveInTheOrderAsked() {
        Topics topics = Topics.withPrefix("p.");

        assertThat(topics.names(List.of(TopicId.JOBS, TopicId.RAW))).containsExactly("p.jobs", "p.raw");
    }

    @Test
    void everyIdHasItsOwnSuffixTableAndEnvVar() {
        List<TopicId> ids = Arrays.asList(TopicId.values());
        Set<String> names = new HashSet<>(Topics.defaults().names(ids));

        assertThat(names).hasSameSizeAs(ids);
        assertThat(ids).extracting(TopicId::envVar).doesNotHaveDuplicates();
        assertThat(TopicId.ANSWERS_DATETIME.envVar()).isEqualTo("TOPIC_ANSWERS_DATETIME");
        assertThat(TopicId.RESPONSES.table()).isEqualTo("responses");
        assertThat(TopicId.RESPONSES.recordType()).isEqualTo(ResponseRecord.class);
        assertThat(TopicId.ANSWERS_OPTION.table()).isEqualTo("answers_option");
    }

    @Test
    void theGroupsOfTopicsAreWhatEachStageReadsOrWrites() {
        assertThat(TopicId.typed()).allMatch(TopicId::isTyped)
                .doesNotContain(TopicId.RAW, TopicId.DLQ_GATEWAY, TopicId.DLQ_PROCESSOR)
                .contains(TopicId.EVENTS, TopicId.RAW_OUTCOMES);
        assertThat(TopicId.processorOutputs()).containsAll(TopicId.typed())
                .contains(TopicId.DLQ_PROCESSOR)
                .doesNotContain(TopicId.RAW, TopicId.DLQ_GATEWAY)
                .hasSize(TopicId.typed().size() + 1);
        assertThat(TopicId.sinkInputs()).containsExactlyElementsOf(
                Arrays.stream(TopicId.values()).filter(t -> t != TopicId.PULLER_STATE).toList());
        assertThat(TopicId.PULLER_STATE.table()).isNull();
        assertThat(TopicId.PULLER_STATE.isTyped()).isFalse();
        assertThat(Arrays.stream(TopicId.values()).filter(TopicId::isDeadLetter)).containsExactly(TopicId.DLQ_GATEWAY,
                TopicId.DLQ_PROCESSOR);
        assertThat(TopicId.RAW.recordType()).isNull();
        assertThat(TopicId.RAW.table()).isEqualTo("raw_receipts");
        assertThat(TopicId.DLQ_GATEWAY.table()).isEqualTo(TopicId.DLQ_PROCESSOR.table()).isEqualTo("dead_letters");
    }
}
