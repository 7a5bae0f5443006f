package io.kzpipe.processor.topology;

import static io.kzpipe.processor.topology.TopologyHarness.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.model.record.EventRecord;
import io.kzpipe.model.record.JobRecord;
import io.kzpipe.model.record.MembershipRecord;
import io.kzpipe.model.record.MessageRecord;
import io.kzpipe.model.record.ResponseRecord;
import io.kzpipe.model.topic.TopicId;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class PiiHashingTest {

    private static final String SECRET = "test-secret-0123456789";
    private static final Map<String, String> ON = Map.of("PII_HASH_SECRET", SECRET);

    /** Independent reference implementation of the documented format. */
    static String expected(String number) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "hmac:" + HexFormat.of().formatHex(mac.doFinal(number.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void withASecretEveryPhoneNumberIsReplacedByItsKeyedHash() throws Exception {
        try (TopologyHarness h = new TopologyHarness(ON)) {
            h.pipe("r1", fixture("action-response-all-types.json"));
            h.pipe("j1", fixture("job-created.json"));
            h.pipe("j2", fixture("job-response.json"));
            h.pipe("m1", fixture("member-added.json"));
            h.pipe("t1", fixture("text-message.json"));

            String asha = expected("+919900000001");
            assertThat(h.typed(TopicId.RESPONSES, ResponseRecord.class).get(0).responder()).isEqualTo(asha);
            var events = h.typed(TopicId.EVENTS, EventRecord.class);
            assertThat(events.get(0).fromUser()).isEqualTo(asha);
            for (EventRecord e : events) {
                assertThat(e.rawJson()).doesNotContain("+9199").doesNotContain("+1555");
                JsonNode raw = TopologyHarness.tree(e.rawJson().getBytes(StandardCharsets.UTF_8));
                assertThat(raw.get("fromUser").textValue()).startsWith("hmac:");
            }
            var jobs = h.typed(TopicId.JOBS, JobRecord.class);
            assertThat(jobs.get(0).assignedTo()).containsExactly(expected("+919900000004"), expected("+919900000005"));
            assertThat(jobs.get(1).assignee()).as("'++' collapsed before hashing").isEqualTo(expected("+919900000004"));
            MembershipRecord m = h.typed(TopicId.MEMBERSHIPS, MembershipRecord.class).get(0);
            assertThat(m.member()).isEqualTo(expected("+919900000006"));
            assertThat(m.fromUser()).isEqualTo(expected("+919900000003"));
            assertThat(h.typed(TopicId.MESSAGES, MessageRecord.class).get(0).fromUser()).isEqualTo(asha);
            assertThat(m.memberName()).as("names are not hashed").isEqualTo("New Hire");
        }
    }

    @Test
    void emptyNumbersStayEmptySoAnonymousResponsesDoNotCollapseIntoOnePerson() {
        try (TopologyHarness h = new TopologyHarness(ON)) {
            h.pipe("r2", fixture("survey-response-edit.json"));

            assertThat(h.typed(TopicId.RESPONSES, ResponseRecord.class).get(0).responder()).isEmpty();
        }
    }

    @Test
    void withoutASecretNumbersAreKeptAsSent() {
        try (TopologyHarness h = new TopologyHarness()) {
            h.pipe("j2", fixture("job-response.json"));

            assertThat(h.typed(TopicId.JOBS, JobRecord.class).get(0).assignee()).isEqualTo("++919900000004");
            assertThat(h.typed(TopicId.EVENTS, EventRecord.class).get(0).fromUser()).isEqualTo("+919900000004");
        }
    }

    @Test
    void theSameNumberHashesTheSameAndADifferentSecretHashesDifferently() {
        PiiHasher a = new PiiHasher(SECRET);
        PiiHasher b = new PiiHasher(SECRET + "x");
        assertThat(a.hash("+15550001")).isEqualTo(a.hash(" ++15550001 ")).hasSize(5 + 64);
        assertThat(a.hash("+15550001")).isNotEqualTo(b.hash("+15550001")).isNotEqualTo(a.hash("+15550002"));
        assertThat(a.hash("")).isEmpty();
        assertThat(a.hash(a.hash("+15550001"))).as("idempotent").isEqualTo(a.hash("+15550001"));
    }
}
