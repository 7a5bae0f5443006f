package io.kzpipe.e2e;

import static io.kzpipe.e2e.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kzpipe.e2e.PipelineStack.Delivery;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.testkit.ClickHouseExtension;
import io.kzpipe.testkit.KafkaExtension;
import io.kzpipe.testkit.TestClickHouse;
import io.kzpipe.testkit.TestKafka;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Posts the deliveries of {@code ./pipeline demo} (deploy/local/demo, in the order of deliveries.txt) over HTTP to
 * the running pipeline and checks every row of every {@code _latest} view: eleven event types, every question type
 * (each typed answer, the hidden ResponseTime, the answers kept as raw JSON), Kaizala's OrderFormDemo sample with
 * its out-of-range latitude rejected, an edit that replaces its original, a duplicate delivery stored once, a
 * truncated body dead-lettered by the gateway and a response without responseId dead-lettered by the processor.
 * Three partitions per topic, as {@code ./pipeline up} creates them.
 */
@ExtendWith({KafkaExtension.class, ClickHouseExtension.class})
class DemoDeliveriesIT {

    private static final Duration VISIBLE = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String G = "7b1e4c2a-93d5-4f6e-8a0b-2c4d6e8f1a3b";
    private static final String ORDER_FORM = "3c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f";
    private static final String SURVEY = "8e4f2a1b-7c6d-4e5f-9a8b-0c1d2e3f4a5b";
    private static final String JOB = "c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f";
    private static final String PKG = "com.contoso.orderformdemo";
    private static final String OFD = "5f0c7d1e-2b3a-4c8d-9e6f-a1b2c3d4e5f6"; // OrderFormDemo: eventId = responseId
    private static final String FABRIKAM = "b8e2a4c6-0d1f-4e3a-9b5c-7d9e1f3a5c7e";
    private static final String HYDERABAD = "c4f6a8b0-2e3d-4a5b-8c7d-9e0f1a2b3c4d";
    private static final String ALL_TYPES = "d5e6f7a8-1b2c-4d3e-9f4a-5b6c7d8e9f01"; // response id of 12 and its edit 14
    private static final String ANONYMOUS = "f1a2b3c4-5d6e-4f7a-8b9c-0d1e2f3a4b5c";
    private static final String ALL_TYPES_EDIT_VERSION = "4611687813962497904"; // 2^62 + ResponseTime 1795535110000
    private static final String ANIL = "+919845000101";
    private static final String ANIL_ID = "0a1b2c3d-1111-4aaa-8bbb-000000000101";
    private static final String ANIL_PIC = "https://kaizala.example.invalid/profile/anil.jpg";
    private static final String KARTHIK_PIC = "https://kaizala.example.invalid/profile/karthik.jpg";
    private static final String MEERA = "+919845000104";
    private static final String MEERA_ID = "0a1b2c3d-1111-4aaa-8bbb-000000000104";
    private static final String CTX = "contoso-field-sales";
    private static final String SUB = "9d8c7b6a-5e4f-4d3c-8b2a-1f0e9d8c7b6a";

    private static final List<String> VIEWS = List.of("events", "responses", "answers_option", "answers_numeric",
            "answers_location", "answers_text", "answers_datetime", "answers_media", "answers_other", "answer_rejects",
            "messages", "jobs", "memberships", "action_definitions", "dead_letters");
    private static final String EXPECTED_COUNTS = "16 | 5 | 7 | 7 | 3 | 6 | 7 | 3 | 3 | 2 | 3 | 2 | 3 | 18 | 2";

    private static PipelineStack stack;
    private static final List<Delivery> ANSWERS = new ArrayList<>();
    private static final List<DemoDeliveries.Delivery> SENT = DemoDeliveries.all();
    private static long postedFrom;
    private static long postedUntil;
    /** Gateway receive time of the OrderFormDemo delivery: its version, as it has no ResponseTime. */
    private static String ofdVersion;

