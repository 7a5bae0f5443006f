package io.kzpipe.puller.pull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kzpipe.model.json.Json;
import io.kzpipe.model.kafka.RecordLimits;
import io.kzpipe.puller.api.Times;
import io.kzpipe.puller.config.PullSource;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Maps one response item of {@code getDetails=true} (its schema is undocumented, docs/KAIZALA-API.md; the double's is our
 * assumption) to the webhook envelope the gateway would have received for it, so the processor, sink and tables need
 * no second code path (docs/DESIGN.md "Puller"):
 * <ul>
 *   <li>{@code objectId} = the group, {@code objectType} {@code Group}, {@code eventType} from the action type
 *       ({@link PullSource#eventType});</li>
 *   <li>{@code data} = the item's own fields (unknown ones kept), with {@code responseWithQuestions} moved under
 *       {@code responseDetails} where the webhook has it, and {@code actionId}, {@code groupId} (and
 *       {@code actionPackageId} for a package source) filled in when the item lacks them;</li>
 *   <li>{@code fromUser*} from {@code responder*} (the webhook's sender of a response is its responder);</li>
 *   <li>{@code eventId} = a name-based UUID of the responseId and the SHA-256 of the item's content (fields in any
 *       order): pulling the same response version twice gives the same id, an edit a new one.</li>
 * </ul>
 * An item that is not an object, has no usable {@code responseId}, or whose envelope is larger than
 * {@code GATEWAY_MAX_BODY_BYTES} becomes a {@link PulledResponse.Rejected}. Stateless and thread-safe.
 */
public final class ResponseMapper {

    public static final String REASON_NOT_AN_OBJECT = "not_an_object";
    public static final String REASON_MISSING_FIELD = "missing_field";
    public static final String REASON_INVALID_FIELD = "invalid_field";
    public static final String REASON_TOO_LARGE = "too_large";
    /** Title of the hidden DateTime question Kaizala adds to every response (docs/KAIZALA-API.md). */
    static final String RESPONSE_TIME = "ResponseTime";

    private static final String EVENT_ID_NAMESPACE = "kz-pull:";

    private final RecordLimits limits;

    public ResponseMapper(RecordLimits limits) {
        this.limits = limits;
    }

    /**
     * Where a response item comes from.
     *
     * @param actionType the action's type ({@code Survey}, {@code Job}, ...); for a package source ignored
     */
    public record Origin(PullSource source, String actionId, String actionType) {}

    /** Maps one item; {@code pullTimeMs} is its {@code receivedAtMs} when the item carries no time of its own. */
    public PulledResponse map(Origin origin, JsonNode item, long pullTimeMs) {
        if (item == null || !item.isObject()) {
            return rejected(origin.actionId(), REASON_NOT_AN_OBJECT, "a response item is not a JSON object", item);
        }
        JsonNode id = item.get("responseId");
        if (id == null || id.isNull() || (id.isTextual() && id.asText().isBlank())) {
            return rejected(origin.actionId(), REASON_MISSING_FIELD, "responseId is missing", item);
        }
        if (!id.isTextual() && !id.isNumber()) {
            return rejected(origin.actionId(), REASON_INVALID_FIELD, "responseId must be a string", item);
        }
        String responseId = id.asText();
        String itemHash = Canonical.hash(item);
        String eventId = eventId(responseId, itemHash);
        ObjectNode envelope = envelope(origin, (ObjectNode) item, responseId, eventId);
        byte[] bytes = write(envelope);
        if (bytes.length > limits.maxBodyBytes()) {
            return rejected(responseId, REASON_TOO_LARGE, "the envelope of response " + responseId + " has "
                    + bytes.length + " bytes, above " + RecordLimits.MAX_BODY_VAR + " (" + limits.maxBodyBytes() + ")",
                    item);
        }
        long receivedAt = responseTime(envelope.path("data")).or(() -> Times.parse(item.get("responseTime")))
                .map(Instant::toEpochMilli)
                .orElse(pullTimeMs);
        return new PulledResponse.Mapped(responseId, eventId, fingerprint(responseId, itemHash), bytes, receivedAt);
    }

    /** The deterministic {@code eventId} of a response version. */
    static String eventId(String responseId, String itemHash) {
        return UUID
                .nameUUIDFromBytes((EVENT_ID_NAMESPACE + responseId + ":" + itemHash).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    static long fingerprint(String responseId, String itemHash) {
        return ByteBuffer.wrap(Canonical.sha256(responseId + ":" + itemHash)).getLong();
    }

    private static ObjectNode envelope(Origin origin, ObjectNode item, String responseId, String eventId) {
        PullSource source = origin.source();
        ObjectNode data = item.deepCopy();
        data.put("responseId", responseId);
        JsonNode questions = data.remove("responseWithQuestions");
        JsonNode jobResponse = data.remove("response");
        ObjectNode details = data.get("responseDetails") instanceof ObjectNode d
                ? d
                : data.putObject("responseDetails");
        if (!details.has("responseWithQuestions")) {
            details.set("responseWithQuestions", questions != null ? questions : Json.MAPPER.createArrayNode());
        }
        if (jobResponse != null && !details.has("response")) {
            details.set("response", jobResponse);
        }
        if (!data.hasNonNull("actionId")) {
            data.put("actionId", origin.actionId());
        }
        if (!data.hasNonNull("groupId")) {
            data.put("groupId", source.groupId());
        }
        if (source.isPackage() && !data.hasNonNull("actionPackageId")) {
            data.put("actionPackageId", source.packageId());
        }
        ObjectNode env = Json.MAPPER.createObjectNode();
        env.put("objectId", source.groupId());
        env.put("objectType", "Group");
        env.put("eventType", PullSource.eventType(source.isPackage() ? "" : origin.actionType()));
        env.put("eventId", eventId);
        env.set("data", data);
        copy(data, "responder", env, "fromUser");
        copy(data, "responderId", env, "fromUserId");
        copy(data, "responderName", env, "fromUserName");
        copy(data, "responderProfilePic", env, "fromUserProfilePic");
        return env;
    }

    /** The answer of the hidden {@code ResponseTime} question (epoch ms number or digit string, or any time form). */
    static Optional<Instant> responseTime(JsonNode data) {
        for (JsonNode q : data.path("responseDetails").path("responseWithQuestions")) {
            if (RESPONSE_TIME.equalsIgnoreCase(q.path("title").asText("").trim())) {
                Optional<Instant> t = Times.parse(q.get("answer"));
                if (t.isPresent()) {
                    return t;
                }
            }
        }
        return Optional.empty();
    }

    private static void copy(JsonNode from, String field, ObjectNode to, String as) {
        JsonNode v = from.get(field);
        if (v != null && !v.isNull()) {
            to.set(as, v);
        }
    }

    private PulledResponse rejected(String key, String reason, String detail, JsonNode item) {
        byte[] payload = item == null ? new byte[0] : write(item);
        return new PulledResponse.Rejected(key, reason, detail,
                payload.length > limits.maxBodyBytes() ? new byte[0] : payload);
    }

    private static byte[] write(JsonNode node) {
        try {
            return Json.MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a JSON tree", e);
        }
    }
}
