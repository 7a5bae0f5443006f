package io.kzpipe.processor.topology;

import static io.kzpipe.processor.topology.TopologyHarness.T0;
import static io.kzpipe.processor.topology.TopologyHarness.fixture;
import static io.kzpipe.processor.topology.TopologyHarness.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.kzpipe.model.record.ActionDefinitionRecord;
import io.kzpipe.model.record.EventRecord;
import io.kzpipe.model.record.JobRecord;
import io.kzpipe.model.record.MembershipRecord;
import io.kzpipe.model.record.MessageRecord;
import io.kzpipe.model.topic.TopicId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventTypesTest {

    private static final String GROUP = "6f1c2d3e-0000-4000-8000-00000000a001";

    private final TopologyHarness h = new TopologyHarness();

    @AfterEach
    void close() {
        h.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"action-response-all-types.json, ActionResponse,     r0000001-0000-4000-8000-000000000001, responses",
            "survey-response-edit.json,      SurveyResponse,     r0000002-0000-4000-8000-000000000002, responses",
            "job-created.json,               JobCreated,         e0000003-0000-4000-8000-000000000003, jobs",
            "job-response.json,              JobResponse,        r0000004-0000-4000-8000-000000000004, jobs",
            "text-message.json,              TextMessageCreated, e0000005-0000-4000-8000-000000000005, messages",
            "announcement.json,              Announcement,       e0000006-0000-4000-8000-000000000006, messages",
            "attachment-created.json,        AttachmentCreated,  e0000008-0000-4000-8000-000000000008, messages",
            "member-added.json,              MemberAdded,        e0000009-0000-4000-8000-000000000009, memberships",
            "member-removed.json,            MemberRemoved,      e0000010-0000-4000-8000-000000000010, memberships",
            "action-created-questions.json,  ActionCreated,      e0000014-0000-4000-8000-000000000014, action_definitions",
            "survey-created-rwq.json,        SurveyCreated,      e0000015-0000-4000-8000-000000000015, action_definitions",
            "group-added.json,               GroupAdded,         e0000011-0000-4000-8000-000000000011, ",
            "group-removed.json,             GroupRemoved,       e0000012-0000-4000-8000-000000000012, ",
            "unknown-event.json,             PollClosed,         e0000013-0000-4000-8000-000000000013, ",})
    void everyEventTypeYieldsOneEventRecordKeyedByResponseOrEventIdPlusItsTypedRecords(String fixture, String type,
            String key, String table) {
        byte[] raw = fixture(fixture);
        h.pipe(key, raw);

        List<EventRecord> events = h.typed(TopicId.EVENTS, EventRecord.class);
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.eventType()).isEqualTo(type);
            assertThat(e.rowId()).isEqualTo(e.eventId());
            assertThat(e.rawJson()).isEqualTo(new String(raw, java.nio.charset.StandardCharsets.UTF_8));
            assertThat(e.receivedAtMs()).isEqualTo(T0);
            assertThat(e.schemaVersion()).isEqualTo(1);
        });
        Map<TopicId, Integer> rest = h.drainCounts();
        if (table == null) {
            assertThat(rest).isEmpty();
        } else {
            assertThat(rest.keySet()).filteredOn(id -> id.table().equals(table)).hasSize(1);
            rest.keySet()
                    .forEach(id -> assertThat(id.table()).isIn(table, "responses", "answers_option", "answers_numeric",
                            "answers_location", "answers_text", "answers_datetime", "answers_media", "answers_other"));
        }
    }

    @Test
    void eventRecordCarriesEnvelopeAndSenderFields() {
        h.pipe("r0000001-0000-4000-8000-000000000001", fixture("action-response-all-types.json"));

        EventRecord e = h.typed(TopicId.EVENTS, EventRecord.class).get(0);
        assertThat(e)
                .extracting(EventRecord::eventId, EventRecord::objectId, EventRecord::objectType, EventRecord::groupId,
                        EventRecord::actionId, EventRecord::responseId, EventRecord::fromUser, EventRecord::fromUserId,
                        EventRecord::fromUserName, EventRecord::context, EventRecord::subscriptionId)
                .containsExactly("e0000001-0000-4000-8000-000000000001", GROUP, "Group", GROUP,
                        "a0000001-0000-4000-8000-000000000001", "r0000001-0000-4000-8000-000000000001", "+919900000001",
                        "u0000001-0000-4000-8000-000000000001", "Asha Rao", "tenant-west", "sub-17");
    }

    @Test
    void unknownEventTypesAndMissingFieldsAreKeptAsEmptyValues() {
        h.pipe("e-x", utf8("{\"eventId\":\"e-x\"}"));

        EventRecord e = h.typed(TopicId.EVENTS, EventRecord.class).get(0);
        assertThat(e.eventType()).isEmpty();
        assertThat(e.groupId()).isEmpty();
        assertThat(e.fromUser()).isEmpty();
        assertThat(e.context()).isEmpty();
        assertThat(h.drainCounts()).isEmpty();
    }

    @Test
    void jobCreatedHasDueDateAsEpochMsAndAssignees() {
        h.pipe("e0000003-0000-4000-8000-000000000003", fixture("job-created.json"));

        JobRecord j = h.typed(TopicId.JOBS, JobRecord.class).get(0);
        assertThat(j.title()).isEqualTo("Restock shelf 4");
        assertThat(j.text()).isEqualTo("Before the weekend");
        assertThat(j.dueDateMs()).isEqualTo(Instant.parse("2017-11-10T18:30:00Z").toEpochMilli());
        assertThat(j.assignedTo()).containsExactly("+919900000004", "+919900000005");
        assertThat(j.groupId()).isEqualTo(GROUP);
        assertThat(j.actionId()).isEqualTo("j0000001-0000-4000-8000-000000000001");
        assertThat(j.responseId()).isEmpty();
        assertThat(j.isCompleted()).isNull();
    }

    @ParameterizedTest
    @CsvSource({"\"2017-11-10T18:30:00+05:30\", 1510318800000", "\"2017-11-10T18:30:00\",       1510338600000",
            "\"2017-11-10\",                1510272000000", "1510338600000,                 1510338600000",
            "\"next week\",                 ", "null,                          ",})
    void jobDueDateFormsAreParsedOrLeftNull(String dueDate, Long expected) {
        h.pipe("j", utf8("{\"eventId\":\"j\",\"eventType\":\"JobCreated\",\"data\":{\"dueDate\":" + dueDate + "}}"));

        assertThat(h.typed(TopicId.JOBS, JobRecord.class).get(0).dueDateMs()).isEqualTo(expected);
    }

    @Test
    void jobResponseHasAssigneeAndCompletion() {
        h.pipe("r0000004-0000-4000-8000-000000000004", fixture("job-response.json"));

        JobRecord j = h.typed(TopicId.JOBS, JobRecord.class).get(0);
        assertThat(j)
                .extracting(JobRecord::eventType, JobRecord::responseId, JobRecord::assignee, JobRecord::assigneeName,
                        JobRecord::isCompleted, JobRecord::dueDateMs)
                .containsExactly("JobResponse", "r0000004-0000-4000-8000-000000000004", "++919900000004", "Worker",
                        true, null);
        assertThat(j.assignedTo()).isEmpty();
    }

    @Test
    void messagesReadBothAnnouncementMediaSpellings() {
        h.pipe("e6", fixture("announcement.json"));
        h.pipe("e7", fixture("announcement-media-url.json"));
        h.pipe("e8", fixture("attachment-created.json"));
        h.pipe("e5", fixture("text-message.json"));

        assertThat(h.typed(TopicId.MESSAGES, MessageRecord.class))
                .extracting(MessageRecord::eventType, MessageRecord::title, MessageRecord::text, MessageRecord::caption,
                        MessageRecord::actionType, MessageRecord::mediaUrls, MessageRecord::mediaFileNames)
                .containsExactly(
                        tuple("Announcement", "Holiday", "Office closed on Friday", "", "",
                                List.of("https://blob.example.invalid/a1.jpg"), List.of("a1.jpg")),
                        tuple("Announcement", "Schedule", "See attached", "", "",
                                List.of("https://blob.example.invalid/s.pdf"), List.of("s.pdf")),
                        tuple("AttachmentCreated", "", "", "Shelf after restock", "Image",
                                List.of("https://blob.example.invalid/i1.jpg?sv=2017&amp;sig=x",
                                        "https://blob.example.invalid/i2.jpg"),
                                List.of("i1.jpg", "i2.jpg")),
                        tuple("TextMessageCreated", "", "Namaste 🙏 — café ready?", "", "", List.of(), List.of()));
    }

    @Test
    void membershipsCarryMemberAndRole() {
        h.pipe("e9", fixture("member-added.json"));
        h.pipe("e10", fixture("member-removed.json"));

        assertThat(h.typed(TopicId.MEMBERSHIPS, MembershipRecord.class))
                .extracting(MembershipRecord::eventType, MembershipRecord::groupId, MembershipRecord::member,
                        MembershipRecord::memberId, MembershipRecord::memberName, MembershipRecord::role,
                        MembershipRecord::fromUser)
                .containsExactly(
                        tuple("MemberAdded", GROUP, "+919900000006", "u0000006-0000-4000-8000-000000000006", "New Hire",
                                "Member", "+919900000003"),
                        tuple("MemberRemoved", GROUP, "+919900000007", "", "Leaver", "Admin", "+919900000003"));
    }

    @Test
    void actionDefinitionsComeFromQuestionsOrFromResponseWithQuestions() {
        h.pipe("e14", fixture("action-created-questions.json"));
        h.pipe("e15", fixture("survey-created-rwq.json"));

        assertThat(h.typed(TopicId.ACTION_DEFINITIONS, ActionDefinitionRecord.class))
                .extracting(ActionDefinitionRecord::rowId, ActionDefinitionRecord::eventType,
                        ActionDefinitionRecord::actionPackageId, ActionDefinitionRecord::questionIndex,
                        ActionDefinitionRecord::questionTitle, ActionDefinitionRecord::questionType,
                        ActionDefinitionRecord::options, ActionDefinitionRecord::isInvisible)
                .containsExactly(
                        tuple("e0000014-0000-4000-8000-000000000014:0", "ActionCreated", "com.example.allquestions", 0,
                                "Colour", "SingleOption", List.of("Red", "Green"), false),
                        tuple("e0000014-0000-4000-8000-000000000014:1", "ActionCreated", "com.example.allquestions", 1,
                                "Quantity", "Numeric", List.of(), false),
                        tuple("e0000014-0000-4000-8000-000000000014:2", "ActionCreated", "com.example.allquestions", 2,
                                "ResponseTime", "DateTime", List.of(), true),
                        tuple("e0000015-0000-4000-8000-000000000015:0", "SurveyCreated", "", 0, "Rating",
                                "SingleOption", List.of("Good", "Bad"), false),
                        tuple("e0000015-0000-4000-8000-000000000015:1", "SurveyCreated", "", 1, "Why", "Text",
                                List.of(), false));
        assertThat(h.drainCounts()).as("creation-time answers are not responses").isEqualTo(Map.of(TopicId.EVENTS, 2));
    }
}
