package io.kzpipe.puller.pull;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.model.json.Json;
import io.kzpipe.model.kafka.RecordLimits;
import io.kzpipe.puller.config.PullSource;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ResponseMapperTest {

    private static final long PULLED_AT = 1_800_000_000_000L;
    private final ResponseMapper mapper = new ResponseMapper(new RecordLimits(RecordLimits.MIN_MAX_BODY_BYTES * 4));
    private final PullSource group = PullSource.parse("group:g-1");
    private final ResponseMapper.Origin survey = new ResponseMapper.Origin(group, "a-1", "Survey");

    private static JsonNode json(String s) throws Exception {
        return Json.MAPPER.readTree(s);
    }

    private static String item(String responseTimeAnswer, String extra) {
        return "{\"responseId\":\"r-1\",\"responder\":\"+15550100\",\"responderName\":\"Ann\",\"responderId\":\"u-1\","
                + "\"responderProfilePic\":\"\",\"isAnonymous\":false,\"isUpdateResponse\":false" + extra + ","
                + "\"responseWithQuestions\":[{\"title\":\"Q1\",\"type\":\"Text\",\"options\":[],\"answer\":\"hi\"},"
                + "{\"title\":\"ResponseTime\",\"type\":\"DateTime\",\"options\":[],\"isInvisible\":true,"
                + "\"answer\":" + responseTimeAnswer + "}]}";
    }

    @Test
    void anItemBecomesTheWebhookEnvelopeOfItsResponse() throws Exception {
        PulledResponse.Mapped m = (PulledResponse.Mapped) mapper.map(survey, json(item("1700000000123", "")),
                PULLED_AT);
        JsonNode env = Json.MAPPER.readTree(m.envelope());

        assertThat(m.responseId()).isEqualTo("r-1");
        assertThat(env.path("objectId").asText()).isEqualTo("g-1");
        assertThat(env.path("objectType").asText()).isEqualTo("Group");
        assertThat(env.path("eventType").asText()).isEqualTo("SurveyResponse");
        assertThat(env.path("eventId").asText()).isEqualTo(m.eventId());
        assertThat(env.path("fromUser").asText()).isEqualTo("+15550100");
        assertThat(env.path("fromUserId").asText()).isEqualTo("u-1");
        assertThat(env.path("fromUserName").asText()).isEqualTo("Ann");
        JsonNode data = env.path("data");
        assertThat(data.path("actionId").asText()).isEqualTo("a-1");
        assertThat(data.path("groupId").asText()).isEqualTo("g-1");
        assertThat(data.path("responseId").asText()).isEqualTo("r-1");
        assertThat(data.path("isUpdateResponse").asBoolean(true)).isFalse();
        assertThat(data.has("responseWithQuestions")).as("moved under responseDetails").isFalse();
        assertThat(data.path("responseDetails").path("responseWithQuestions").get(0).path("answer").asText())
                .isEqualTo("hi");
        assertThat(m.receivedAtMs()).as("the ResponseTime answer").isEqualTo(1_700_000_000_123L);
    }

    @Test
    void theEventIdIsTheSameForTheSameContentInAnyFieldOrderAndNewForAnEdit() throws Exception {
        String a = item("1700000000123", "");
        String reordered = "{\"isUpdateResponse\":false,\"isAnonymous\":false,\"responderProfilePic\":\"\","
                + a.substring(1).replace(",\"isAnonymous\":false,\"isUpdateResponse\":false", "");
        String edited = item("1700000000999", "").replace("\"isUpdateResponse\":false", "\"isUpdateResponse\":true");

        PulledResponse.Mapped first = (PulledResponse.Mapped) mapper.map(survey, json(a), PULLED_AT);
        PulledResponse.Mapped again = (PulledResponse.Mapped) mapper.map(survey, json(reordered), PULLED_AT + 5);
        PulledResponse.Mapped edit = (PulledResponse.Mapped) mapper.map(survey, json(edited), PULLED_AT);

        assertThat(again.eventId()).isEqualTo(first.eventId());
        assertThat(again.fingerprint()).isEqualTo(first.fingerprint());
        assertThat(edit.eventId()).isNotEqualTo(first.eventId());
        assertThat(edit.fingerprint()).isNotEqualTo(first.fingerprint());
        assertThat(first.eventId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}");
    }

    @Test
    void withoutAResponseTimeAnswerTheItemsOwnTimeInAnyFormElseThePullTime() throws Exception {
        String noAnswer = "{\"responseId\":\"r-2\",\"responseWithQuestions\":[]";
        PulledResponse.Mapped seconds = (PulledResponse.Mapped) mapper.map(survey,
                json(noAnswer + ",\"responseTime\":1700000000}"), PULLED_AT);
        PulledResponse.Mapped iso = (PulledResponse.Mapped) mapper.map(survey,
                json(noAnswer + ",\"responseTime\":\"2023-11-14T22:13:20Z\"}"), PULLED_AT);
        PulledResponse.Mapped digits = (PulledResponse.Mapped) mapper.map(survey, json(item("\"1700000000000\"", "")),
                PULLED_AT);
        PulledResponse.Mapped none = (PulledResponse.Mapped) mapper.map(survey, json(noAnswer + "}"), PULLED_AT);

        long t = Instant.parse("2023-11-14T22:13:20Z").toEpochMilli();
        assertThat(seconds.receivedAtMs()).isEqualTo(t);
        assertThat(iso.receivedAtMs()).isEqualTo(t);
        assertThat(digits.receivedAtMs()).isEqualTo(t);
        assertThat(none.receivedAtMs()).isEqualTo(PULLED_AT);
    }

    @Test
    void eventTypesFollowTheActionTypeAndAPackageSourceNamesItsPackage() throws Exception {
        PulledResponse.Mapped job = (PulledResponse.Mapped) mapper.map(new ResponseMapper.Origin(group, "a", "Job"),
                json("{\"responseId\":\"j\"}"), PULLED_AT);
        PulledResponse.Mapped poll = (PulledResponse.Mapped) mapper.map(new ResponseMapper.Origin(group, "a", "Poll"),
                json("{\"responseId\":\"p\"}"), PULLED_AT);
        PullSource pkg = PullSource.parse("package:g-1:com.example.form");
        PulledResponse.Mapped custom = (PulledResponse.Mapped) mapper.map(new ResponseMapper.Origin(pkg, "a", "Survey"),
                json("{\"responseId\":7}"), PULLED_AT);

        assertThat(Json.MAPPER.readTree(job.envelope()).path("eventType").asText()).isEqualTo("JobResponse");
        assertThat(Json.MAPPER.readTree(poll.envelope()).path("eventType").asText()).isEqualTo("ActionResponse");
        JsonNode c = Json.MAPPER.readTree(custom.envelope());
        assertThat(c.path("eventType").asText()).isEqualTo("ActionResponse");
        assertThat(c.path("data").path("actionPackageId").asText()).isEqualTo("com.example.form");
        assertThat(custom.responseId()).as("a numeric id is read as text").isEqualTo("7");
    }

    @Test
    void unknownFieldsOfTheItemAreKept() throws Exception {
        PulledResponse.Mapped m = (PulledResponse.Mapped) mapper.map(survey,
                json("{\"responseId\":\"r\",\"newField\":{\"x\":1}}"), PULLED_AT);

        assertThat(Json.MAPPER.readTree(m.envelope()).path("data").path("newField").path("x").asInt()).isEqualTo(1);
    }

    @Test
    void itemsThatCannotBeMappedAreRejectedWithAReasonAndTheirBytes() throws Exception {
        PulledResponse notObject = mapper.map(survey, json("[1,2]"), PULLED_AT);
        PulledResponse noId = mapper.map(survey, json("{\"responder\":\"x\"}"), PULLED_AT);
        PulledResponse blankId = mapper.map(survey, json("{\"responseId\":\" \"}"), PULLED_AT);
        PulledResponse objectId = mapper.map(survey, json("{\"responseId\":{\"a\":1}}"), PULLED_AT);

        assertThat(notObject).isInstanceOfSatisfying(PulledResponse.Rejected.class, r -> {
            assertThat(r.reason()).isEqualTo("not_an_object");
            assertThat(r.key()).isEqualTo("a-1");
            assertThat(new String(r.payload())).isEqualTo("[1,2]");
        });
        assertThat(noId).isInstanceOfSatisfying(PulledResponse.Rejected.class, r -> {
            assertThat(r.reason()).isEqualTo("missing_field");
            assertThat(r.detail()).contains("responseId");
        });
        assertThat(blankId).isInstanceOfSatisfying(PulledResponse.Rejected.class,
                r -> assertThat(r.reason()).isEqualTo("missing_field"));
        assertThat(objectId).isInstanceOfSatisfying(PulledResponse.Rejected.class,
                r -> assertThat(r.reason()).isEqualTo("invalid_field"));
    }

    @Test
    void anEnvelopeAboveTheBodyLimitIsRejectedAndAnItemAboveItTravelsWithoutItsBytes() throws Exception {
        int limit = RecordLimits.MIN_MAX_BODY_BYTES * 4;
        String justUnder = "x".repeat(limit - 100);
        String over = "x".repeat(limit + 10);

        PulledResponse near = mapper.map(survey, json("{\"responseId\":\"r\",\"t\":\"" + justUnder + "\"}"), PULLED_AT);
        PulledResponse huge = mapper.map(survey, json("{\"responseId\":\"r\",\"t\":\"" + over + "\"}"), PULLED_AT);

        assertThat(near).isInstanceOfSatisfying(PulledResponse.Rejected.class, r -> {
            assertThat(r.reason()).isEqualTo("too_large");
            assertThat(r.key()).isEqualTo("r");
            assertThat(r.payload()).isNotEmpty();
            assertThat(r.detail()).contains("GATEWAY_MAX_BODY_BYTES");
        });
        assertThat(huge).isInstanceOfSatisfying(PulledResponse.Rejected.class, r -> assertThat(r.payload()).isEmpty());
    }
}
