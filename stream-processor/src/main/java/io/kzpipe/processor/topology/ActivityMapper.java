package io.kzpipe.processor.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kzpipe.model.record.ActionDefinitionRecord;
import io.kzpipe.model.record.JobRecord;
import io.kzpipe.model.record.MembershipRecord;
import io.kzpipe.model.record.MessageRecord;
import io.kzpipe.model.record.TypedRecord;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.processor.errors.DeadLetterException;
import io.kzpipe.processor.errors.DeadLetterReason;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The non-response event types that dashboards need as facts: jobs, messages, memberships
 * and action definitions. Fields an event does not carry are {@code ""}, {@code null} or empty lists.
 */
final class ActivityMapper {

    private ActivityMapper() {}

    /** JobCreated (title, text, due date, assignees) and JobResponse (assignee, completion). */
    static void job(Envelope env, List<Output> out) {
        ObjectNode d = env.data();
        boolean response = "JobResponse".equals(env.eventType());
        if (response && env.responseId().isBlank()) {
            throw new DeadLetterException(DeadLetterReason.MISSING_RESPONSE_ID, "JobResponse without data.responseId");
        }
        JsonNode details = d.get("responseDetails");
        JsonNode r = details != null && details.isObject() ? details.get("response") : null;
        out.add(new Output(TopicId.JOBS, env.key(),
                new JobRecord(TypedRecord.SCHEMA_VERSION, env.eventId(), env.eventId(), env.eventType(), env.actionId(),
                        env.groupId(), JsonFields.text(d, "title"), JsonFields.text(d, "text"),
                        response ? null : dueDateMs(d.get("dueDate")), strings(d.get("assignedTo")), env.responseId(),
                        JsonFields.text(r, "assignee"), JsonFields.text(r, "assigneeName"),
                        JsonFields.optionalBool(r, "isCompleted"), env.receivedAtMs())));
    }

    /** TextMessageCreated, Announcement and AttachmentCreated; both media key spellings are read. */
    static void message(Envelope env, List<Output> out) {
        ObjectNode d = env.data();
        List<String> urls = new ArrayList<>();
        List<String> names = new ArrayList<>();
        JsonNode media = d.get("media");
        if (media != null && media.isArray()) {
            for (JsonNode m : media) {
                if (m.isObject()) {
                    urls.add(JsonFields.firstText(m, "mediaUrl", "url"));
                    names.add(JsonFields.firstText(m, "mediaFileName", "fileName"));
                } else if (m.isTextual()) {
                    urls.add(m.textValue());
                    names.add("");
                }
            }
        }
        ObjectNode root = env.root();
        out.add(new Output(TopicId.MESSAGES, env.key(),
                new MessageRecord(TypedRecord.SCHEMA_VERSION, env.eventId(), env.eventId(), env.eventType(),
                        env.groupId(), JsonFields.text(root, "fromUser"), JsonFields.text(root, "fromUserName"),
                        JsonFields.text(d, "text"), JsonFields.text(d, "title"), JsonFields.text(d, "caption"),
                        JsonFields.text(d, "actionType"), urls, names, env.receivedAtMs())));
    }

    /** MemberAdded / MemberRemoved; the role is Kaizala's {@code data.type}. */
    static void membership(Envelope env, List<Output> out) {
        ObjectNode d = env.data();
        out.add(new Output(TopicId.MEMBERSHIPS, env.key(),
                new MembershipRecord(TypedRecord.SCHEMA_VERSION, env.eventId(), env.eventId(), env.eventType(),
                        env.groupId(), JsonFields.text(d, "member"), JsonFields.text(d, "memberId"),
                        JsonFields.text(d, "memberName"), JsonFields.text(d, "type"),
                        JsonFields.text(env.root(), "fromUser"), env.receivedAtMs())));
    }

    /**
     * ActionCreated / SurveyCreated: one record per question, read from {@code data.questions[]} when present,
     * else from {@code data.responseDetails.responseWithQuestions[]}; answers found there
     * belong to the creation and are ignored.
     *
     * @throws DeadLetterException {@code questions_not_array}
     */
    static void definitions(Envelope env, List<Output> out) {
        ObjectNode d = env.data();
        List<ObjectNode> questions = JsonFields.isAbsent(d.get("questions"))
                ? ResponseMapper.answeredQuestions(d)
                : ResponseMapper.objects(d.get("questions"), "data.questions");
        String packageId = env.actionPackageId().isEmpty() ? JsonFields.text(d, "packageId") : env.actionPackageId();
        for (int i = 0; i < questions.size(); i++) {
            ObjectNode q = questions.get(i);
            out.add(new Output(TopicId.ACTION_DEFINITIONS, env.key(),
                    new ActionDefinitionRecord(TypedRecord.SCHEMA_VERSION,
                            ActionDefinitionRecord.rowId(env.eventId(), i), env.eventId(), env.eventType(),
                            env.actionId(), env.groupId(), packageId, i, JsonFields.text(q, "title"),
                            JsonFields.text(q, "type"), AnswerMapper.offeredOptions(q),
                            JsonFields.bool(q, "isInvisible"), env.receivedAtMs())));
        }
    }

    /**
     * JobCreated's due date: ISO-8601 ({@code 2017-11-09T10:00:00Z}, with an offset, without one = UTC, or a
     * bare date = midnight UTC), or epoch ms as a number or digit string; {@code null} when absent or
     * unparseable (the job is still recorded).
     */
    static Long dueDateMs(JsonNode node) {
        if (JsonFields.isAbsent(node)) {
            return null;
        }
        Long ms = AnswerMapper.epochMillis(node);
        if (ms != null || !node.isTextual()) {
            return ms;
        }
        String s = node.textValue().trim();
        try {
            return OffsetDateTime.parse(s).toInstant().toEpochMilli();
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return Instant.parse(s).toEpochMilli();
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Strings of an array (numbers as their text); empty when absent or not an array. */
    static List<String> strings(JsonNode node) {
        if (node == null || !node.isArray()) {
            return List.of();
        }
        List<String> out = new ArrayList<>(node.size());
        for (JsonNode n : node) {
            if (n.isTextual() || n.isNumber()) {
                out.add(n.asText());
            }
        }
        return out;
    }
}
