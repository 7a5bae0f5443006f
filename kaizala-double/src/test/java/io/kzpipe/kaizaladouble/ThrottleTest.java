package io.kzpipe.kaizaladouble;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ThrottleTest {

    private static final String GROUP = "g-throttle";
    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

    private final TestClock clock = new TestClock(T0);
    private KaizalaDouble d;
    private Client client;

    @BeforeEach
    void start() {
        d = KaizalaDouble.start(DoubleSettings.defaults().withCallsPerMinute(5).withClock(clock));
        d.seed(GroupSeed.of(GROUP, 1, 1, T0.minusSeconds(3600), T0.minusSeconds(3600), 1));
        client = new Client(d);
    }

    @AfterEach
    void stop() {
        d.close();
    }

    @Test
    void beyondTheBudgetIn60SecondsCallsAre429WithRetryAfterUntilTheOldestCallLeavesTheWindow() {
        String token = client.accessToken(); // call 1 at T0
        clock.advance(Duration.ofSeconds(20));
        for (int i = 0; i < 4; i++) {
            assertThat(client.get("/v1/groups/" + GROUP + "/actions", token).status()).isEqualTo(200);
        }

        Client.Answer refused = client.get("/v1/groups/" + GROUP + "/actions", token);

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isEqualTo("40");
        assertThat(d.maxCallsInAnyMinute()).isEqualTo(6);
        assertThat(d.calls()).extracting(Call::status).containsExactly(200, 200, 200, 200, 200, 429);

        clock.advance(Duration.ofSeconds(40));
        assertThat(client.get("/v1/groups/" + GROUP + "/actions", token).status()).isEqualTo(200);
        assertThat(client.get("/v1/groups/" + GROUP + "/actions", token).status()).isEqualTo(429);
    }

    @Test
    void aForcedThrottleRefusesEveryCallForItsDuration() {
        String token = client.accessToken();
        d.throttleFor(Duration.ofSeconds(3));

        Client.Answer refused = client.get("/v1/groups/" + GROUP + "/actions", token);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isEqualTo("3");
        assertThat(client.token(DoubleSettings.DEMO_APPLICATION_ID, DoubleSettings.DEMO_APPLICATION_SECRET,
                DoubleSettings.DEMO_REFRESH_TOKEN).status()).isEqualTo(429);

        clock.advance(Duration.ofSeconds(3));
        assertThat(client.get("/v1/groups/" + GROUP + "/actions", token).status()).isEqualTo(200);
    }

    @Test
    void aLiftedBudgetLetsEveryCallThrough() {
        d.callsPerMinute(0);
        String token = client.accessToken();
        for (int i = 0; i < 20; i++) {
            assertThat(client.get("/v1/groups/" + GROUP + "/actions", token).status()).isEqualTo(200);
        }
        assertThat(d.maxCallsInAnyMinute()).isEqualTo(21);
    }

    @Test
    void maxCallsInAnyMinuteCountsCallsWithinSixtySecondsOfEachOther() {
        CallLog log = new CallLog();
        for (long s : new long[]{0, 10, 59, 60, 61, 119, 200}) {
            log.add(new Call(T0.plusSeconds(s), "GET", "/x", "", 200));
        }
        // [10, 70): 10, 59, 60, 61 -> 4; [60, 120): 60, 61, 119 -> 3
        assertThat(log.maxCallsInAnyMinute()).isEqualTo(4);
        assertThat(new CallLog().maxCallsInAnyMinute()).isZero();
    }
}
