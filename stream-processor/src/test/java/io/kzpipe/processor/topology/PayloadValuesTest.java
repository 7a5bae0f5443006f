package io.kzpipe.processor.topology;

import static io.kzpipe.processor.topology.TopologyHarness.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.kzpipe.model.record.EventRecord;
import io.kzpipe.model.record.OptionAnswer;
import io.kzpipe.model.record.ResponseRecord;
import io.kzpipe.model.record.TextAnswer;
import io.kzpipe.model.topic.TopicId;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Empty, huge and Unicode values travel through unchanged (within the configured limits). */
class PayloadValuesTest {

    @Test
    void unicodeTitlesAnswersAndIdsArePreservedExactly() {
        String title = "Vos préférences 🍕 / 你喜欢什么 / \u0000 nul";
        String answer = "Ça va — 👍🏽 \"quoted\" \\ back\nslash \u2028";
        String qs = "[{\"title\":\"" + esc(title) + "\",\"type\":\"Text\",\"options\":[],\"answer\":\"" + esc(answer)
                + "\"},{\"title\":\"Choix\",\"type\":\"SingleOption\",\"options\":[{\"title\":\"Été\"},"
                + "{\"title\":\"Hiver ❄\"}],\"answer\":\"Hiver ❄\"}]";
        try (TopologyHarness h = new TopologyHarness()) {
            byte[] raw = Payloads.response("é-1", "réponse-☃", false, qs);
            h.pipe("réponse-☃", raw);

            TextAnswer t = h.typed(TopicId.ANSWERS_TEXT, TextAnswer.class).get(0);
            assertThat(t.questionTitle()).isEqualTo(title);
            assertThat(t.text()).isEqualTo(answer);
            assertThat(t.responseId()).isEqualTo("réponse-☃");
            assertThat(h.typed(TopicId.ANSWERS_OPTION, OptionAnswer.class).get(0))
                    .extracting(OptionAnswer::optionTitle, OptionAnswer::optionIndex)
                    .containsExactly("Hiver ❄", 1);
            var events = h.records(TopicId.EVENTS);
            assertThat(events.get(0).key()).isEqualTo("réponse-☃");
            EventRecord e = io.kzpipe.model.json.JsonSerde.of(EventRecord.class)
                    .deserialize("t", events.get(0).value());
            assertThat(e.rawJson().getBytes(StandardCharsets.UTF_8)).isEqualTo(raw);
        }
    }

    @Test
    void emptyStringsAndEmptyCollectionsAreValidValues() {
        String qs = "[{\"title\":\"\",\"type\":\"Text\",\"options\":[],\"answer\":\"\"}]";
        try (TopologyHarness h = new TopologyHarness()) {
            h.pipe("r-empty", Payloads.response("e-empty", "r-empty", false, qs));
            h.pipe("r-none", Payloads.response("e-none", "r-none", false, "[]"));
            h.pipe("r-nodetails", utf8("{\"eventId\":\"e-nd\",\"eventType\":\"ActionResponse\",\"data\":"
                    + "{\"responseId\":\"r-nodetails\"}}"));

            assertThat(h.typed(TopicId.ANSWERS_TEXT, TextAnswer.class)).singleElement()
                    .satisfies(t -> assertThat(t.text()).isEmpty());
            assertThat(h.typed(TopicId.RESPONSES, ResponseRecord.class)).extracting(ResponseRecord::answerCount)
                    .containsExactly(1, 0, 0);
        }
    }

    @Test
    void aHugeTextAnswerIsKeptWholeAndAHugeBodyIsOmittedFromRawJson() {
        String big = "ü".repeat(300_000); // 600 kB of UTF-8
        String qs = "[" + Payloads.question("Essay", "LargeText", "\"" + big + "\"") + "]";
        try (TopologyHarness h = new TopologyHarness()) {
            h.pipe("r-big", Payloads.response("e-big", "r-big", false, qs));

            assertThat(h.typed(TopicId.ANSWERS_TEXT, TextAnswer.class).get(0).text()).isEqualTo(big);
            assertThat(h.typed(TopicId.EVENTS, EventRecord.class).get(0).rawJson())
                    .as("above PROCESSOR_RAW_JSON_MAX_BYTES")
                    .isEmpty();
            assertThat(h.drainCounts()).isEqualTo(Map.of(TopicId.RESPONSES, 1));
        }
    }

    @Test
    void aResponseWithThousandsOfAnswersIsMappedCompletely() {
        StringBuilder qs = new StringBuilder("[");
        for (int i = 0; i < 5000; i++) {
            qs.append(i == 0 ? "" : ",").append(Payloads.question("N" + i, "Numeric", Integer.toString(i)));
        }
        try (TopologyHarness h = new TopologyHarness()) {
            h.pipe("r-many", Payloads.response("e-many", "r-many", false, qs.append("]").toString()));

            assertThat(h.records(TopicId.ANSWERS_NUMERIC)).hasSize(5000);
        }
    }

    private static String esc(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\u0000", "\\u0000");
    }
}
