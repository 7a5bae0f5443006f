package io.kzpipe.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.kzpipe.model.record.AnswerReject;
import io.kzpipe.model.record.ResponseRecord;
import io.kzpipe.model.topic.TopicId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class AnswerRejectTest {

    private final TopologyHarness h = new TopologyHarness();

    @AfterEach
    void close() {
        h.close();
    }

    @ParameterizedTest(name = "{0} answer {1} -> {2}")
    @CsvSource(delimiter = '|', value = {"Numeric        | \"12\"                       | not_a_number",
            "Numeric        | true                         | not_a_number",
            "Numeric        | {\"v\":1}                    | not_a_number",
            "Numeric        | [1]                          | not_a_number",
            "Numeric        | 1e400                        | not_finite",
            "Numeric        | -1e400                       | not_finite",
            "Location       | \"47.6,-122.3\"              | invalid_location",
            "Location       | {\"lt\":\"47.6\",\"lg\":1}   | invalid_location",
            "Location       | {\"lg\":1}                   | invalid_location",
            "Location       | {\"lt\":1e400,\"lg\":1}      | invalid_location",
            "Location       | {\"lt\":99.12,\"lg\":17.4}   | latitude_out_of_range",
            "Location       | {\"lt\":-90.01,\"lg\":0}     | latitude_out_of_range",
            "Location       | {\"lt\":0,\"lg\":180.5}      | longitude_out_of_range",
            "Location       | {\"lt\":0,\"lg\":-181}       | longitude_out_of_range",
            "DateTime       | \"tomorrow\"                 | invalid_datetime",
            "DateTime       | \"2017-11-09T10:00:00Z\"     | invalid_datetime",
            "DateTime       | \"\"                         | invalid_datetime",
            "DateTime       | true                         | invalid_datetime",
            "DateTime       | 1e30                         | invalid_datetime",
            "DateTime       | \"99999999999999999\"        | invalid_datetime",
            "Date           | {\"d\":1}                    | invalid_datetime",
            "DateOnly       | \"1.5e12\"                   | invalid_datetime",
            "SingleOption   | 3                            | invalid_option",
            "SingleOption   | {\"title\":\"a\"}            | invalid_option",
            "SingleOption   | [\"a\",\"b\"]                | invalid_option",
            "SingleSelect   | [1]                          | invalid_option",
            "MultiOption    | true                         | invalid_option",
            "MultipleOption | [\"a\",2]                    | invalid_option",
            "MultiSelect    | [null]                       | invalid_option",
            "Text           | 5                            | invalid_text",
            "LargeText      | [\"a\"]                      | invalid_text",
            "Image          | 5                            | invalid_media",
            "Image          | [{\"fileName\":\"x.png\"}]   | invalid_media",
            "AttachmentList | [true]                       | invalid_media",
            "AttachmentList | false                        | invalid_media",})
    void anAnswerThatDoesNotFitItsTypeBecomesOneRejectAndTheResponseStillFlows(String type, String answer,
            String reason) {
        h.pipe("r-e1", Payloads.oneAnswer("e1", type, answer));

        List<AnswerReject> rejects = h.typed(TopicId.ANSWER_REJECTS, AnswerReject.class);
        assertThat(rejects).hasSize(1);
        AnswerReject reject = rejects.get(0);
        assertThat(reject.reason()).isEqualTo(reason);
        assertThat(reject.questionType()).isEqualTo(type);
        assertThat(reject.questionTitle()).isEqualTo("Q");
        assertThat(reject.responseId()).isEqualTo("r-e1");
        assertThat(reject.answerJson()).isEqualTo(TopologyHarness.tree(TopologyHarness.utf8(answer)).toString());
        assertThat(reject.detail()).isNotBlank();
        assertThat(h.typed(TopicId.RESPONSES, ResponseRecord.class)).singleElement()
                .satisfies(r -> assertThat(r.answerCount()).isEqualTo(1));
        assertThat(h.drainCounts()).isEqualTo(Map.of(TopicId.EVENTS, 1));
        assertThat(h.counter("kz.processor.answer.rejects", "reason", reason)).isEqualTo(1.0);
    }

    @ParameterizedTest
    @EnumSource(RejectReason.class)
    void everyRejectReasonIsCoveredAbove(RejectReason reason) throws Exception {
        var source = getClass()
                .getDeclaredMethod("anAnswerThatDoesNotFitItsTypeBecomesOneRejectAndTheResponseStillFlows",
                        String.class, String.class, String.class)
                .getAnnotation(CsvSource.class);
        assertThat(List.of(source.value())).anyMatch(row -> row.trim().endsWith("| " + reason.code()));
    }
}
