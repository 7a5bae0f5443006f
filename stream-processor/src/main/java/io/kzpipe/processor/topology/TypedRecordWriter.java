package io.kzpipe.processor.topology;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.kzpipe.model.json.Json;
import io.kzpipe.model.json.JsonSerde;
import io.kzpipe.model.record.ActionDefinitionRecord;
import io.kzpipe.model.record.AnswerReject;
import io.kzpipe.model.record.DateTimeAnswer;
import io.kzpipe.model.record.EventRecord;
import io.kzpipe.model.record.JobRecord;
import io.kzpipe.model.record.LocationAnswer;
import io.kzpipe.model.record.MediaAnswer;
import io.kzpipe.model.record.MembershipRecord;
import io.kzpipe.model.record.MessageRecord;
import io.kzpipe.model.record.NumericAnswer;
import io.kzpipe.model.record.OptionAnswer;
import io.kzpipe.model.record.OtherAnswer;
import io.kzpipe.model.record.RawOutcome;
import io.kzpipe.model.record.ResponseRecord;
import io.kzpipe.model.record.ResponseSupersession;
import io.kzpipe.model.record.TextAnswer;
import io.kzpipe.model.record.TypedRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes typed records as JSON with a Jackson streaming generator, field by field, into one reused buffer:
 * the processor's hot path (databind's reflective record serializer was a third of its CPU).
 *
 * <p>Guarantee: for every record type of {@code io.kzpipe.model.record} the output is byte for byte what
 * {@link Json#MAPPER} writes (same generator configuration, snake_case names in record component order,
 * nulls written), so consumers keep reading it with {@link JsonSerde}. {@code TypedRecordWriterTest} checks
 * this for every record type with nulls, Unicode, escapes, lists and extreme numbers; a field added to a
 * record without a line here fails that test. Not thread-safe: one instance per stream task.
 */
final class TypedRecordWriter {

    private static final SerializableString SCHEMA_VERSION = name("schema_version");
    private static final SerializableString ROW_ID = name("row_id");
    private static final SerializableString EVENT_ID = name("event_id");
    private static final SerializableString EVENT_TYPE = name("event_type");
    private static final SerializableString OBJECT_ID = name("object_id");
    private static final SerializableString OBJECT_TYPE = name("object_type");
    private static final SerializableString GROUP_ID = name("group_id");
    private static final SerializableString ACTION_ID = name("action_id");
    private static final SerializableString RESPONSE_ID = name("response_id");
    private static final SerializableString FROM_USER = name("from_user");
    private static final SerializableString FROM_USER_ID = name("from_user_id");
    private static final SerializableString FROM_USER_NAME = name("from_user_name");
    private static final SerializableString FROM_USER_PROFILE_PIC = name("from_user_profile_pic");
    private static final SerializableString CONTEXT = name("context");
    private static final SerializableString SUBSCRIPTION_ID = name("subscription_id");
    private static final SerializableString RECEIVED_AT_MS = name("received_at_ms");
    private static final SerializableString RAW_JSON = name("raw_json");
    private static final SerializableString ACTION_PACKAGE_ID = name("action_package_id");
    private static final SerializableString PACKAGE_ID = name("package_id");
    private static final SerializableString RESPONDER = name("responder");
    private static final SerializableString RESPONDER_ID = name("responder_id");
    private static final SerializableString RESPONDER_NAME = name("responder_name");
    private static final SerializableString RESPONDER_PROFILE_PIC = name("responder_profile_pic");
    private static final SerializableString IS_ANONYMOUS = name("is_anonymous");
    private static final SerializableString IS_UPDATE = name("is_update");
    private static final SerializableString RESPONSE_TIME_MS = name("response_time_ms");
    private static final SerializableString VERSION = name("version");
    private static final SerializableString ANSWER_COUNT = name("answer_count");
    private static final SerializableString QUESTION_INDEX = name("question_index");
    private static final SerializableString QUESTION_TITLE = name("question_title");
    private static final SerializableString QUESTION_TYPE = name("question_type");
    private static final SerializableString OPTION_TITLE = name("option_title");
    private static final SerializableString OPTION_INDEX = name("option_index");
    private static final SerializableString SELECTION_INDEX = name("selection_index");
    private static final SerializableString VALUE = name("value");
    private static final SerializableString VALUE_MS = name("value_ms");
    private static final SerializableString LATITUDE = name("latitude");
    private static final SerializableString LONGITUDE = name("longitude");
    private static final SerializableString PLACE_NAME = name("place_name");
    private static final SerializableString ACCURACY = name("accuracy");
    private static final SerializableString TEXT = name("text");
    private static final SerializableString MEDIA_INDEX = name("media_index");
    private static final SerializableString MEDIA_URL = name("media_url");
    private static final SerializableString MEDIA_FILE_NAME = name("media_file_name");
    private static final SerializableString ANSWER_JSON = name("answer_json");
    private static final SerializableString REASON = name("reason");
    private static final SerializableString DETAIL = name("detail");
    private static final SerializableString TITLE = name("title");
    private static final SerializableString DUE_DATE_MS = name("due_date_ms");
    private static final SerializableString ASSIGNED_TO = name("assigned_to");
    private static final SerializableString ASSIGNEE = name("assignee");
    private static final SerializableString ASSIGNEE_NAME = name("assignee_name");
    private static final SerializableString IS_COMPLETED = name("is_completed");
    private static final SerializableString CAPTION = name("caption");
    private static final SerializableString ACTION_TYPE = name("action_type");
    private static final SerializableString MEDIA_URLS = name("media_urls");
    private static final SerializableString MEDIA_FILE_NAMES = name("media_file_names");
    private static final SerializableString MEMBER = name("member");
    private static final SerializableString MEMBER_ID = name("member_id");
    private static final SerializableString MEMBER_NAME = name("member_name");
    private static final SerializableString ROLE = name("role");
    private static final SerializableString OPTIONS = name("options");
    private static final SerializableString IS_INVISIBLE = name("is_invisible");
    private static final SerializableString SUPERSEDED_BY = name("superseded_by");
    private static final SerializableString SUPERSEDED_AT_MS = name("superseded_at_ms");
    private static final SerializableString OUTCOME = name("outcome");
    private static final SerializableString REPLAY_OF = name("replay_of");