    @BeforeAll
    static void postTheDemoDeliveriesAndWaitForTheirRows(TestKafka kafka, TestClickHouse ch) {
        stack = PipelineStack.start("demo", 3, kafka, ch);
        postedFrom = System.currentTimeMillis();
        for (DemoDeliveries.Delivery d : SENT) {
            ANSWERS.add(stack.post(d.body()));
        }
        postedUntil = System.currentTimeMillis();
        String counts = "SELECT "
                + String.join(", ", VIEWS.stream().map(v -> "(SELECT count() FROM {db}." + v + "_latest)").toList());
        await("every demo row visible").atMost(VISIBLE)
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(stack.rows(counts)).as(String.join(" | ", VIEWS))
                        .containsExactly(EXPECTED_COUNTS));
        ofdVersion = Long
                .toString(stack.number("SELECT received_at_ms FROM {db}.events_latest WHERE event_id = '" + OFD + "'"));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyDeliveryIsAnswered200AsAcceptedOrDeadLettered() {
        assertThat(SENT).hasSize(19);
        for (int i = 0; i < SENT.size(); i++) {
            String file = SENT.get(i).file();
            Delivery answer = ANSWERS.get(i);
            assertThat(answer.status()).as(file).isEqualTo(200);
            assertThat(answer.requestId()).as(file).isNotBlank();
            if (file.startsWith("17-")) {
                assertThat(answer.body()).as(file)
                        .isEqualTo("{\"status\":\"dead-lettered\",\"reason\":\"truncated_json\"}");
            } else {
                assertThat(answer.body()).as(file)
                        .isEqualTo("{\"status\":\"accepted\",\"eventId\":\"" + eventId(SENT.get(i).body()) + "\"}");
            }
        }
    }

    @Test
    void everyViewHoldsExactlyTheExpectedNumberOfRowsStampedWithTheGatewayReceiveTime() {
        // 19 deliveries: 16 events (not the duplicate, the truncated body, the event the processor refused);
        // 5 responses (the edit replaces the all-types response)
        assertThat(stack.rows("SELECT "
                + String.join(", ", VIEWS.stream().map(v -> "(SELECT count() FROM {db}." + v + "_latest)").toList())))
                .containsExactly(EXPECTED_COUNTS);
        for (String view : VIEWS) {
            assertThat(stack.rows("SELECT count() FROM {db}." + view + "_latest WHERE received_at_ms < " + postedFrom
                    + " OR received_at_ms > " + postedUntil
                    + " OR received_at != toDateTime(intDiv(received_at_ms, 1000))"))
                    .as("%s: received_at_ms is the gateway's receive time", view)
                    .containsExactly("0");
        }
    }

