package io.kzpipe.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Synthetic Kaizala payloads from {@code src/test/resources/fixtures}, with their ids. */
public final class Fixtures {

    /** SurveyResponse, 1.8 KB, compact JSON with non-ASCII text; keyed by its responseId. */
    public static final String SURVEY_RESPONSE = "survey-response.json";

    public static final String SURVEY_EVENT_ID = "0f8fad5b-d9cb-469f-a165-70867728950e";
    public static final String SURVEY_RESPONSE_ID = "9a7c5e3b-1d2f-4b6a-8e0c-7f5d3b1a9c24";
    /** TextMessageCreated: no responseId, so keyed by its eventId. */
    public static final String TEXT_MESSAGE = "text-message.json";

    public static final String TEXT_EVENT_ID = "5d1e7a0c-3b9f-4c2e-8a6d-1f0e9c8b7a65";
    public static final String MEMBER_ADDED = "member-added.json";

    private Fixtures() {}

    public static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    /** The survey response with its eventId and responseId replaced. */
    public static byte[] surveyResponse(String eventId, String responseId) {
        return text(SURVEY_RESPONSE).replace(SURVEY_EVENT_ID, eventId)
                .replace(SURVEY_RESPONSE_ID, responseId)
                .getBytes(StandardCharsets.UTF_8);
    }
}