    private final ByteArrayBuilder buffer = new ByteArrayBuilder(4096);
    private final JsonGenerator g;

    TypedRecordWriter() {
        try {
            g = Json.MAPPER.getFactory().createGenerator(buffer, JsonEncoding.UTF8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        g.setRootValueSeparator(null); // one JSON object per call, nothing between them
    }

    private static SerializableString name(String name) {
        return new SerializedString(name);
    }

    /**
     * The JSON of {@code record}.
     *
     * @throws IllegalArgumentException for a record type this class does not know
     */
    byte[] write(TypedRecord record) {
        buffer.reset();
        try {
            g.writeStartObject();
            if (record instanceof EventRecord r) {
                event(r);
            } else if (record instanceof ResponseRecord r) {
                response(r);
            } else if (record instanceof OptionAnswer r) {
                answerKey(r.schemaVersion(), r.rowId(), r.eventId(), r.responseId(), r.version(), r.actionId(),
                        r.groupId(), r.questionIndex(), r.questionTitle(), r.questionType(), r.receivedAtMs());
                string(OPTION_TITLE, r.optionTitle());
                number(OPTION_INDEX, r.optionIndex());
                number(SELECTION_INDEX, r.selectionIndex());
            } else if (record instanceof NumericAnswer r) {
                answerKey(r.schemaVersion(), r.rowId(), r.eventId(), r.responseId(), r.version(), r.actionId(),
                        r.groupId(), r.questionIndex(), r.questionTitle(), r.questionType(), r.receivedAtMs());
                g.writeFieldName(VALUE);
                g.writeNumber(r.value());
            } else if (record instanceof TextAnswer r) {
                answerKey(r.schemaVersion(), r.rowId(), r.eventId(), r.responseId(), r.version(), r.actionId(),
                        r.groupId(), r.questionIndex(), r.questionTitle(), r.questionType(), r.receivedAtMs());
                string(TEXT, r.text());
            } else if (record instanceof DateTimeAnswer r) {
                answerKey(r.schemaVersion(), r.rowId(), r.eventId(), r.responseId(), r.version(), r.actionId(),
                        r.groupId(), r.questionIndex(), r.questionTitle(), r.questionType(), r.receivedAtMs());
                number(VALUE_MS, r.valueMs());
            } else if (record instanceof LocationAnswer r) {
                answerKey(r.schemaVersion(), r.rowId(), r.eventId(), r.responseId(), r.version(), r.actionId(),
                        r.groupId(), r.questionIndex(), r.questionTitle(), r.questionType(), r.receivedAtMs());
                g.writeFieldName(LATITUDE);
                g.writeNumber(r.latitude());
                g.writeFieldName(LONGITUDE);
                g.writeNumber(r.longitude());
                string(PLACE_NAME, r.placeName());
                g.writeFieldName(ACCURACY);
                if (r.accuracy() == null) {
                    g.writeNull();
                } else {
                    g.writeNumber(r.accuracy().doubleValue());
                }
            } else if (record instanceof MediaAnswer r) {
                answerKey(r.schemaVersion(), r.rowId(), r.eventId(), r.responseId(), r.version(), r.actionId(),
                        r.groupId(), r.questionIndex(), r.questionTitle(), r.questionType(), r.receivedAtMs());
                number(MEDIA_INDEX, r.mediaIndex());
                string(MEDIA_URL, r.mediaUrl());
                string(MEDIA_FILE_NAME, r.mediaFileName());
            } else if (record instanceof OtherAnswer r) {
                answerKey(r.schemaVersion(), r.rowId(), r.eventId(), r.responseId(), r.version(), r.actionId(),
                        r.groupId(), r.questionIndex(), r.questionTitle(), r.questionType(), r.receivedAtMs());
                string(ANSWER_JSON, r.answerJson());
            } else if (record instanceof AnswerReject r) {
                answerKey(r.schemaVersion(), r.rowId(), r.eventId(), r.responseId(), r.version(), r.actionId(),
                        r.groupId(), r.questionIndex(), r.questionTitle(), r.questionType(), r.receivedAtMs());
                string(ANSWER_JSON, r.answerJson());
                string(REASON, r.reason());
                string(DETAIL, r.detail());
            } else if (record instanceof MessageRecord r) {
                message(r);
            } else if (record instanceof JobRecord r) {
                job(r);
            } else if (record instanceof MembershipRecord r) {
                membership(r);
            } else if (record instanceof ActionDefinitionRecord r) {
                definition(r);
            } else if (record instanceof ResponseSupersession r) {
                supersession(r);
            } else if (record instanceof RawOutcome r) {
                number(SCHEMA_VERSION, r.schemaVersion());
                string(ROW_ID, r.rowId());
                string(EVENT_ID, r.eventId());
                string(OUTCOME, r.outcome());
                string(REPLAY_OF, r.replayOf());
                number(RECEIVED_AT_MS, r.receivedAtMs());
            } else {
                throw new IllegalArgumentException("no JSON writer for " + record.getClass().getName());
            }
            g.writeEndObject();
            g.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a " + record.getClass().getSimpleName(), e);
        }
        return buffer.toByteArray();
    }

    private void event(EventRecord r) throws IOException {
        number(SCHEMA_VERSION, r.schemaVersion());
        string(ROW_ID, r.rowId());
        string(EVENT_ID, r.eventId());
        string(EVENT_TYPE, r.eventType());
        string(OBJECT_ID, r.objectId());
        string(OBJECT_TYPE, r.objectType());
        string(GROUP_ID, r.groupId());
        string(ACTION_ID, r.actionId());
        string(RESPONSE_ID, r.responseId());
        string(FROM_USER, r.fromUser());
        string(FROM_USER_ID, r.fromUserId());
        string(FROM_USER_NAME, r.fromUserName());
        string(FROM_USER_PROFILE_PIC, r.fromUserProfilePic());
        string(CONTEXT, r.context());
        string(SUBSCRIPTION_ID, r.subscriptionId());
        number(RECEIVED_AT_MS, r.receivedAtMs());
        string(RAW_JSON, r.rawJson());
    }

    private void response(ResponseRecord r) throws IOException {
        number(SCHEMA_VERSION, r.schemaVersion());
        string(ROW_ID, r.rowId());
        string(EVENT_ID, r.eventId());
        string(EVENT_TYPE, r.eventType());
        string(RESPONSE_ID, r.responseId());
        string(ACTION_ID, r.actionId());
        string(GROUP_ID, r.groupId());
        string(ACTION_PACKAGE_ID, r.actionPackageId());
        string(PACKAGE_ID, r.packageId());
        string(RESPONDER, r.responder());
        string(RESPONDER_ID, r.responderId());
        string(RESPONDER_NAME, r.responderName());
        string(RESPONDER_PROFILE_PIC, r.responderProfilePic());
        bool(IS_ANONYMOUS, r.isAnonymous());
        bool(IS_UPDATE, r.isUpdate());
        number(RESPONSE_TIME_MS, r.responseTimeMs());
        number(VERSION, r.version());
        number(ANSWER_COUNT, r.answerCount());
        number(RECEIVED_AT_MS, r.receivedAtMs());
    }

    /** The fields every answer record starts with (the {@code AnswerKey} part), in component order. */
    private void answerKey(int schemaVersion, String rowId, String eventId, String responseId, long version,
                           String actionId, String groupId, int questionIndex, String questionTitle,
                           String questionType, long receivedAtMs) throws IOException {
        number(SCHEMA_VERSION, schemaVersion);
        string(ROW_ID, rowId);
        string(EVENT_ID, eventId);
        string(RESPONSE_ID, responseId);
        number(VERSION, version);
        string(ACTION_ID, actionId);
        string(GROUP_ID, groupId);
        number(QUESTION_INDEX, questionIndex);
        string(QUESTION_TITLE, questionTitle);
        string(QUESTION_TYPE, questionType);
        number(RECEIVED_AT_MS, receivedAtMs);
    }

    private void message(MessageRecord r) throws IOException {
        number(SCHEMA_VERSION, r.schemaVersion());
        string(ROW_ID, r.rowId());
        string(EVENT_ID, r.eventId());
        string(EVENT_TYPE, r.eventType());
        string(GROUP_ID, r.groupId());
        string(FROM_USER, r.fromUser());
        string(FROM_USER_NAME, r.fromUserName());
        string(TEXT, r.text());
        string(TITLE, r.title());
        string(CAPTION, r.caption());
        string(ACTION_TYPE, r.actionType());
        strings(MEDIA_URLS, r.mediaUrls());
        strings(MEDIA_FILE_NAMES, r.mediaFileNames());
        number(RECEIVED_AT_MS, r.receivedAtMs());
    }

    private void job(JobRecord r) throws IOException {
        number(SCHEMA_VERSION, r.schemaVersion());
        string(ROW_ID, r.rowId());
        string(EVENT_ID, r.eventId());
        string(EVENT_TYPE, r.eventType());
        string(ACTION_ID, r.actionId());
        string(GROUP_ID, r.groupId());
        string(TITLE, r.title());
        string(TEXT, r.text());
        number(DUE_DATE_MS, r.dueDateMs());
        strings(ASSIGNED_TO, r.assignedTo());
        string(RESPONSE_ID, r.responseId());
        string(ASSIGNEE, r.assignee());
        string(ASSIGNEE_NAME, r.assigneeName());
        g.writeFieldName(IS_COMPLETED);
        if (r.isCompleted() == null) {
            g.writeNull();
        } else {
            g.writeBoolean(r.isCompleted());
        }
        number(RECEIVED_AT_MS, r.receivedAtMs());
    }

    private void membership(MembershipRecord r) throws IOException {
        number(SCHEMA_VERSION, r.schemaVersion());
        string(ROW_ID, r.rowId());
        string(EVENT_ID, r.eventId());
        string(EVENT_TYPE, r.eventType());
        string(GROUP_ID, r.groupId());
        string(MEMBER, r.member());
        string(MEMBER_ID, r.memberId());
        string(MEMBER_NAME, r.memberName());
        string(ROLE, r.role());
        string(FROM_USER, r.fromUser());
        number(RECEIVED_AT_MS, r.receivedAtMs());
    }

    private void definition(ActionDefinitionRecord r) throws IOException {
        number(SCHEMA_VERSION, r.schemaVersion());
        string(ROW_ID, r.rowId());
        string(EVENT_ID, r.eventId());
        string(EVENT_TYPE, r.eventType());
        string(ACTION_ID, r.actionId());
        string(GROUP_ID, r.groupId());
        string(ACTION_PACKAGE_ID, r.actionPackageId());
        number(QUESTION_INDEX, r.questionIndex());
        string(QUESTION_TITLE, r.questionTitle());
        string(QUESTION_TYPE, r.questionType());
        strings(OPTIONS, r.options());
        bool(IS_INVISIBLE, r.isInvisible());
        number(RECEIVED_AT_MS, r.receivedAtMs());
    }

    private void supersession(ResponseSupersession r) throws IOException {
        number(SCHEMA_VERSION, r.schemaVersion());
        string(ROW_ID, r.rowId());
        string(EVENT_ID, r.eventId());
        string(RESPONSE_ID, r.responseId());
        number(VERSION, r.version());
        number(SUPERSEDED_BY, r.supersededBy());
        string(ACTION_ID, r.actionId());
        string(GROUP_ID, r.groupId());
        number(RECEIVED_AT_MS, r.receivedAtMs());
        number(SUPERSEDED_AT_MS, r.supersededAtMs());
    }

    private void string(SerializableString field, String value) throws IOException {
        g.writeFieldName(field);
        if (value == null) {
            g.writeNull();
        } else {
            g.writeString(value);
        }
    }

    private void number(SerializableString field, int value) throws IOException {
        g.writeFieldName(field);
        g.writeNumber(value);
    }

    private void number(SerializableString field, long value) throws IOException {
        g.writeFieldName(field);
        g.writeNumber(value);
    }

    private void number(SerializableString field, Long value) throws IOException {
        g.writeFieldName(field);
        if (value == null) {
            g.writeNull();
        } else {
            g.writeNumber(value.longValue());
        }
    }

    private void bool(SerializableString field, boolean value) throws IOException {
        g.writeFieldName(field);
        g.writeBoolean(value);
    }

    private void strings(SerializableString field, List<String> values) throws IOException {
        g.writeFieldName(field);
        if (values == null) {
            g.writeNull();
            return;
        }
        g.writeStartArray();
        for (int i = 0, n = values.size(); i < n; i++) {
            String v = values.get(i);
            if (v == null) {
                g.writeNull();
            } else {
                g.writeString(v);
            }
        }
        g.writeEndArray();
    }
}