    // spotless:off  expected rows stay one row per line
    @Test
    void eventsHoldEveryAcceptedEventOnceWithItsEnvelopeAndTheBodyAsReceived() {
        assertThat(stack.rows("SELECT event_id, event_type, object_id, object_type, group_id, action_id, response_id, from_user,"
                + " from_user_id, from_user_name, from_user_profile_pic, context, subscription_id FROM {db}.events_latest ORDER BY event_id"))
                .containsExactly(
                        row(OFD, "ActionResponse", PKG, "ActionPackage", G, ORDER_FORM, OFD, "+919845000103", "", "Ravi Menon", "", "", ""),
                        row(FABRIKAM, "ActionResponse", PKG, "ActionPackage", G, ORDER_FORM, FABRIKAM, "+919845000105", "", "Karthik Rao", KARTHIK_PIC, "", ""),
                        row(HYDERABAD, "ActionResponse", PKG, "ActionPackage", G, ORDER_FORM, HYDERABAD, "+919845000103", "", "Ravi Menon", "", "", ""),
                        row(ev(1), "MemberAdded", G, "Group", G, "", "", ANIL, ANIL_ID, "Anil Kumar", ANIL_PIC, CTX, ""),
                        row(ev(2), "MemberAdded", G, "Group", G, "", "", ANIL, ANIL_ID, "Anil Kumar", ANIL_PIC, CTX, ""),
                        row(ev(3), "MemberRemoved", G, "Group", G, "", "", ANIL, ANIL_ID, "Anil Kumar", ANIL_PIC, CTX, ""),
                        row(ev(4), "TextMessageCreated", G, "Group", G, "", "", ANIL, ANIL_ID, "Anil Kumar", ANIL_PIC, CTX, ""),
                        row(ev(5), "Announcement", G, "Group", G, "", "", ANIL, ANIL_ID, "Anil Kumar", ANIL_PIC, CTX, ""),
                        row(ev(6), "AttachmentCreated", G, "Group", G, "", "", "+919845000103", "0a1b2c3d-1111-4aaa-8bbb-000000000103", "Ravi Menon", "", CTX, ""),
                        row(ev(7), "ActionCreated", PKG, "ActionPackage", G, ORDER_FORM, "", ANIL, "", "Anil Kumar", ANIL_PIC, "", ""),
                        row(ev(8), "SurveyCreated", G, "Group", G, SURVEY, "", "+919845000102", "0a1b2c3d-1111-4aaa-8bbb-000000000102", "Priya Nair", "", CTX, ""),
                        row(ev(12), "SurveyResponse", G, "Group", G, SURVEY, ALL_TYPES, MEERA, MEERA_ID, "Meera Iyer", "", CTX, SUB),
                        row(ev(13), "SurveyResponse", G, "Group", G, SURVEY, ANONYMOUS, "", "", "", "", CTX, ""),
                        row(ev(14), "SurveyResponse", G, "Group", G, SURVEY, ALL_TYPES, MEERA, MEERA_ID, "Meera Iyer", "", CTX, SUB),
                        row(ev(15), "JobCreated", G, "Group", G, JOB, "", ANIL, ANIL_ID, "Anil Kumar", ANIL_PIC, CTX, ""),
                        row(ev(16), "JobResponse", G, "Group", G, JOB, "a9b8c7d6-e5f4-4a3b-8c2d-1e0f9a8b7c6d", "+919845000105", "0a1b2c3d-1111-4aaa-8bbb-000000000105", "Karthik Rao", KARTHIK_PIC, CTX, ""));

        Map<String, String> bodies = new TreeMap<>();
        SENT.stream().filter(d -> !d.file().startsWith("17-") && !d.file().startsWith("18-"))
                .forEach(d -> bodies.put(eventId(d.body()), d.body()));
        Map<String, String> stored = new TreeMap<>();
        for (String line : stack.rows("SELECT event_id, raw_json FROM {db}.events_latest")) {
            int cut = line.indexOf(" | ");
            stored.put(line.substring(0, cut), line.substring(cut + 3));
        }
        assertThat(stored).as("raw_json = the body exactly as posted").isEqualTo(bodies);
    }

