package io.kzpipe.kaizaladouble;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ActionsTest {

    private static final String GROUP = "g-actions";
    private static final String PACKAGE_GROUP = "g-package";
    private static final String PACKAGE = "com.contoso.storevisit";
    private static final Instant FROM = Instant.parse("2025-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2025-12-31T00:00:00Z");
    private static final GroupSeed SEED = GroupSeed.of(GROUP, 200, 50, FROM, TO, 42);

    private static KaizalaDouble d;
    private static Client client;
    private static String token;

    @BeforeAll
    static void start() {
        d = KaizalaDouble.start(DoubleSettings.defaults().withCallsPerMinute(0));
        d.seed(SEED);
        d.seed(GroupSeed.of(PACKAGE_GROUP, 4, 3, FROM, TO, 5).withPackageId(PACKAGE));
        d.seed(GroupSeed.of(PACKAGE_GROUP, 2, 1, FROM, TO, 6).withActionType("Poll"));
        client = new Client(d);
        token = client.accessToken();
    }

    @AfterAll
    static void stop() {
        d.close();
    }

    @Test
    void pagesByInclusiveFromDateOverlapOnTheBoundaryInstantAndEndWithHasMoreFalse() {
        Set<String> unique = new LinkedHashSet<>();
        List<String> fetched = new ArrayList<>();
        long from = 0;
        int pages = 0;
        boolean more = true;
        while (more) {
            JsonNode page = client
                    .get("/v1/groups/" + GROUP + "/actions?actionType=Survey&count=30&fromDate=" + from, token)
                    .json();
            pages++;
            long previous = from;
            for (JsonNode a : page.get("actions")) {
                long t = timeSeconds(a);
                assertThat(t).isGreaterThanOrEqualTo(previous); // ascending, none before fromDate
                previous = t;
                fetched.add(a.get("actionBody").get("actionId").asText());
                unique.add(a.get("actionBody").get("actionId").asText());
            }
            from = previous;
            more = page.get("hasMore").asBoolean();
            assertThat(pages).isLessThan(50);
        }

        assertThat(unique).containsExactlyElementsOf(d.actionIds(GROUP)).hasSize(200);
        assertThat(fetched.size()).isGreaterThan(unique.size()); // the boundary actions came twice
        assertThat(d.responseCount(GROUP)).isEqualTo(10_000);
    }

    @Test
    void fromDateIncludesActionsAtThatInstantInSecondsOrMillis() {
        JsonNode first = client.get("/v1/groups/" + GROUP + "/actions?actionType=Survey&count=5", token)
                .json()
                .get("actions");
        // every fifth action shares its predecessor's instant: actions 4 and 5 (index 3 and 4)
        long shared = timeSeconds(first.get(4));
        assertThat(timeSeconds(first.get(3))).isEqualTo(shared);

        JsonNode bySeconds = client
                .get("/v1/groups/" + GROUP + "/actions?actionType=Survey&count=2&fromDate=" + shared, token)
                .json();
        JsonNode byMillis = client
                .get("/v1/groups/" + GROUP + "/actions?actionType=Survey&count=2&fromDate=" + shared * 1000, token)
                .json();

        assertThat(bySeconds.get("actions").get(0)).isEqualTo(first.get(3));
        assertThat(bySeconds.get("actions").get(1)).isEqualTo(first.get(4));
        assertThat(byMillis).isEqualTo(bySeconds);
        assertThat(bySeconds.get("hasMore").asBoolean()).isTrue();
    }

    @Test
    void actionsCarryEitherIsoSentAtOrEpochSecondsCreationTime() {
        JsonNode actions = client.get("/v1/groups/" + GROUP + "/actions?count=4", token).json().get("actions");
        JsonNode iso = actions.get(0);
        JsonNode epoch = actions.get(1);
        assertThat(iso.get("sentAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(iso.has("creationTime")).isFalse();
        assertThat(epoch.get("creationTime").isIntegralNumber()).isTrue();
        assertThat(epoch.get("creationTime").asText()).hasSize(10);
        assertThat(epoch.has("sentAt")).isFalse();
        assertThat(iso.get("actionType").asText()).isEqualTo("Survey");
        assertThat(iso.get("actionBody").get("responseCount").asInt()).isEqualTo(50);
        assertThat(iso.get("actionBody").get("expiryDate").asText()).endsWith("Z");
    }

    @Test
    void getDetailsReturnsEveryResponseWithTypedAnswersAndVaryingTimeFormats() {
        String actionId = d.actionIds(GROUP).get(7);
        JsonNode detail = client.get("/v1/groups/" + GROUP + "/actions/" + actionId + "?getDetails=true", token).json();

        JsonNode responses = detail.get("actionDetails").get("responses");
        assertThat(responses).hasSize(50);
        assertThat(detail.get("sentAt").asText()).endsWith("Z");
        Set<String> formats = new HashSet<>();
        Set<String> types = new HashSet<>();
        for (JsonNode r : responses) {
            JsonNode time = r.get("responseTime");
            formats.add(time.isTextual() ? "iso" : time.asLong() > 100_000_000_000L ? "ms" : "s");
            JsonNode last = r.get("responseWithQuestions").get(6);
            assertThat(last.get("title").asText()).isEqualTo("ResponseTime");
            assertThat(last.get("isInvisible").asBoolean()).isTrue();
            assertThat(Instant.ofEpochMilli(last.get("answer").asLong())).isEqualTo(instant(time));
            r.get("responseWithQuestions").forEach(q -> types.add(q.get("type").asText()));
            assertThat(r.get("isUpdateResponse").asBoolean()).isFalse();
        }
        assertThat(formats).containsExactlyInAnyOrder("iso", "ms", "s");
        assertThat(types).containsExactlyInAnyOrder("SingleOption", "MultiOption", "Numeric", "Text", "Location",
                "DateTime");
        assertThat(client.get("/v1/groups/" + GROUP + "/actions/" + actionId, token)
                .json()
                .get("actionDetails")
                .has("responses")).isFalse();
        assertThat(client.get("/v1/groups/" + GROUP + "/actions/no-such-action?getDetails=true", token).status())
                .isEqualTo(404);
    }

    @Test
    void theSameSeedGivesTheSameData() {
        try (KaizalaDouble other = KaizalaDouble.start(DoubleSettings.defaults())) {
            other.seed(SEED);
            Client otherClient = new Client(other);
            String path = "/v1/groups/" + GROUP + "/actions/" + d.actionIds(GROUP).get(3) + "?getDetails=true";
            assertThat(otherClient.get(path, otherClient.accessToken()).json())
                    .isEqualTo(client.get(path, token).json());
            assertThat(other.actionIds(GROUP)).isEqualTo(d.actionIds(GROUP));
        }
    }

    @Test
    void thePackageQueryReturnsOnlyThatPackagesInstancesWithTheirResponses() {
        JsonNode page = client
                .get("/v1/groups/" + PACKAGE_GROUP + "/actions?Id=" + PACKAGE + "&getDetails=true&GroupScope=true",
                        token)
                .json();

        assertThat(page.get("actions")).hasSize(4);
        for (JsonNode a : page.get("actions")) {
            assertThat(a.get("packageId").asText()).isEqualTo(PACKAGE);
            assertThat(a.get("actionBody").get("questions")).hasSize(7);
            assertThat(a.get("actionBody").get("responses")).hasSize(3);
        }
        assertThat(client.get("/v1/groups/" + PACKAGE_GROUP + "/actions?actionType=Poll", token).json().get("actions"))
                .hasSize(2);
    }

    private static long timeSeconds(JsonNode action) {
        return action.has("sentAt")
                ? Instant.parse(action.get("sentAt").asText()).getEpochSecond()
                : action.get("creationTime").asLong();
    }

    private static Instant instant(JsonNode time) {
        if (time.isTextual()) {
            return Instant.parse(time.asText());
        }
        long n = time.asLong();
        return n > 100_000_000_000L ? Instant.ofEpochMilli(n) : Instant.ofEpochSecond(n);
    }
}
