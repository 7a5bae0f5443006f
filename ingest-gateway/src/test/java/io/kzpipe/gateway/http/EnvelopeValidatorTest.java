package io.kzpipe.gateway.http;

import static io.kzpipe.gateway.http.DeadLetterReason.EMPTY_BODY;
import static io.kzpipe.gateway.http.DeadLetterReason.INVALID_FIELD;
import static io.kzpipe.gateway.http.DeadLetterReason.INVALID_JSON;
import static io.kzpipe.gateway.http.DeadLetterReason.INVALID_UTF8;
import static io.kzpipe.gateway.http.DeadLetterReason.MISSING_FIELD;
import static io.kzpipe.gateway.http.DeadLetterReason.NOT_AN_OBJECT;
import static io.kzpipe.gateway.http.DeadLetterReason.TOO_DEEP;
import static io.kzpipe.gateway.http.DeadLetterReason.TRUNCATED_JSON;
import static org.assertj.core.api.Assertions.assertThat;

import io.kzpipe.gateway.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnvelopeValidatorTest {

    private static final String ENVELOPE = "\"eventType\":\"SurveyResponse\",\"objectId\":\"g1\",\"objectType\":\"Group\"";
    private final EnvelopeValidator validator = new EnvelopeValidator(8);

    private Verdict validate(String body) {
        return validator.validate(body.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static byte[] concat(String prefix, byte[] middle, String suffix) {
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] s = suffix.getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(p, p.length + middle.length + s.length);
        System.arraycopy(middle, 0, out, p.length, middle.length);
        System.arraycopy(s, 0, out, p.length + middle.length, s.length);
        return out;
    }

    @Test
    void acceptsASurveyResponseKeyedByItsResponseId() {
        Verdict v = validator.validate(Fixtures.bytes(Fixtures.SURVEY_RESPONSE));
        assertThat(v.isAccepted()).isTrue();
        assertThat(v.eventId()).isEqualTo(Fixtures.SURVEY_EVENT_ID);
        assertThat(v.key()).isEqualTo(Fixtures.SURVEY_RESPONSE_ID);
    }

    @Test
    void acceptsAnEventWithoutResponseIdKeyedByItsEventId() {
        Verdict v = validator.validate(Fixtures.bytes(Fixtures.TEXT_MESSAGE));
        assertThat(v.isAccepted()).isTrue();
        assertThat(v.key()).isEqualTo(Fixtures.TEXT_EVENT_ID);
        assertThat(validator.validate(Fixtures.bytes(Fixtures.MEMBER_ADDED)).isAccepted()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"responseId\":42", "\"responseId\":null", "\"responseId\":\"\"",
            "\"responseId\":{\"a\":1}"})
    void keysByEventIdWhenResponseIdIsNotANonEmptyString(String responseId) {
        Verdict v = validate("{\"eventId\":\"e1\"," + ENVELOPE + ",\"data\":{" + responseId + "}}");
        assertThat(v.isAccepted()).isTrue();
        assertThat(v.key()).isEqualTo("e1");
    }

    @Test
    void ignoresUnknownFieldsAndResponseIdOutsideData() {
        Verdict v = validate("{\"responseId\":\"top\",\"extra\":[1,{\"responseId\":\"x\"}],\"eventId\":\"e1\","
                + ENVELOPE + ",\"data\":{\"nested\":{\"responseId\":\"deep\"},\"responseId\":\"r1\"}}");
        assertThat(v.key()).isEqualTo("r1");
    }

    @Test
    void theLastOfDuplicateFieldsCounts() {
        assertThat(validate("{\"eventId\":\"e1\",\"eventId\":\"e2\"," + ENVELOPE + ",\"data\":{}}").eventId())
                .isEqualTo("e2");
        Verdict v = validate("{\"eventId\":\"e1\"," + ENVELOPE + ",\"data\":{},\"eventId\":7}");
        assertThat(v.reason()).isEqualTo(INVALID_FIELD);
    }

    @Test
    void acceptsAUtf8ByteOrderMarkAndSurroundingWhitespace() {
        byte[] body = concat("", bytes(0xEF, 0xBB, 0xBF), " \n{\"eventId\":\"e1\"," + ENVELOPE + ",\"data\":{}}\r\n");
        assertThat(validator.validate(body).isAccepted()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\r\n\t "})
    void emptyOrWhitespaceBodyIsEmptyBody(String body) {
        assertThat(validate(body).reason()).isEqualTo(EMPTY_BODY);
    }

    @Test
    void invalidUtf8IsReportedWithItsOffset() {
        Verdict v = validator.validate(concat("{\"eventId\":\"", bytes(0xFF), "\"}"));
        assertThat(v.reason()).isEqualTo(INVALID_UTF8);
        assertThat(v.detail()).contains("byte offset 12");
    }

    @Test
    void utf8FormsJacksonWouldLetThroughAreInvalid() {
        // overlong '/' (C0 AF), an encoded UTF-16 surrogate (ED A0 80), a code point above U+10FFFF (F4 90 80 80)
        for (byte[] bad : new byte[][]{bytes(0xC0, 0xAF), bytes(0xED, 0xA0, 0x80), bytes(0xF4, 0x90, 0x80, 0x80)}) {
            byte[] body = concat("{\"eventId\":\"e1\"," + ENVELOPE + ",\"data\":{\"text\":\"", bad, "\"}}");
            assertThat(validator.validate(body).reason()).as(Arrays.toString(bad)).isEqualTo(INVALID_UTF8);
        }
    }

    @Test
    void aBodyCutInsideAMultiByteCharacterIsTruncated() {
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        Verdict v = validator.validate(concat("{\"eventId\":\"", Arrays.copyOf(euro, 2), ""));
        assertThat(v.reason()).isEqualTo(TRUNCATED_JSON);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"eventId\":\"e1\"", "{\"eventId\":\"e1", "[1,2", "{\"eventId\":", "{"})
    void incompleteJsonIsTruncated(String body) {
        assertThat(validate(body).reason()).isEqualTo(TRUNCATED_JSON);
    }

    @Test
    void aTruncatedRealPayloadIsTruncated() {
        byte[] full = Fixtures.bytes(Fixtures.SURVEY_RESPONSE);
        assertThat(validator.validate(Arrays.copyOf(full, full.length / 2)).reason()).isEqualTo(TRUNCATED_JSON);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{eventId:1}", "{'eventId':'e1'}", "{\"a\":NaN}", "{\"a\":01}", "{\"a\":1,}",
            "{\"a\":1} // comment", "{\"a\":1}{\"b\":2}", "{\"a\":1} x", "nonsense", "{\"a\":\"tab\tin string\"}",
            "{\"a\" 1}"})
    void malformedJsonIsInvalid(String body) {
        assertThat(validate(body).reason()).as(body).isEqualTo(INVALID_JSON);
    }

    @Test
    void nestingUpToTheLimitIsFineAndBeyondItIsTooDeep() {
        // root object is level 1; data is level 2; 6 more arrays reach the limit of 8
        String atLimit = "{\"eventId\":\"e1\"," + ENVELOPE + ",\"data\":{\"x\":[[[[[[1]]]]]]}}";
        assertThat(validate(atLimit).isAccepted()).isTrue();
        String beyond = "{\"eventId\":\"e1\"," + ENVELOPE + ",\"data\":{\"x\":[[[[[[[1]]]]]]]}}";
        Verdict v = validate(beyond);
        assertThat(v.reason()).isEqualTo(TOO_DEEP);
        assertThat(v.detail()).contains("8");
    }

    @Test
    void tooDeepIsDetectedEvenInATruncatedBody() {
        assertThat(validate("[".repeat(100)).reason()).isEqualTo(TOO_DEEP);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{\"eventId\":\"e1\"}]", "\"text\"", "42", "true", "null"})
    void aValidJsonValueThatIsNotAnObjectIsNotAnObject(String body) {
        Verdict v = validate(body);
        assertThat(v.reason()).isEqualTo(NOT_AN_OBJECT);
        assertThat(v.detail()).contains("not an object");
    }

    @Test
    void eachMissingEnvelopeFieldIsNamed() {
        String[] fields = {"eventId", "eventType", "objectId", "objectType", "data"};
        String full = "{\"eventId\":\"e1\",\"eventType\":\"t\",\"objectId\":\"o\",\"objectType\":\"Group\",\"data\":{}}";
        for (String field : fields) {
            String body = full.replace("\"" + field + "\":", "\"other_" + field + "\":");
            Verdict v = validate(body);
            assertThat(v.reason()).as(field).isEqualTo(MISSING_FIELD);
            assertThat(v.detail()).isEqualTo(field + " is missing");
        }
    }

    @Test
    void eachIllTypedEnvelopeFieldIsNamed() {
        assertThat(validate("{\"eventId\":\"\"," + ENVELOPE + ",\"data\":{}}").detail())
                .isEqualTo("eventId must be a non-empty string, got an empty string");
        assertThat(validate("{\"eventId\":123," + ENVELOPE + ",\"data\":{}}").detail())
                .isEqualTo("eventId must be a non-empty string, got a number");
        assertThat(validate("{\"eventId\":null," + ENVELOPE + ",\"data\":{}}").reason()).isEqualTo(INVALID_FIELD);
        assertThat(validate("{\"eventId\":\"e\",\"eventType\":[],\"objectId\":\"o\",\"objectType\":\"G\",\"data\":{}}")
                .detail()).isEqualTo("eventType must be a string, got an array");
        assertThat(validate("{\"eventId\":\"e\",\"eventType\":\"t\",\"objectId\":7,\"objectType\":\"G\",\"data\":{}}")
                .detail()).isEqualTo("objectId must be a string, got a number");
        assertThat(
                validate("{\"eventId\":\"e\",\"eventType\":\"t\",\"objectId\":\"o\",\"objectType\":true,\"data\":{}}")
                        .detail())
                .isEqualTo("objectType must be a string, got a boolean");
        assertThat(validate("{\"eventId\":\"e1\"," + ENVELOPE + ",\"data\":\"{}\"}").detail())
                .isEqualTo("data must be an object, got a string");
        assertThat(validate("{\"eventId\":\"e1\"," + ENVELOPE + ",\"data\":[]}").reason()).isEqualTo(INVALID_FIELD);
        // a non-object data is skipped whole, and the fields after it still count
        assertThat(validate("{\"eventId\":\"e1\",\"data\":[{\"responseId\":\"r\"}]," + ENVELOPE + "}").detail())
                .isEqualTo("data must be an object, got an array");
    }

    @Test
    void emptyStringsAreFineExceptForEventId() {
        assertThat(validate("{\"eventId\":\"e\",\"eventType\":\"\",\"objectId\":\"\",\"objectType\":\"\",\"data\":{}}")
                .isAccepted()).isTrue();
    }

    @Test
    void everyEnvelopeProblemIsListedAndTheFirstGivesTheReason() {
        Verdict v = validate("{\"eventId\":5,\"objectId\":\"o\",\"data\":null}");
        assertThat(v.reason()).isEqualTo(INVALID_FIELD);
        assertThat(v.detail()).isEqualTo("eventId must be a non-empty string, got a number; eventType is missing; "
                + "objectType is missing; data must be an object, got null");
    }

    @Test
    void syntaxErrorsWinOverEnvelopeProblems() {
        assertThat(validate("{\"a\":1,}").reason()).isEqualTo(INVALID_JSON);
        assertThat(validate("[1,2] [").reason()).isIn(INVALID_JSON, TRUNCATED_JSON);
    }
}