    @Test
    void responsesHoldTheLatestVersionOfEachResponse() {
        assertThat(stack.rows("SELECT response_id, event_id, event_type, action_id, group_id, action_package_id, package_id, responder,"
                + " responder_id, responder_name, responder_profile_pic, is_anonymous, is_update, response_time_ms, version, answer_count"
                + " FROM {db}.responses_latest ORDER BY response_id"))
                .containsExactly(
                        row(OFD, OFD, "ActionResponse", ORDER_FORM, G, PKG, PKG, "+919845000103", "", "Ravi Menon", "", "0", "0", "NULL", ofdVersion, "5"),
                        row(FABRIKAM, FABRIKAM, "ActionResponse", ORDER_FORM, G, PKG, PKG, "+919845000105", "", "Karthik Rao", KARTHIK_PIC, "0", "0", "1795513200000", "1795513200000", "6"),
                        row(HYDERABAD, HYDERABAD, "ActionResponse", ORDER_FORM, G, PKG, PKG, "+919845000103", "", "Ravi Menon", "", "0", "0", "1795514730000", "1795514730000", "6"),
                        // the edit (14) outranks the original (12): 2^62 + its ResponseTime
                        row(ALL_TYPES, ev(14), "SurveyResponse", SURVEY, G, "", "", MEERA, MEERA_ID, "Meera Iyer", "", "0", "1", "1795535110000", ALL_TYPES_EDIT_VERSION, "13"),
                        // anonymous: 9 answered (a rejected "two" and an empty attachment list count; null and absent do not)
                        row(ANONYMOUS, ev(13), "SurveyResponse", SURVEY, G, "", "", "", "", "", "", "1", "0", "1795519365000", "1795519365000", "9"));
        assertThat(stack.rows("SELECT version, is_update, answer_count FROM {db}.responses FINAL WHERE response_id = '" + ALL_TYPES + "' ORDER BY version"))
                .as("both versions are stored; the view shows the latest").containsExactly("1795519200000 | 0 | 13", ALL_TYPES_EDIT_VERSION + " | 1 | 13");
    }

    @Test
    void optionAnswersKeepEachSelectionWithItsIndexAndOnlyTheEditedSelections() {
        assertThat(stack.rows("SELECT row_id, event_id, action_id, group_id, question_title, question_type, option_title, option_index,"
                + " selection_index FROM {db}.answers_option_latest ORDER BY row_id"))
                .containsExactly(
                        row(OFD + ":" + ofdVersion + ":1:0", OFD, ORDER_FORM, G, "Product", "SingleOption", "Surface Pro", "0", "0"),
                        row(FABRIKAM + ":1795513200000:1:0", FABRIKAM, ORDER_FORM, G, "Product", "SingleOption", "Surface Laptop", "1", "0"),
                        row(HYDERABAD + ":1795514730000:1:0", HYDERABAD, ORDER_FORM, G, "Product", "SingleOption", "Surface Pro", "0", "0"),
                        row(ALL_TYPES + ":" + ALL_TYPES_EDIT_VERSION + ":0:0", ev(14), SURVEY, G, "How satisfied is the store?", "SingleOption", "Very satisfied", "0", "0"),
                        row(ALL_TYPES + ":" + ALL_TYPES_EDIT_VERSION + ":1:0", ev(14), SURVEY, G, "Which products are on display?", "MultiOption", "Surface Pro", "0", "0"),
                        row(ANONYMOUS + ":1795519365000:0:0", ev(13), SURVEY, G, "How satisfied is the store?", "SingleOption", "Neutral", "2", "0"),
                        row(ANONYMOUS + ":1795519365000:1:0", ev(13), SURVEY, G, "Which products are on display?", "MultiOption", "Surface Laptop", "1", "0"));
        // the original's selections are stored but not counted: the edit dropped "Surface Go"
        assertThat(stack.rows("SELECT row_id, option_title FROM {db}.answers_option FINAL WHERE response_id = '" + ALL_TYPES
                + "' AND version = 1795519200000 ORDER BY row_id"))
                .containsExactly(row(ALL_TYPES + ":1795519200000:0:0", "Satisfied"), row(ALL_TYPES + ":1795519200000:1:0", "Surface Pro"),
                        row(ALL_TYPES + ":1795519200000:1:1", "Surface Go"));
    }

