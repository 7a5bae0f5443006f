package io.kzpipe.processor.topology;

import static io.kzpipe.processor.topology.TopologyHarness.T0;
import static io.kzpipe.processor.topology.TopologyHarness.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.kzpipe.model.record.AnswerReject;
import io.kzpipe.model.record.DateTimeAnswer;
import io.kzpipe.model.record.LocationAnswer;
import io.kzpipe.model.record.MediaAnswer;
import io.kzpipe.model.record.NumericAnswer;
import io.kzpipe.model.record.OptionAnswer;
import io.kzpipe.model.record.OtherAnswer;
import io.kzpipe.model.record.ResponseRecord;
import io.kzpipe.model.record.TextAnswer;
import io.kzpipe.model.topic.TopicId;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResponseMappingTest {

    private static final String RID = "r0000001-0000-4000-8000-000000000001";
    private static final long RESPONSE_TIME = 1510215650000L;

    private final TopologyHarness h = new TopologyHarness();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void everyQuestionTypeAndAliasIsTypedAndSkippedAnswersYieldNothing() {
        h.pipe(RID, fixture("action-response-all-types.json"));

        ResponseRecord response = h.typed(TopicId.RESPONSES, ResponseRecord.class).get(0);
        assertThat(response.responseId()).isEqualTo(RID);
        assertThat(response.rowId()).isEqualTo(RID + ":" + RESPONSE_TIME);
        assertThat(response.version()).isEqualTo(RESPONSE_TIME);
        assertThat(response.responseTimeMs()).isEqualTo(RESPONSE_TIME);
        assertThat(response.answerCount()).isEqualTo(18);
        assertThat(response.actionPackageId()).isEqualTo("com.example.allquestions");
        assertThat(response.responder()).isEqualTo("+919900000001");
        assertThat(response.isUpdate()).isFalse();
        assertThat(response.receivedAtMs()).isEqualTo(T0);

        assertThat(h.typed(TopicId.ANSWERS_OPTION, OptionAnswer.class))
                .extracting(OptionAnswer::questionIndex, OptionAnswer::questionType, OptionAnswer::optionTitle,
                        OptionAnswer::optionIndex, OptionAnswer::selectionIndex, OptionAnswer::rowId)
                .containsExactly(tuple(0, "SingleOption", "Red", 0, 0, RID + ":" + RESPONSE_TIME + ":0:0"),
                        tuple(1, "SingleOption", "Green", 1, 0, RID + ":" + RESPONSE_TIME + ":1:0"),
                        tuple(2, "SingleSelect", "Blue", 2, 0, RID + ":" + RESPONSE_TIME + ":2:0"),
                        tuple(3, "MultiOption", "Red", 0, 0, RID + ":" + RESPONSE_TIME + ":3:0"),
                        tuple(3, "MultiOption", "Blue", 2, 1, RID + ":" + RESPONSE_TIME + ":3:1"),
                        tuple(4, "MultipleOption", "Green", 1, 0, RID + ":" + RESPONSE_TIME + ":4:0"),
                        tuple(5, "MultiSelect", "Red", 0, 0, RID + ":" + RESPONSE_TIME + ":5:0"));
        assertThat(h.typed(TopicId.ANSWERS_NUMERIC, NumericAnswer.class))
                .extracting(NumericAnswer::questionIndex, NumericAnswer::questionTitle, NumericAnswer::value)
                .containsExactly(tuple(6, "Quantity", 42.5));
        assertThat(h.typed(TopicId.ANSWERS_LOCATION, LocationAnswer.class))
                .extracting(LocationAnswer::latitude, LocationAnswer::longitude, LocationAnswer::placeName,
                        LocationAnswer::accuracy)
                .containsExactly(tuple(47.6062, -122.3321, "Seattle", 12.5));
        assertThat(h.typed(TopicId.ANSWERS_TEXT, TextAnswer.class))
                .extracting(TextAnswer::questionIndex, TextAnswer::questionType, TextAnswer::text)
                .containsExactly(tuple(8, "Text", "hello"), tuple(9, "LargeText", "a much longer text"));
        assertThat(h.typed(TopicId.ANSWERS_DATETIME, DateTimeAnswer.class))
                .extracting(DateTimeAnswer::questionIndex, DateTimeAnswer::questionType, DateTimeAnswer::valueMs)
                .containsExactly(tuple(10, "DateTime", 1510215645000L), tuple(11, "Date", 1510185600000L),
                        tuple(12, "DateOnly", 1510185600000L), tuple(19, "DateTime", RESPONSE_TIME));
        assertThat(h.typed(TopicId.ANSWERS_MEDIA, MediaAnswer.class))
                .extracting(MediaAnswer::questionIndex, MediaAnswer::mediaIndex, MediaAnswer::mediaUrl,
                        MediaAnswer::mediaFileName)
                .containsExactly(tuple(13, 0, "media-token-1", ""),
                        tuple(14, 0, "https://blob.example.invalid/f1?sig=a&amp;se=1", "f1.pdf"),
                        tuple(14, 1, "https://blob.example.invalid/f2", "f2.jpg"));
        assertThat(h.typed(TopicId.ANSWERS_OTHER, OtherAnswer.class))
                .extracting(OtherAnswer::questionType, OtherAnswer::answerJson)
                .containsExactly(tuple("PhoneNumber", "{\"countryPhoneCode\":91,\"phoneNumber\":\"9876543210\"}"),
                        tuple("SingleSelectExternal", "\"ext-1\""));
        assertThat(h.drainCounts()).isEqualTo(Map.of(TopicId.EVENTS, 1));
    }

    @Test
    void orderFormDemoYieldsResponseOneOptionThreeNumericsAndRejectsTheLocation() {
        String rid = "b7e0f6a2-5c1d-4e8f-9a3b-0d2c4e6f8a10";
        h.pipe(rid, fixture("order-form-demo.json"));

        List<ResponseRecord> responses = h.typed(TopicId.RESPONSES, ResponseRecord.class);
        assertThat(responses).hasSize(1);
        ResponseRecord response = responses.get(0);
        assertThat(response.actionPackageId()).isEqualTo("com.contoso.orderformdemo");
        assertThat(response.answerCount()).isEqualTo(5);
        assertThat(response.responseTimeMs()).isNull();
        assertThat(response.version()).isEqualTo(T0);
        assertThat(h.typed(TopicId.ANSWERS_OPTION, OptionAnswer.class))
                .extracting(OptionAnswer::optionTitle, OptionAnswer::optionIndex)
                .containsExactly(tuple("Tablet", 1));
        assertThat(h.typed(TopicId.ANSWERS_NUMERIC, NumericAnswer.class))
                .extracting(NumericAnswer::questionTitle, NumericAnswer::value)
                .containsExactly(tuple("Quantity", 2.0), tuple("Unit price", 350.0), tuple("Total", 700.0));
        List<AnswerReject> rejects = h.typed(TopicId.ANSWER_REJECTS, AnswerReject.class);
        assertThat(rejects)
                .extracting(AnswerReject::questionIndex, AnswerReject::questionType, AnswerReject::reason,
                        AnswerReject::answerJson)
                .containsExactly(tuple(4, "Location", "latitude_out_of_range",
                        "{\"lt\":99.12345678,\"lg\":17.456789,\"n\":\"Store 12\"}"));
        assertThat(rejects.get(0).rowId()).isEqualTo(rid + ":" + T0 + ":4:0");
        assertThat(h.drainCounts()).isEqualTo(Map.of(TopicId.EVENTS, 1));
        assertThat(h.counter("kz.processor.answer.rejects", "reason", "latitude_out_of_range")).isEqualTo(1.0);
    }

    @Test
    void everyRecordIsKeyedByResponseIdWithTheInputTimestampAndNoHeaders() {
        long receivedAt = T0 + 12_345;
        h.pipe(RID, fixture("action-response-all-types.json"), receivedAt);

        for (TopicId id : List.of(TopicId.EVENTS, TopicId.RESPONSES, TopicId.ANSWERS_OPTION, TopicId.ANSWERS_MEDIA)) {
            for (TestRecord<String, byte[]> r : h.records(id)) {
                assertThat(r.key()).as(id.name()).isEqualTo(RID);
                assertThat(r.timestamp()).as(id.name()).isEqualTo(receivedAt);
                assertThat(r.headers().toArray()).as(id.name()).isEmpty();
                assertThat(TopologyHarness.tree(r.value()).get("received_at_ms").asLong()).isEqualTo(receivedAt);
            }
        }
    }

    @Test
    void anEditThatArrivesBeforeTheOriginalStaysTheCurrentVersionAndTheOriginalIsNotWritten() {
        String q = "[" + Payloads.question("Choice", "SingleOption", "\"new\"") + "]";
        String original = "[" + Payloads.question("Choice", "SingleOption", "\"old\"") + "]";
        h.pipe("r-1", Payloads.response("e-edit", "r-1", true, q), T0);
        h.pipe("r-1", Payloads.response("e-orig", "r-1", false, original), T0 + 60_000);

        List<ResponseRecord> versions = h.typed(TopicId.RESPONSES, ResponseRecord.class);
        assertThat(versions).extracting(ResponseRecord::eventId).containsExactly("e-edit");
        assertThat(versions.get(0).version()).isGreaterThan(T0 + 60_000);
        assertThat(h.typed(TopicId.ANSWERS_OPTION, OptionAnswer.class))
                .extracting(OptionAnswer::optionTitle, OptionAnswer::version)
                .containsExactly(tuple("new", versions.get(0).version()));
        assertThat(h.drainCounts()).isEqualTo(Map.of(TopicId.EVENTS, 2));
    }

    @Test
    void responseTimeOrdersEditsWhateverTheirArrivalOrder() {
        String later = "[" + Payloads.question("ResponseTime", "DateTime", "2000") + "]";
        String earlier = "[" + Payloads.question("ResponseTime", "DateTime", "\"1000\"") + "]";
        h.pipe("r-2", Payloads.response("e-later", "r-2", true, later), T0);
        h.pipe("r-2", Payloads.response("e-earlier", "r-2", true, earlier), T0 + 5);

        List<ResponseRecord> versions = h.typed(TopicId.RESPONSES, ResponseRecord.class);
        assertThat(versions).extracting(ResponseRecord::responseTimeMs).containsExactly(2000L);
        assertThat(versions.get(0).version()).isEqualTo((1L << 62) + 2000L);
        assertThat(versions).allSatisfy(v -> assertThat(v.isUpdate()).isTrue());
        assertThat(h.counter("kz.processor.events", "outcome", "superseded")).isEqualTo(1.0);
    }

    @Test
    void surveyResponseEditIsMarkedAsUpdateAndAnonymous() {
        h.pipe("r0000002-0000-4000-8000-000000000002", fixture("survey-response-edit.json"));

        ResponseRecord r = h.typed(TopicId.RESPONSES, ResponseRecord.class).get(0);
        assertThat(r.eventType()).isEqualTo("SurveyResponse");
        assertThat(r.isUpdate()).isTrue();
        assertThat(r.isAnonymous()).isTrue();
        assertThat(r.actionId()).as("objectId of an Action subscription")
                .isEqualTo("a0000002-0000-4000-8000-000000000002");
        assertThat(r.responseTimeMs()).isEqualTo(1510300000000L);
        assertThat(r.version()).isEqualTo((1L << 62) + 1510300000000L);
    }

    @Test
    void emptySelectionsAndEmptyMediaYieldNoRecordsButCountAsAnswered() {
        String qs = "[" + Payloads.question("M", "MultiOption", "[]") + "," + Payloads.question("I", "Image", "\"\"")
                + "," + Payloads.question("A", "AttachmentList", "[]") + ","
                + Payloads.question("S", "SingleOption", "[]") + "]";
        h.pipe("r-3", Payloads.response("e-3", "r-3", false, qs));

        assertThat(h.typed(TopicId.RESPONSES, ResponseRecord.class).get(0).answerCount()).isEqualTo(4);
        assertThat(h.drainCounts()).isEqualTo(Map.of(TopicId.EVENTS, 1));
    }

    @Test
    void lenientShapesAreAccepted() {
        String qs = "[" + Payloads.question("D", "Date", "1.5102156E12") + ","
                + Payloads.question("Born", "DateTime", "\"-86400000\"") + ","
                + Payloads.question("One", "MultiOption", "\"solo\"") + ","
                + Payloads.question("Pic", "Image", "{\"url\":\"https://x.invalid/p.png\",\"fileName\":\"p.png\"}")
                + "," + Payloads.question("Big", "Numeric", "123456789012345678901234567890") + ","
                + Payloads.question("Where", "location", "{\"lt\":-90,\"lg\":180}") + "]";
        h.pipe("r-4", Payloads.response("e-4", "r-4", false, qs));

        assertThat(h.typed(TopicId.ANSWERS_DATETIME, DateTimeAnswer.class)).extracting(DateTimeAnswer::valueMs)
                .containsExactly(1510215600000L, -86400000L);
        assertThat(h.typed(TopicId.ANSWERS_OPTION, OptionAnswer.class))
                .extracting(OptionAnswer::optionTitle, OptionAnswer::optionIndex)
                .containsExactly(tuple("solo", -1));
        assertThat(h.typed(TopicId.ANSWERS_MEDIA, MediaAnswer.class))
                .extracting(MediaAnswer::mediaUrl, MediaAnswer::mediaFileName)
                .containsExactly(tuple("https://x.invalid/p.png", "p.png"));
        assertThat(h.typed(TopicId.ANSWERS_NUMERIC, NumericAnswer.class)).extracting(NumericAnswer::value)
                .containsExactly(1.2345678901234568E29);
        assertThat(h.typed(TopicId.ANSWERS_LOCATION, LocationAnswer.class))
                .extracting(LocationAnswer::latitude, LocationAnswer::longitude, LocationAnswer::placeName,
                        LocationAnswer::accuracy)
                .containsExactly(tuple(-90.0, 180.0, "", null));
        assertThat(h.drainCounts()).isEqualTo(Map.of(TopicId.EVENTS, 1, TopicId.RESPONSES, 1));
    }
}
