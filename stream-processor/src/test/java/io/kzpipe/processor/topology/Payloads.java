package io.kzpipe.processor.topology;

import java.nio.charset.StandardCharsets;

/** Small synthetic deliveries built inline, for rules that need many variants of one shape. */
final class Payloads {

    static final String GROUP = "g-0001";
    static final String ACTION = "a-0001";

    private Payloads() {}

    /** An ActionResponse whose {@code responseWithQuestions} is {@code questionsJson} (a JSON array). */
    static byte[] response(String eventId, String responseId, boolean isUpdate, String questionsJson) {
        return ("{\"objectId\":\"" + GROUP + "\",\"objectType\":\"Group\",\"eventType\":\"ActionResponse\","
                + "\"eventId\":\"" + eventId + "\",\"fromUser\":\"+15550000001\",\"fromUserName\":\"T\","
                + "\"data\":{\"actionId\":\"" + ACTION + "\",\"groupId\":\"" + GROUP + "\",\"responseId\":\""
                + responseId + "\",\"isUpdateResponse\":" + isUpdate + ",\"responder\":\"+15550000001\","
                + "\"responseDetails\":{\"responseWithQuestions\":" + questionsJson + "}}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A response with a single question of {@code type} answered with {@code answerJson}. */
    static byte[] oneAnswer(String eventId, String type, String answerJson) {
        return response(eventId, "r-" + eventId, false, "[{\"title\":\"Q\",\"type\":\"" + type
                + "\",\"options\":[{\"title\":\"a\"},{\"title\":\"b\"}],\"answer\":" + answerJson + "}]");
    }

    /** A question object for {@link #response}. */
    static String question(String title, String type, String answerJson) {
        return "{\"title\":\"" + title + "\",\"type\":\"" + type + "\",\"options\":[],\"answer\":" + answerJson + "}";
    }
}