    @Test
    void numericLocationTextAndDateTimeAnswersAreTyped() {
        assertThat(stack.rows("SELECT row_id, event_id, question_title, question_type, value FROM {db}.answers_numeric_latest ORDER BY row_id"))
                .containsExactly(
                        row(OFD + ":" + ofdVersion + ":2:0", OFD, "Quantity", "Numeric", "2"),
                        row(OFD + ":" + ofdVersion + ":3:0", OFD, "Unit price", "Numeric", "999"),
                        row(FABRIKAM + ":1795513200000:2:0", FABRIKAM, "Quantity", "Numeric", "5"),
                        row(FABRIKAM + ":1795513200000:3:0", FABRIKAM, "Unit price", "Numeric", "1299"),
                        row(HYDERABAD + ":1795514730000:2:0", HYDERABAD, "Quantity", "Numeric", "3"),
                        row(HYDERABAD + ":1795514730000:3:0", HYDERABAD, "Unit price", "Numeric", "949.5"),
                        row(ALL_TYPES + ":" + ALL_TYPES_EDIT_VERSION + ":2:0", ev(14), "Demo units", "Numeric", "4"));
        assertThat(stack.rows("SELECT row_id, question_title, latitude, longitude, place_name, accuracy FROM {db}.answers_location_latest ORDER BY row_id"))
                .containsExactly(
                        row(FABRIKAM + ":1795513200000:4:0", "Location", "12.9716", "77.5946", "Fabrikam Stores, Indiranagar", "NULL"),
                        row(HYDERABAD + ":1795514730000:4:0", "Location", "17.385", "78.4867", "Fabrikam Stores, Banjara Hills", "15"),
                        row(ALL_TYPES + ":" + ALL_TYPES_EDIT_VERSION + ":3:0", "Store location", "12.9352", "77.6245", "Koramangala", "8.5"));
        assertThat(stack.rows("SELECT row_id, question_title, question_type, text FROM {db}.answers_text_latest ORDER BY row_id"))
                .containsExactly(
                        row(OFD + ":" + ofdVersion + ":0:0", "Retailer", "Text", "Contoso Mart"),
                        row(FABRIKAM + ":1795513200000:0:0", "Retailer", "Text", "Fabrikam Stores"),
                        row(HYDERABAD + ":1795514730000:0:0", "Retailer", "Text", "Fabrikam Stores"),
                        row(ALL_TYPES + ":" + ALL_TYPES_EDIT_VERSION + ":4:0", "Comments", "Text", "Surface Go demo unit delivered, shelf complete"),
                        row(ALL_TYPES + ":" + ALL_TYPES_EDIT_VERSION + ":5:0", "Detailed feedback", "LargeText", "Footfall is high on weekends. Staff "
                                + "asked for more training on pen and keyboard accessories, and for a second demo table near the entrance."),
                        row(ANONYMOUS + ":1795519365000:4:0", "Comments", "Text", "Prices not updated yet"));
        assertThat(stack.rows("SELECT row_id, question_title, question_type, value_ms, value_at FROM {db}.answers_datetime_latest ORDER BY row_id"))
                .containsExactly(
                        row(FABRIKAM + ":1795513200000:5:0", "ResponseTime", "DateTime", "1795513200000", "2026-11-24 09:40:00"),
                        row(HYDERABAD + ":1795514730000:5:0", "ResponseTime", "DateTime", "1795514730000", "2026-11-24 10:05:30"),
                        row(ALL_TYPES + ":" + ALL_TYPES_EDIT_VERSION + ":12:0", "ResponseTime", "DateTime", "1795535110000", "2026-11-24 15:45:10"),
                        row(ALL_TYPES + ":" + ALL_TYPES_EDIT_VERSION + ":6:0", "Visit time", "DateTime", "1795511700000", "2026-11-24 09:15:00"),
                        // Date sent as a digit string in the edit
                        row(ALL_TYPES + ":" + ALL_TYPES_EDIT_VERSION + ":7:0", "Next delivery date", "Date", "1795392000000", "2026-11-23 00:00:00"),
                        row(ANONYMOUS + ":1795519365000:12:0", "ResponseTime", "DateTime", "1795519365000", "2026-11-24 11:22:45"),
                        row(ANONYMOUS + ":1795519365000:6:0", "Visit time", "DateTime", "1795514400000", "2026-11-24 10:00:00"));
    }

