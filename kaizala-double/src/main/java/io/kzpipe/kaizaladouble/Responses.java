package io.kzpipe.kaizaladouble;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The content of actions and responses as JSON: one survey-style form (SingleOption, MultiOption, Numeric, Text,
 * Location, DateTime and Kaizala's hidden {@code ResponseTime} DateTime question) answered in the encodings of the
 * webhook (docs/KAIZALA-API.md): SingleOption as a bare string or a one-element array, DateTime as epoch ms,
 * Location as {@code {lt, lg, n}}. The pulled item and the pushed envelope of one response version carry the same
 * answers, responseId, ResponseTime and isUpdateResponse.
 */
final class Responses {

    static final String RESPONSE_TIME = "ResponseTime";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> SATISFACTION = List.of("Very satisfied", "Satisfied", "Neutral", "Unsatisfied");
    private static final List<String> PRODUCTS = List.of("Surface Pro", "Surface Laptop", "Surface Go", "Surface Hub");
    private static final List<String> COMMENTS = List.of("Shelf needs a demo unit", "Prices not updated yet",
            "Display complete", "Staff asked for training — बहुत अच्छा", "Stock arrives Friday");
    private static final List<String> PLACES = List.of("Koramangala", "Indiranagar", "Whitefield", "Jayanagar", "");
    private static final List<String> NAMES = List.of("Meera Iyer", "Karthik Rao", "Priya Nair", "Sunil Das",
            "Asha Verma", "Ravi Menon", "Anjali Shah");
    private static final int PEOPLE = 40;
    private static final int ANONYMOUS_ONE_IN = 17;
    private static final int MAX_DEMO_UNITS = 20;
    private static final long HOUR_MS = 3_600_000L;

    private Responses() {}

    static String title(String actionType, int index) {
        return actionType + " store visit " + (index + 1);
    }

    /** The form's question definitions: {@code [{title, type, options}]}. */
    static ArrayNode questions() {
        ArrayNode out = NODES.arrayNode();
        out.add(question("How satisfied is the store?", "SingleOption", SATISFACTION));
        out.add(question("Which products are on display?", "MultiOption", PRODUCTS));
        out.add(question("Demo units", "Numeric", List.of()));
        out.add(question("Comments", "Text", List.of()));
        out.add(question("Store location", "Location", List.of()));
        out.add(question("Visit time", "DateTime", List.of()));
        out.add(question(RESPONSE_TIME, "DateTime", List.of()).put("isInvisible", true));
        return out;
    }

    /** The pulled item of response {@code i} of {@code a} in its current version (docs/KAIZALA-API.md). */
    static ObjectNode item(ActionState a, int i) {
        int version = a.version(i);
        long sec = a.timeSec(i);
        SplittableRandom rnd = a.random(i, version);
        ObjectNode item = NODES.objectNode().put("responseId", a.responseId(i));
        responder(item, a, i);
        item.put("isUpdateResponse", version > 0);
        switch ((i + version) % 3) {
            case 0 -> item.put("responseTime", sec);
            case 1 -> item.put("responseTime", sec * 1000);
            default -> item.put("responseTime", Instant.ofEpochSecond(sec).toString());
        }
        item.set("responseWithQuestions", answers(rnd, sec * 1000));
        return item;
    }

    /**
     * The webhook event of response {@code i}'s current version for subscription {@code hook}: the envelope of a
     * SurveyResponse (Survey actions) or ActionResponse (others), with the same answers as {@link #item}.
     */
    static ObjectNode event(ActionState a, int i, Webhook hook) {
        ObjectNode pulled = item(a, i);
        ObjectNode data = NODES.objectNode()
                .put("actionId", a.actionId)
                .put("groupId", a.groupId)
                .put("responseId", pulled.get("responseId").asText())
                .put("isUpdateResponse", pulled.get("isUpdateResponse").asBoolean())
                .put("isAnonymous", pulled.get("isAnonymous").asBoolean());
        for (String f : List.of("responder", "responderName", "responderProfilePic", "responderId")) {
            if (pulled.has(f)) {
                data.set(f, pulled.get(f));
            }
        }
        if (a.packageId != null) {
            data.put("actionPackageId", a.packageId).put("packageId", a.packageId);
        }
        data.putObject("responseDetails").set("responseWithQuestions", pulled.get("responseWithQuestions"));
        ObjectNode envelope = NODES.objectNode()
                .put("subscriptionId", hook.id())
                .put("objectId", hook.objectId())
                .put("objectType", hook.objectType())
                .put("eventType", eventType(a.actionType))
                .put("eventId", eventId(a, i));
        envelope.set("data", data);
        if (hook.callbackContext() != null) {
            envelope.put("context", hook.callbackContext());
        }
        envelope.put("fromUser", data.path("responder").asText(""))
                .put("fromUserName", data.path("responderName").asText(""))
                .put("fromUserProfilePic", "");
        if (data.has("responderId")) {
            envelope.put("fromUserId", data.get("responderId").asText());
        }
        return envelope;
    }

    /** SurveyResponse for Survey actions, ActionResponse for every other type. */
    static String eventType(String actionType) {
        return GroupSeed.SURVEY.equals(actionType) ? "SurveyResponse" : "ActionResponse";
    }

    private static String eventId(ActionState a, int i) {
        String name = "event/" + a.responseId(i) + "/" + a.version(i);
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static void responder(ObjectNode item, ActionState a, int i) {
        SplittableRandom who = a.random(i, -1);
        boolean anonymous = who.nextInt(ANONYMOUS_ONE_IN) == 0;
        int person = who.nextInt(PEOPLE);
        if (anonymous) {
            item.put("responder", "").put("responderName", "").put("responderProfilePic", "");
        } else {
            String id = UUID.nameUUIDFromBytes(("person/" + person).getBytes(StandardCharsets.UTF_8)).toString();
            item.put("responder", "+91984500" + (1000 + person))
                    .put("responderName", NAMES.get(person % NAMES.size()))
                    .put("responderId", id)
                    .put("responderProfilePic", "");
        }
        item.put("isAnonymous", anonymous);
    }

    private static ArrayNode answers(SplittableRandom rnd, long responseTimeMs) {
        ArrayNode qs = questions();
        String satisfaction = SATISFACTION.get(rnd.nextInt(SATISFACTION.size()));
        if (rnd.nextBoolean()) {
            answer(qs, 0).put("answer", satisfaction);
        } else {
            answer(qs, 0).putArray("answer").add(satisfaction);
        }
        ArrayNode products = answer(qs, 1).putArray("answer");
        PRODUCTS.stream().filter(p -> rnd.nextBoolean()).forEach(products::add);
        answer(qs, 2).put("answer", rnd.nextInt(MAX_DEMO_UNITS + 1));
        answer(qs, 3).put("answer", COMMENTS.get(rnd.nextInt(COMMENTS.size())));
        ObjectNode location = answer(qs, 4).putObject("answer");
        location.put("lt", 12.9 + rnd.nextDouble() / 10).put("lg", 77.6 + rnd.nextDouble() / 10);
        String place = PLACES.get(rnd.nextInt(PLACES.size()));
        if (!place.isEmpty()) {
            location.put("n", place);
        }
        answer(qs, 5).put("answer", responseTimeMs - HOUR_MS * (1 + rnd.nextInt(48)));
        answer(qs, 6).put("answer", responseTimeMs);
        return qs;
    }

    private static ObjectNode answer(ArrayNode qs, int position) {
        return (ObjectNode) qs.get(position);
    }

    private static ObjectNode question(String title, String type, List<String> options) {
        ObjectNode q = NODES.objectNode().put("title", title).put("type", type);
        ArrayNode opts = q.putArray("options");
        options.forEach(o -> opts.addObject().put("title", o));
        return q;
    }
}
