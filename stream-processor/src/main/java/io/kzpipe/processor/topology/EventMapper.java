package io.kzpipe.processor.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kzpipe.model.json.Json;
import io.kzpipe.model.record.EventRecord;
import io.kzpipe.model.record.TypedRecord;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.processor.errors.DeadLetterException;
import io.kzpipe.processor.errors.DeadLetterReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps the bytes of one raw delivery to every typed record it yields: always one {@code event} record
 * (unknown event types included), plus the records of its event type. Mapping is all or nothing: either the
 * complete list is returned or a {@link DeadLetterException} says why the event cannot be interpreted.
 *
 * <p>Parsing happens once (a Jackson tree); when PII hashing is on, phone numbers are replaced in that tree
 * before anything reads them. Not thread-safe (the optional {@link PiiHasher} is stateful): one instance
 * per stream task.
 */
public final class EventMapper implements RecordMapper {

    private static final ObjectReader READER = Json.MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final ObjectWriter TREE_WRITER = Json.MAPPER.writerFor(JsonNode.class);

    private final PiiHasher hasher;
    private final int rawJsonMaxBytes;

    /**
     * @param hasher          phone-number hasher, or {@code null} to keep numbers as sent
     * @param rawJsonMaxBytes bodies longer than this are stored as {@code ""} in {@code events.raw_json}
     */
    public EventMapper(PiiHasher hasher, int rawJsonMaxBytes) {
        this.hasher = hasher;
        this.rawJsonMaxBytes = rawJsonMaxBytes;
    }

    /**
     * @param raw          the raw record value (may be {@code null} for a tombstone)
     * @param receivedAtMs gateway receive time
     * @return the typed records, event record first
     * @throws DeadLetterException when the event cannot be interpreted
     */
    @Override
    public List<Output> map(byte[] raw, long receivedAtMs) {
        ObjectNode root = parseObject(raw);
        if (hasher != null) {
            hasher.scrub(root);
        }
        Envelope env = Envelope.of(root, receivedAtMs);
        List<Output> out = new ArrayList<>(8);
        out.add(new Output(TopicId.EVENTS, env.key(), eventRecord(env, raw)));
        switch (env.eventType()) {
            case "ActionResponse", "SurveyResponse" -> ResponseMapper.map(env, out);
            case "JobCreated", "JobResponse" -> ActivityMapper.job(env, out);
            case "TextMessageCreated", "Announcement", "AttachmentCreated" -> ActivityMapper.message(env, out);
            case "MemberAdded", "MemberRemoved" -> ActivityMapper.membership(env, out);
            case "ActionCreated", "SurveyCreated" -> ActivityMapper.definitions(env, out);
            default -> {
                // GroupAdded, GroupRemoved and unknown event types: the event record only
            }
        }
        return out;
    }

    static ObjectNode parseObject(byte[] raw) {
        if (raw == null || raw.length == 0) {
            throw new DeadLetterException(DeadLetterReason.INVALID_JSON,
                    raw == null ? "value is null" : "value is empty");
        }
        JsonNode root;
        try {
            root = READER.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new DeadLetterException(DeadLetterReason.INVALID_JSON, e.getOriginalMessage());
        } catch (IOException e) {
            throw new DeadLetterException(DeadLetterReason.INVALID_JSON, e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new DeadLetterException(DeadLetterReason.INVALID_JSON, "value holds no JSON");
        }
        if (!(root instanceof ObjectNode obj)) {
            throw new DeadLetterException(DeadLetterReason.NOT_AN_OBJECT,
                    "the JSON root is " + AnswerMapper.kind(root) + ", expected an object");
        }
        return obj;
    }

    private TypedRecord eventRecord(Envelope env, byte[] raw) {
        ObjectNode root = env.root();
        return new EventRecord(TypedRecord.SCHEMA_VERSION, env.eventId(), env.eventId(), env.eventType(),
                env.objectId(), env.objectType(), env.groupId(), env.actionId(), env.responseId(),
                JsonFields.text(root, "fromUser"), JsonFields.text(root, "fromUserId"),
                JsonFields.text(root, "fromUserName"), JsonFields.text(root, "fromUserProfilePic"),
                JsonFields.text(root, "context"), JsonFields.text(root, "subscriptionId"), env.receivedAtMs(),
                rawJson(root, raw));
    }

    /** The body as received (or, with PII hashing, the hashed tree); {@code ""} above the size limit. */
    private String rawJson(ObjectNode root, byte[] raw) {
        if (hasher == null) {
            return raw.length > rawJsonMaxBytes ? "" : new String(raw, StandardCharsets.UTF_8);
        }
        try {
            byte[] scrubbed = TREE_WRITER.writeValueAsBytes(root);
            return scrubbed.length > rawJsonMaxBytes ? "" : new String(scrubbed, StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot re-serialize a parsed tree", e);
        }
    }
}