    @Test
    void mediaAndUntypedAnswersAreKeptAndBadValuesBecomeRejects() {
        assertThat(stack.rows("SELECT row_id, question_title, question_type, media_index, media_url, media_file_name"
                + " FROM {db}.answers_media_latest ORDER BY row_id"))
                .containsExactly(
                        row(ALL_TYPES + ":" + ALL_TYPES_EDIT_VERSION + ":8:0", "Shelf photo", "Image", "0",
                                "https://kaizalablob.example.invalid/media/koramangala-shelf-2.jpg", "koramangala-shelf-2.jpg"),
                        row(ALL_TYPES + ":" + ALL_TYPES_EDIT_VERSION + ":9:0", "Documents", "AttachmentList", "0",
                                "https://kaizalablob.example.invalid/media/stock-count.xlsx?sv=2017-04-17&amp;sig=YWJj", "stock-count.xlsx"),
                        row(ANONYMOUS + ":1795519365000:8:0", "Shelf photo", "Image", "0", "b3f1c2d4-media-token", ""));
        assertThat(stack.rows("SELECT row_id, question_title, question_type, answer_json FROM {db}.answers_other_latest ORDER BY row_id"))
                .containsExactly(
                        row(ALL_TYPES + ":" + ALL_TYPES_EDIT_VERSION + ":10:0", "Store contact", "PhoneNumber", "{\"countryPhoneCode\":91,\"phoneNumber\":\"8040001234\"}"),
                        row(ALL_TYPES + ":" + ALL_TYPES_EDIT_VERSION + ":11:0", "Store code", "SingleSelectExternal", "\"BLR-042\""),
                        row(ANONYMOUS + ":1795519365000:11:0", "Store code", "SingleSelectExternal", "\"HYD-007\""));
        assertThat(stack.rows("SELECT row_id, question_title, question_type, answer_json, reason, detail FROM {db}.answer_rejects_latest ORDER BY row_id"))
                .containsExactly(
                        // Kaizala's OrderFormDemo sample has latitude 99.12: outside WGS84, so rejected; the rest of it loaded
                        row(OFD + ":" + ofdVersion + ":4:0", "Location", "Location", "{\"lt\":99.1234567,\"lg\":17.4567891,\"n\":\"Contoso Mart, MG Road\"}",
                                "latitude_out_of_range", "latitude 99.1234567 is outside [-90, 90]"),
                        row(ANONYMOUS + ":1795519365000:2:0", "Demo units", "Numeric", "\"two\"", "not_a_number", "expected a JSON number, got string"));
    }

