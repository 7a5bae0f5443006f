package io.kzpipe.e2e;

import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Small webhook bodies for the end-to-end tests, in Kaizala's shape (docs/DESIGN.md, the demo files). A
 * "pizza order" survey response has three questions: {@code Toppings} (MultiOption of Cheese, Olives, Basil),
 * {@code Quantity} (Numeric) and, when a response time is given, the hidden {@code ResponseTime} (DateTime).
 */
final class Payloads {

    static final String GROUP = "6a1f0c2e-0000-4000-8000-00000000e2e0";
    static final String ACTION = "6a1f0c2e-0000-4000-8000-00000000e2e1";
    static final List<String> TOPPINGS = List.of("Cheese", "Olives", "Basil");

    private Payloads() {}

    /** A fresh GUID-shaped id (eventId, responseId). */
    static String id() {
        return UUID.randomUUID().toString();
    }

    /**
     * A SurveyResponse of the pizza order survey.
     *
     * @param responseTimeMs the hidden ResponseTime answer, or null for none (the version is then the receive time)
     */
    static String pizzaOrder(String eventId, String responseId, boolean isUpdate, Long responseTimeMs,
            List<String> toppings, double quantity) {
        String options = TOPPINGS.stream().map(t -> "{\"title\":\"" + t + "\"}").collect(Collectors.joining(","));
        String selected = toppings.stream().map(t -> "\"" + t + "\"").collect(Collectors.joining(","));
        String responseTime = responseTimeMs == null
                ? ""
                : ",{\"title\":\"ResponseTime\",\"type\":\"DateTime\",\"options\":[],\"isInvisible\":true,\"answer\":"
                        + responseTimeMs + "}";
        return """
                {"objectId":"%s","objectType":"Group","eventType":"SurveyResponse","eventId":"%s",
                 "fromUser":"+15550100123","fromUserId":"u-e2e","fromUserName":"Test Responder","fromUserProfilePic":"",
                 "data":{"actionId":"%s","groupId":"%s","responseId":"%s","isUpdateResponse":%s,"isAnonymous":false,
                  "responder":"+15550100123","responderName":"Test Responder","responderProfilePic":"",
                  "responseDetails":{"responseWithQuestions":[
                   {"title":"Toppings","type":"MultiOption","options":[%s],"answer":[%s]},
                   {"title":"Quantity","type":"Numeric","options":[],"answer":%s}%s]}}}
                """.formatted(GROUP, eventId, ACTION, GROUP, responseId, isUpdate, options, selected, number(quantity),
                responseTime);
    }

    /** A new response (its own event and response id) without ResponseTime. */
    static String pizzaOrder(String eventId, double quantity) {
        return pizzaOrder(eventId, id(), false, null, List.of("Cheese"), quantity);
    }

    /** Any envelope with an empty {@code data} object (GroupAdded, GroupRemoved, unknown event types). */
    static String bareEvent(String eventType, String eventId) {
        return """
                {"objectId":"%s","objectType":"Group","eventType":"%s","eventId":"%s","fromUser":"+15550100123",
                 "fromUserName":"Test Admin","data":{}}
                """.formatted(GROUP, eventType, eventId);
    }

    private static String number(double d) {
        return d == Math.rint(d) ? String.format(Locale.ROOT, "%.1f", d) : Double.toString(d);
    }
}
