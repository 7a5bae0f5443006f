package io.kzpipe.processor.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kzpipe.model.record.AnswerKey;
import io.kzpipe.model.record.ResponseRecord;
import io.kzpipe.model.record.ResponseVersion;
import io.kzpipe.model.record.TypedRecord;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.processor.errors.DeadLetterException;
import io.kzpipe.processor.errors.DeadLetterReason;
import java.util.ArrayList;
import java.util.List;

/**
 * ActionResponse / SurveyResponse: one {@link ResponseRecord} and the typed answers of every answered
 * question. The {@code questionIndex} of an answer is its position in
 * {@code responseWithQuestions} (Kaizala has no question id). All records carry the response's
 * {@link ResponseVersion}: the hidden {@code ResponseTime} DateTime answer when present, else the receive
 * time, with edits ({@code isUpdateResponse}) always above originals.
 */
final class ResponseMapper {

    static final String RESPONSE_TIME_TITLE = "ResponseTime";

    private ResponseMapper() {}

    /** @throws DeadLetterException {@code missing_response_id} or {@code questions_not_array} */
    static void map(Envelope env, List<Output> out) {
        if (env.responseId().isBlank()) {
            throw new DeadLetterException(DeadLetterReason.MISSING_RESPONSE_ID,
                    env.eventType() + " without data.responseId");
        }
        ObjectNode data = env.data();
        List<ObjectNode> questions = answeredQuestions(data);
        Long responseTime = responseTime(questions);
        boolean isUpdate = JsonFields.bool(data, "isUpdateResponse");
        long version = ResponseVersion.of(isUpdate, responseTime, env.receivedAtMs());
        int answered = 0;
        for (ObjectNode q : questions) {
            if (!JsonFields.isAbsent(q.get("answer"))) {
                answered++;
            }
        }
        String responseId = env.responseId();
        out.add(new Output(TopicId.RESPONSES, env.key(),
                new ResponseRecord(TypedRecord.SCHEMA_VERSION, ResponseRecord.rowId(responseId, version), env.eventId(),
                        env.eventType(), responseId, env.actionId(), env.groupId(), env.actionPackageId(),
                        JsonFields.text(data, "packageId"), JsonFields.text(data, "responder"),
                        JsonFields.text(data, "responderId"), JsonFields.text(data, "responderName"),
                        JsonFields.text(data, "responderProfilePic"), JsonFields.bool(data, "isAnonymous"), isUpdate,
                        responseTime, version, answered, env.receivedAtMs())));
        for (int i = 0; i < questions.size(); i++) {
            ObjectNode q = questions.get(i);
            JsonNode answer = q.get("answer");
            if (JsonFields.isAbsent(answer)) {
                continue; // skipped question: no record
            }
            String type = JsonFields.text(q, "type");
            AnswerKey key = new AnswerKey(env.eventId(), responseId, version, env.actionId(), env.groupId(), i,
                    JsonFields.text(q, "title"), type, env.receivedAtMs());
            AnswerMapper.map(key, QuestionType.of(type), q, answer, out);
        }
    }

    /**
     * {@code data.responseDetails.responseWithQuestions}; empty when absent.
     *
     * @throws DeadLetterException {@code questions_not_array} when present but not an array of objects
     */
    static List<ObjectNode> answeredQuestions(ObjectNode data) {
        JsonNode details = data.get("responseDetails");
        if (JsonFields.isAbsent(details)) {
            return List.of();
        }
        if (!details.isObject()) {
            throw new DeadLetterException(DeadLetterReason.QUESTIONS_NOT_ARRAY,
                    "data.responseDetails must be an object, got " + AnswerMapper.kind(details));
        }
        return objects(details.get("responseWithQuestions"), "data.responseDetails.responseWithQuestions");
    }

    /** The elements of an array of objects; empty when {@code node} is absent. */
    static List<ObjectNode> objects(JsonNode node, String path) {
        if (JsonFields.isAbsent(node)) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new DeadLetterException(DeadLetterReason.QUESTIONS_NOT_ARRAY,
                    path + " must be an array, got " + AnswerMapper.kind(node));
        }
        List<ObjectNode> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            if (!(node.get(i) instanceof ObjectNode q)) {
                throw new DeadLetterException(DeadLetterReason.QUESTIONS_NOT_ARRAY,
                        path + "[" + i + "] must be an object, got " + AnswerMapper.kind(node.get(i)));
            }
            out.add(q);
        }
        return out;
    }

    /** The first valid answer of a DateTime question titled {@value #RESPONSE_TIME_TITLE}, or {@code null}. */
    static Long responseTime(List<ObjectNode> questions) {
        for (ObjectNode q : questions) {
            JsonNode answer = q.get("answer");
            if (RESPONSE_TIME_TITLE.equalsIgnoreCase(JsonFields.text(q, "title").trim())
                    && QuestionType.of(JsonFields.text(q, "type")) == QuestionType.DATETIME
                    && !JsonFields.isAbsent(answer)) {
                Long ms = AnswerMapper.epochMillis(answer);
                if (ms != null) {
                    return ms;
                }
            }
        }
        return null;
    }
}