    @Test
    void messagesJobsMembershipsAndActionDefinitionsAreFacts() {
        assertThat(stack.rows("SELECT row_id, event_type, group_id, from_user, from_user_name, text, title, caption, action_type, media_urls,"
                + " media_file_names FROM {db}.messages_latest ORDER BY row_id"))
                .containsExactly(
                        row(ev(4), "TextMessageCreated", G, ANIL, "Anil Kumar", "Team, please submit today's orders with the Order Form before 6 pm. Thanks!",
                                "", "", "", "[]", "[]"),
                        row(ev(5), "Announcement", G, ANIL, "Anil Kumar", "Prices for the Surface range change on 1 December. The new list is attached.",
                                "New price list", "", "", "[https://kaizala.example.invalid/media/price-list-dec.pdf]", "[price-list-dec.pdf]"),
                        row(ev(6), "AttachmentCreated", G, "+919845000103", "Ravi Menon", "", "", "Display shelf at MG Road after restocking", "Image",
                                "[https://kaizalablob.example.invalid/media/shelf-mg-road.jpg?sv=2017-04-17&amp;sr=b&amp;sig=c2lnbmF0dXJl]", "[shelf-mg-road.jpg]"));
        assertThat(stack.rows("SELECT row_id, event_type, action_id, group_id, title, text, due_date_ms, assigned_to, response_id, assignee,"
                + " assignee_name, is_completed FROM {db}.jobs_latest ORDER BY row_id"))
                .containsExactly(
                        row(ev(15), "JobCreated", JOB, G, "Restock Surface Go demo unit at Koramangala", "Take one demo unit from the Indiranagar store room.",
                                "1795694400000", "[+919845000103, +919845000105]", "", "", "", "NULL"),
                        row(ev(16), "JobResponse", JOB, G, "", "", "NULL", "[]", "a9b8c7d6-e5f4-4a3b-8c2d-1e0f9a8b7c6d", "++919845000105", "Karthik Rao", "1"));
        assertThat(stack.rows("SELECT row_id, event_type, group_id, member, member_id, member_name, role, from_user FROM {db}.memberships_latest ORDER BY row_id"))
                .containsExactly(
                        row(ev(1), "MemberAdded", G, "+919845000102", "0a1b2c3d-1111-4aaa-8bbb-000000000102", "Priya Nair", "Admin", ANIL),
                        row(ev(2), "MemberAdded", G, "+919845000105", "", "Karthik Rao", "Member", ANIL),
                        row(ev(3), "MemberRemoved", G, "+919845000106", "", "Sunil Das", "Member", ANIL));
        List<String> surveyOptions = List.of("[Very satisfied, Satisfied, Neutral, Unsatisfied]", "[Surface Pro, Surface Laptop, Surface Go, Surface Hub]");
        assertThat(stack.rows("SELECT row_id, event_type, action_id, group_id, action_package_id, question_index, question_title, question_type,"
                + " options, is_invisible FROM {db}.action_definitions_latest ORDER BY event_id, question_index"))
                .containsExactly(
                        row(ev(7) + ":0", "ActionCreated", ORDER_FORM, G, PKG, "0", "Retailer", "Text", "[]", "0"),
                        row(ev(7) + ":1", "ActionCreated", ORDER_FORM, G, PKG, "1", "Product", "SingleOption", "[Surface Pro, Surface Laptop, Surface Go]", "0"),
                        row(ev(7) + ":2", "ActionCreated", ORDER_FORM, G, PKG, "2", "Quantity", "Numeric", "[]", "0"),
                        row(ev(7) + ":3", "ActionCreated", ORDER_FORM, G, PKG, "3", "Unit price", "Numeric", "[]", "0"),
                        row(ev(7) + ":4", "ActionCreated", ORDER_FORM, G, PKG, "4", "Location", "Location", "[]", "0"),
                        row(ev(8) + ":0", "SurveyCreated", SURVEY, G, "", "0", "How satisfied is the store?", "SingleOption", surveyOptions.get(0), "0"),
                        row(ev(8) + ":1", "SurveyCreated", SURVEY, G, "", "1", "Which products are on display?", "MultiOption", surveyOptions.get(1), "0"),
                        row(ev(8) + ":2", "SurveyCreated", SURVEY, G, "", "2", "Demo units", "Numeric", "[]", "0"),
                        row(ev(8) + ":3", "SurveyCreated", SURVEY, G, "", "3", "Store location", "Location", "[]", "0"),
                        row(ev(8) + ":4", "SurveyCreated", SURVEY, G, "", "4", "Comments", "Text", "[]", "0"),
                        row(ev(8) + ":5", "SurveyCreated", SURVEY, G, "", "5", "Detailed feedback", "LargeText", "[]", "0"),
                        row(ev(8) + ":6", "SurveyCreated", SURVEY, G, "", "6", "Visit time", "DateTime", "[]", "0"),
                        row(ev(8) + ":7", "SurveyCreated", SURVEY, G, "", "7", "Next delivery date", "Date", "[]", "0"),
                        row(ev(8) + ":8", "SurveyCreated", SURVEY, G, "", "8", "Shelf photo", "Image", "[]", "0"),
                        row(ev(8) + ":9", "SurveyCreated", SURVEY, G, "", "9", "Documents", "AttachmentList", "[]", "0"),
                        row(ev(8) + ":10", "SurveyCreated", SURVEY, G, "", "10", "Store contact", "PhoneNumber", "[]", "0"),
                        row(ev(8) + ":11", "SurveyCreated", SURVEY, G, "", "11", "Store code", "SingleSelectExternal", "[]", "0"),
                        row(ev(8) + ":12", "SurveyCreated", SURVEY, G, "", "12", "ResponseTime", "DateTime", "[]", "1"));
    }
    // spotless:on

