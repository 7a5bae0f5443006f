package io.kzpipe.sink.support;

import io.kzpipe.model.json.JsonSerde;
import io.kzpipe.model.record.ActionDefinitionRecord;
import io.kzpipe.model.record.AnswerKey;
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
import io.kzpipe.model.record.ResponseVersion;
import io.kzpipe.model.record.TextAnswer;
import io.kzpipe.model.record.TypedRecord;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** One typed record per typed topic, every field set to a distinctive value (nulls where a field may be null). */
public final class TypedRecords {

    private static final Topics TOPICS = Topics.defaults();
    private static final String RAW_TOPIC = TOPICS.name(TopicId.RAW);

    public static final long RECEIVED_AT_MS = 1_795_780_123_456L; // 2026-11-27 11:48:43.456 UTC
    public static final long RESPONSE_TIME_MS = 1_795_780_000_789L;

    private TypedRecords() {}

    public static AnswerKey key(String responseId, long version, int questionIndex, String type) {
        return new AnswerKey("ev-" + responseId, responseId, version, "act-1", "grp-1", questionIndex,
                "Question \"" + questionIndex + "\" é", type, RECEIVED_AT_MS);
    }

    // spotless:off  one record per line
    /** One record per typed topic. */
    public static Map<TopicId, TypedRecord> samples() {
        long version = ResponseVersion.of(true, RESPONSE_TIME_MS, RECEIVED_AT_MS);
        Map<TopicId, TypedRecord> m = new EnumMap<>(TopicId.class);
        m.put(TopicId.EVENTS, new EventRecord(1, "ev-1", "ev-1", "SurveyResponse", "grp-1", "Group", "grp-1", "act-1",
                "resp-1", "+15550001", "user-1", "Ada Lovelace", "https://pic/1.png", "ctx", "sub-1", RECEIVED_AT_MS,
                "{\"eventId\":\"ev-1\",\"data\":{\"x\":[1,2]}}"));
        m.put(TopicId.RESPONSES, new ResponseRecord(1, ResponseRecord.rowId("resp-1", version), "ev-1", "SurveyResponse",
                "resp-1", "act-1", "grp-1", "com.pkg", "pkg-1", "+15550001", "user-1", "Ada", "https://pic/1.png",
                false, true, RESPONSE_TIME_MS, version, 7, RECEIVED_AT_MS));
        m.put(TopicId.RESPONSE_SUPERSESSIONS, ResponseSupersession.of("ev-2", "resp-1", version - 1, version, "act-1", "grp-1",
                RECEIVED_AT_MS, RECEIVED_AT_MS + 60_000));
        m.put(TopicId.ANSWERS_OPTION, OptionAnswer.of(key("resp-1", version, 0, "MultiOption"), 1, "Blue", 2));
        m.put(TopicId.ANSWERS_NUMERIC, NumericAnswer.of(key("resp-1", version, 1, "Numeric"), -12.625));
        m.put(TopicId.ANSWERS_LOCATION, LocationAnswer.of(key("resp-1", version, 2, "Location"), 47.6062, -122.3321,
                "Seattle", 12.5));
        m.put(TopicId.ANSWERS_TEXT, TextAnswer.of(key("resp-1", version, 3, "Text"), "line 1\nline 2\t\"quoted\" ✓"));
        m.put(TopicId.ANSWERS_DATETIME, DateTimeAnswer.of(key("resp-1", version, 4, "DateTime"), 1_700_000_000_123L));
        m.put(TopicId.ANSWERS_MEDIA, MediaAnswer.of(key("resp-1", version, 5, "Image"), 1, "https://media/2.jpg", "2.jpg"));
        m.put(TopicId.ANSWERS_OTHER, OtherAnswer.of(key("resp-1", version, 6, "PhoneNumber"), "\"+15550002\""));
        m.put(TopicId.ANSWER_REJECTS, AnswerReject.of(key("resp-1", version, 7, "Numeric"), "\"abc\"", "not_a_number",
                "'abc' is not a number"));
        m.put(TopicId.MESSAGES, new MessageRecord(1, "ev-2", "ev-2", "Announcement", "grp-1", "+15550001", "Ada",
                "hello", "Title", "Caption", "Announcement", List.of("https://m/1", "https://m/2"), List.of("1.png", "2.png"),
                RECEIVED_AT_MS));
        m.put(TopicId.JOBS, new JobRecord(1, "ev-3", "ev-3", "JobCreated", "act-9", "grp-1", "Fix it", "details",
                1_796_000_000_000L, List.of("+15550003"), "", "", "", null, RECEIVED_AT_MS));
        m.put(TopicId.MEMBERSHIPS, new MembershipRecord(1, "ev-4", "ev-4", "MemberAdded", "grp-1", "+15550004", "user-4",
                "Grace", "Admin", "+15550001", RECEIVED_AT_MS));
        m.put(TopicId.ACTION_DEFINITIONS, new ActionDefinitionRecord(1, ActionDefinitionRecord.rowId("ev-5", 0), "ev-5",
                "SurveyCreated", "act-1", "grp-1", "com.pkg", 0, "Favourite colour", "SingleOption", List.of("Red", "Blue"),
                false, RECEIVED_AT_MS));
        m.put(TopicId.RAW_OUTCOMES, RawOutcome.of(RAW_TOPIC, 1, 42, "ev-1", RawOutcome.Kind.TYPED,
                "processor:kaizala.raw:0:7", RECEIVED_AT_MS));
        return m;
    }
    // spotless:on

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static byte[] json(TypedRecord record) {
        return new JsonSerde(record.getClass()).serialize("", record);
    }
}
