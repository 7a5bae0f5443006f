package io.kzpipe.puller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kzpipe.puller.api.FakeServer.Reply;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApiClientTest {

    private static final String SECRET = "app-secret-0123456789";
    private static final String REFRESH = "refresh-0123456789abcdef";

    private FakeServer server;
    private SimpleMeterRegistry registry;
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final List<TokenState> changes = new CopyOnWriteArrayList<>();
    private final AtomicInteger tokens = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        server = new FakeServer();
        registry = new SimpleMeterRegistry();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ApiClient client(int callsPerMinute) {
        ApiSettings settings = new ApiSettings(URI.create(server.url()), "app-id", SECRET, REFRESH, callsPerMinute,
                Duration.ofSeconds(5));
        ApiClient c = new ApiClient(settings, TokenState.resolve(REFRESH, null), new ApiMetrics(registry),
                HttpClient.newHttpClient(), new CallLimiter(callsPerMinute, Duration.ofSeconds(60)),
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 3), Clock.systemUTC(), sleeps::add);
        c.onTokenChange(changes::add);
        return c;
    }

    /** A token answer: a new access token each time, the data endpoint under /ep/a, valid for an hour. */
    private Reply token(String endpoint, String rotated) {
        return Reply.json("{\"accessToken\":\"at-" + tokens.incrementAndGet() + "\",\"endpointUrl\":\"" + server.url()
                + endpoint + "\",\"accessTokenExpiry\":" + (System.currentTimeMillis() + 3_600_000)
                + ",\"refreshToken\":" + (rotated == null ? "null" : "\"" + rotated + "\"") + ",\"scope\":\"x\"}");
    }

    private double count(String name, String... tags) {
        var search = registry.find(name).tags(tags);
        return search.counter() == null ? 0 : search.counter().count();
    }

    @Test
    void theAccessTokenIsFetchedOnceWithTheCredentialsAndSentOnEveryDataCall() throws Exception {
        server.handler = s -> s.uri().equals("/v1/accessToken") ? token("/ep/a", null) : Reply.json("{\"ok\":1}");
        ApiClient c = client(100);

        assertThat(c.call("actions", "GET", "/v1/groups/g/actions", null).path("ok").asInt()).isEqualTo(1);
        c.call("actions", "GET", "/v1/groups/g/actions", null);

        assertThat(server.count("/v1/accessToken")).isEqualTo(1);
        FakeServer.Seen tokenCall = server.seen.get(0);
        assertThat(tokenCall.refreshToken()).isEqualTo(REFRESH);
        assertThat(tokenCall.secret()).isEqualTo(SECRET);
        assertThat(server.seen.subList(1, 3))
                .allSatisfy(s -> assertThat(s.uri()).isEqualTo("/ep/a/v1/groups/g/actions"))
                .allSatisfy(s -> assertThat(s.accessToken()).isEqualTo("at-1"));
        assertThat(count("kz.puller.token.refreshes")).isEqualTo(1);
        assertThat(count("kz.puller.calls", "endpoint", "actions", "status", "200")).isEqualTo(2);
        assertThat(c.reachable()).isTrue();
        assertThat(changes).singleElement().extracting(TokenState::endpointUrl).isEqualTo(server.url() + "/ep/a");
    }

    @Test
    void aDataCallAnswered401FetchesANewTokenOnceAndAgainItFails() throws Exception {
        List<String> accepted = new ArrayList<>(List.of("at-2"));
        server.handler = s -> s.uri().equals("/v1/accessToken")
                ? token("/ep/a", null)
                : accepted.contains(s.accessToken()) ? Reply.json("{}") : Reply.status(401);
        ApiClient c = client(100);

        c.call("actions", "GET", "/v1/x", null); // at-1 refused, at-2 accepted
        accepted.clear();

        assertThatThrownBy(() -> c.call("actions", "GET", "/v1/x", null)).isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).unauthorized()).isTrue());
        assertThat(server.count("/v1/accessToken")).isEqualTo(3);
    }

    @Test
    void a308MoveIsFollowedAndTheNewEndpointKept() throws Exception {
        server.handler = s -> {
            if (s.uri().equals("/v1/accessToken")) {
                return token("/ep/a", null);
            }
            if (s.uri().startsWith("/ep/a/")) {
                return new Reply(308, Map.of("Location", server.url() + s.uri().replace("/ep/a/", "/ep/b/")), "");
            }
            return Reply.json("{\"at\":\"b\"}");
        };
        ApiClient c = client(100);

        assertThat(c.call("actions", "GET", "/v1/groups/g/actions?count=3", null).path("at").asText()).isEqualTo("b");
        c.call("actions", "GET", "/v1/groups/g/actions?count=3", null);

        assertThat(server.seen).extracting(FakeServer.Seen::uri)
                .containsExactly("/v1/accessToken", "/ep/a/v1/groups/g/actions?count=3",
                        "/ep/b/v1/groups/g/actions?count=3", "/ep/b/v1/groups/g/actions?count=3");
        assertThat(c.tokenState().endpointUrl()).isEqualTo(server.url() + "/ep/b");
        assertThat(changes).last().extracting(TokenState::endpointUrl).isEqualTo(server.url() + "/ep/b");
        assertThat(ApiClient.endpointOf("https://new.example/v1/x?y=1", "/v1/x?y=1")).isEqualTo("https://new.example");
        assertThat(ApiClient.endpointOf("https://new.example/root/v1/z", "/v1/x"))
                .isEqualTo("https://new.example/root");
    }

    @Test
    void a429PausesForRetryAfterAndCountsTheWait() throws Exception {
        AtomicInteger throttled = new AtomicInteger();
        server.handler = s -> {
            if (s.uri().equals("/v1/accessToken")) {
                return token("/ep/a", null);
            }
            return throttled.getAndIncrement() == 0 ? new Reply(429, Map.of("Retry-After", "1"), "") : Reply.json("{}");
        };
        ApiClient c = client(100);
        c.accessToken();
        long begin = System.nanoTime();

        c.call("actions", "GET", "/v1/x", null);

        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(count("kz.puller.calls", "endpoint", "actions", "status", "429")).isEqualTo(1);
        assertThat(count("kz.puller.throttled.waits")).isEqualTo(1);
        assertThat(count("kz.puller.throttled.wait.seconds")).isGreaterThan(0.8);
        assertThat(sleeps).as("a 429 is no failure: no backoff").isEmpty();
    }

    @Test
    void serverErrorsAreRetriedWithBackoffAndFailAfterTheLastAttempt() throws Exception {
        AtomicInteger failures = new AtomicInteger();
        server.handler = s -> s.uri().equals("/v1/accessToken")
                ? token("/ep/a", null)
                : failures.getAndIncrement() < 2 ? Reply.status(503) : Reply.json("{}");
        ApiClient c = client(100);

        c.call("actions", "GET", "/v1/x", null);

        assertThat(sleeps).hasSize(2);
        assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        assertThat(sleeps.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));

        server.handler = s -> Reply.status(500);
        assertThatThrownBy(() -> c.call("actions", "GET", "/v1/x", null)).isInstanceOf(ApiException.class)
                .hasMessageContaining("failed 3 times");
        assertThat(c.reachable()).isFalse();
    }

    @Test
    void aRotatedRefreshTokenIsKeptAndUsedForTheNextTokenCall() throws Exception {
        server.handler = s -> s.uri().equals("/v1/accessToken")
                ? token("/ep/a", REFRESH.equals(s.refreshToken()) ? "rotated-0123456789abcdef" : null)
                : s.accessToken().equals("at-1") ? Reply.status(401) : Reply.json("{}");
        ApiClient c = client(100);

        c.call("actions", "GET", "/v1/x", null);

        assertThat(c.tokenState().refreshToken()).isEqualTo("rotated-0123456789abcdef");
        assertThat(c.tokenState().configuredHash()).isEqualTo(TokenState.hash(REFRESH));
        assertThat(changes).last().extracting(TokenState::refreshToken).isEqualTo("rotated-0123456789abcdef");
        assertThat(server.seen.stream().filter(s -> s.uri().equals("/v1/accessToken")))
                .extracting(FakeServer.Seen::refreshToken)
                .containsExactly(REFRESH, "rotated-0123456789abcdef");
    }

    @Test
    void refusedCredentialsFailWithAMessageThatHoldsNoSecret() {
        server.handler = s -> Reply.status(401);
        ApiClient c = client(100);

        assertThatThrownBy(c::accessToken).isInstanceOf(ApiException.class)
                .hasMessageContaining("refr****")
                .hasMessageNotContaining(REFRESH)
                .hasMessageNotContaining(SECRET);
        assertThat(c.reachable()).isFalse();
    }

    private java.net.http.HttpResponse<Void> answer(Map<String, String> headers) throws Exception {
        server.handler = s -> new Reply(429, headers, "");
        return HttpClient.newHttpClient()
                .send(java.net.http.HttpRequest.newBuilder(URI.create(server.url())).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding());
    }

    @Test
    void retryAfterAsAnHttpDateOrGarbageIsReadSafely() throws Exception {
        ApiClient c = client(100);

        assertThat(c.retryAfter(answer(Map.of("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"))))
                .isEqualTo(Duration.ZERO);
        assertThat(c.retryAfter(answer(Map.of("Retry-After", "soon")))).isEqualTo(ApiClient.DEFAULT_RETRY_AFTER);
        assertThat(c.retryAfter(answer(Map.of("Retry-After", "99999")))).isEqualTo(ApiClient.MAX_RETRY_AFTER);
        assertThat(c.retryAfter(answer(Map.of()))).isEqualTo(ApiClient.DEFAULT_RETRY_AFTER);
    }
}