    @Test
    void theDuplicateDeliveryIsStoredOnce() {
        assertThat(SENT.stream().filter(d -> d.file().startsWith("10-")).count())
                .as("deliveries.txt lists the Fabrikam order twice")
                .isEqualTo(2);
        assertThat(ANSWERS.stream().filter(a -> a.body().contains(FABRIKAM)).count()).as("both answered as accepted")
                .isEqualTo(2);
        assertThat(stack.rows("SELECT count() FROM {db}.events_latest WHERE event_id = '" + FABRIKAM + "'"))
                .containsExactly("1");
        assertThat(stack.rows("SELECT count() FROM {db}.answers_numeric_latest WHERE response_id = '" + FABRIKAM + "'"))
                .containsExactly("2");
    }

    @Test
    void theTruncatedBodyAndTheResponseWithoutResponseIdAreDeadLettersWithTheirReasonAndExactPayload() {
        Delivery truncated = answerOf("17-");
        Delivery noResponseId = answerOf("18-");
        String truncatedBody = DemoDeliveries.body("17-malformed-truncated.json");
        String noResponseIdBody = DemoDeliveries.body("18-response-without-response-id.json");
        assertThat(stack.rows(
                "SELECT stage, reason, detail, source_topic, kafka_key, request_id, content_type, payload_size, payload_base64"
                        + " FROM {db}.dead_letters_latest ORDER BY stage"))
                .containsExactly(
                        row("gateway", "truncated_json",
                                "body ends before the JSON value is complete: Unexpected end-of-input in VALUE_STRING",
                                stack.topic(TopicId.DLQ_GATEWAY), truncated.requestId(), truncated.requestId(),
                                "application/json",
                                Integer.toString(truncatedBody.getBytes(StandardCharsets.UTF_8).length), ""),
                        row("processor", "missing_response_id", "ActionResponse without data.responseId",
                                stack.topic(TopicId.RAW), "e7a1c3f0-0018-4d2b-9c4e-5f6a7b8c9d18",
                                noResponseId.requestId(), "application/json",
                                Integer.toString(noResponseIdBody.getBytes(StandardCharsets.UTF_8).length), ""));
        assertThat(stack.rows("SELECT payload FROM {db}.dead_letters_latest ORDER BY stage"))
                .as("payloads byte for byte")
                .containsExactly(truncatedBody, noResponseIdBody);
        assertThat(stack
                .rows("SELECT count() FROM {db}.events_latest WHERE event_id = 'e7a1c3f0-0018-4d2b-9c4e-5f6a7b8c9d18'"))
                .as("nothing of the refused event")
                .containsExactly("0");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static Delivery answerOf(String filePrefix) {
        for (int i = 0; i < SENT.size(); i++) {
            if (SENT.get(i).file().startsWith(filePrefix)) {
                return ANSWERS.get(i);
            }
        }
        throw new AssertionError("no delivery " + filePrefix);
    }

    /** Event ids of the demo files 01–18 follow one pattern. */
    private static String ev(int n) {
        return String.format("e7a1c3f0-%04d-4d2b-9c4e-5f6a7b8c9d%02d", n, n);
    }

    private static String eventId(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node.get("eventId").asText();
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }
}
