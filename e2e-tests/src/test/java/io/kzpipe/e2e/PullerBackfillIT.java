package io.kzpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kzpipe.kaizaladouble.Call;
import io.kzpipe.kaizaladouble.DoubleSettings;
import io.kzpipe.kaizaladouble.GroupSeed;
import io.kzpipe.kaizaladouble.KaizalaDouble;
import io.kzpipe.testkit.ClickHouseExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pull way in, end to end: the puller as a process against the Kaizala double, on the real stack. Backfills land
 * exactly once in the {@code _latest} views with the double's content; a puller killed with SIGKILL mid-backfill
 * resumes without losing, doubling or re-fetching more than the page in flight; token expiry, a refresh-token
 * rotation and a 308 mid-run are followed; the call budget holds through sustained 429s. Each test has its own
 * double, group and puller (its own state topic); the stack is shared ({@link PullerStackExtension}).
 *
 * <p>Budget: the double and the puller both count calls in a sliding 60 s window. Except in the budget test, both
 * budgets are lifted (the double's {@code callsPerMinute} 0, the puller's {@code PULLER_CALLS_PER_MINUTE} 100,000):
 * 10,000 responses are about 210 calls, over two minutes at the real 100/min.
 */
@ExtendWith({ClickHouseExtension.class, PullerStackExtension.class})
class PullerBackfillIT {

    private static final Logger LOG = LoggerFactory.getLogger(PullerBackfillIT.class);
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    static PipelineStack stack;

    @BeforeAll
    static void start(PipelineStack shared) {
        stack = shared;
    }

    @Test
    void aBackfillOf10000ResponsesOverManyPagesLandsExactlyOnceWithTheDoublesContent() {
        try (KaizalaDouble d = PullerChecks.unlimitedDouble()) {
            String group = "g-backfill";
            Instant from = NOW.minus(Duration.ofDays(30));
            Instant to = NOW.minus(Duration.ofHours(1));
            List<String> actions = d.seed(GroupSeed.of(group, 200, 50, from, to, 11L));
            long started = System.nanoTime();
            try (PullerProcess p = PullerProcess.start(stack, d, "backfill", PullerChecks.LIFTED)) {
                p.awaitBackfill(p.backfill("group:" + group, from, to));
                PullerChecks.awaitResponses(stack, group, 10_000);
                LOG.info("10,000 responses in ClickHouse {} ms after the puller started",
                        (System.nanoTime() - started) / 1_000_000);
                assertThat(p.metric("kz_puller_records_total")).isEqualTo(10_000.0);
            }
            List<Call> lists = PullerChecks.calls(d, 200, PullerChecks::isList);
            assertThat(lists.size()).as("list pages").isGreaterThanOrEqualTo(200 / 30);
            assertThat(PullerChecks.calls(d, 200, PullerChecks::isDetail))
                    .as("each action's details fetched once, though pages overlap on shared instants")
                    .hasSize(actions.size());
            PullerChecks.assertExactlyOnce(stack, d, group, 10_000);
        }
    }

    @Test
    void aPullerKilledMidBackfillResumesWithNothingMissingNothingDoubledAndOnlyThePageInFlightFetchedAgain() {
        int pageSize = 10;
        try (KaizalaDouble d = PullerChecks.unlimitedDouble()) {
            String group = "g-kill";
            Instant from = NOW.minus(Duration.ofDays(20));
            Instant to = NOW.minus(Duration.ofDays(1));
            List<String> actions = d.seed(GroupSeed.of(group, 100, 20, from, to, 12L));
            d.delay(Duration.ofMillis(40)); // about 5 s for the backfill: time to kill it mid-way
            Map<String, String> settings = Map.of("PULLER_CALLS_PER_MINUTE", "100000", "PULLER_PAGE_SIZE",
                    Integer.toString(pageSize));
            int beforeKill;
            try (PullerProcess p = PullerProcess.start(stack, d, "kill", settings)) {
                String job = p.backfill("group:" + group, from, to);
                await("a third of the details fetched").atMost(PullerChecks.LANDED)
                        .until(() -> PullerChecks.calls(d, 200, PullerChecks::isDetail).size() >= actions.size() / 3);
                long pid = p.pid();
                beforeKill = PullerChecks.calls(d, 200, PullerChecks::isDetail).size();
                p.killAndRestart();
                assertThat(beforeKill).as("killed mid-backfill").isLessThan(actions.size());
                assertThat(p.pid()).isNotEqualTo(pid);
                d.delay(Duration.ZERO);
                p.awaitBackfill(job);
                PullerChecks.awaitResponses(stack, group, 2_000);
            }
            List<Call> details = PullerChecks.calls(d, 200, PullerChecks::isDetail);
            Set<String> distinct = new HashSet<>();
            details.forEach(c -> distinct.add(c.path()));
            assertThat(distinct).as("every action fetched").hasSize(actions.size());
            assertThat(details.size()).as("detail fetches: one per action plus at most the page in flight")
                    .isLessThanOrEqualTo(actions.size() + pageSize);
            List<Call> lists = PullerChecks.calls(d, 200, PullerChecks::isList);
            Set<String> pages = new HashSet<>();
            lists.forEach(c -> pages.add(c.query()));
            assertThat(lists.size()).as("list calls: each page once plus the one in flight")
                    .isLessThanOrEqualTo(pages.size() + 1);
            PullerChecks.assertExactlyOnce(stack, d, group, 2_000);
            LOG.info("kill -9 after {} of {} detail fetches: {} detail fetches in all, {} list calls for {} pages",
                    beforeKill, actions.size(), details.size(), lists.size(), pages.size());
        }
    }

    @Test
    void tokenExpiryARotatedRefreshTokenAndAnEndpointMoveMidRunAreFollowed() {
        try (KaizalaDouble d = PullerChecks.unlimitedDouble()) {
            String group = "g-auth";
            Instant from = NOW.minus(Duration.ofDays(10));
            Instant to = NOW.minus(Duration.ofDays(1));
            List<String> actions = d.seed(GroupSeed.of(group, 60, 20, from, to, 13L));
            d.delay(Duration.ofMillis(30));
            try (PullerProcess p = PullerProcess.start(stack, d, "auth", PullerChecks.LIFTED)) {
                String job = p.backfill("group:" + group, from, to);
                await().atMost(PullerChecks.LANDED)
                        .until(() -> PullerChecks.calls(d, 200, PullerChecks::isDetail).size() >= 15);
                d.rotateRefreshTokenOnNextCall();
                d.expireAccessTokens();
                await().atMost(PullerChecks.LANDED)
                        .until(() -> PullerChecks.calls(d, 200, PullerChecks::isDetail).size() >= 30);
                String old = d.endpointUrl();
                String moved = d.moveEndpoint();
                d.delay(Duration.ZERO);
                p.awaitBackfill(job);
                PullerChecks.awaitResponses(stack, group, 1_200);

                List<Call> all = d.calls();
                assertThat(all).anyMatch(c -> c.status() == 401);
                assertThat(d.refreshTokenRotations()).isEqualTo(1);
                String oldPath = old.substring(d.url().length());
                String newPath = moved.substring(d.url().length());
                List<Call> redirected = PullerChecks.calls(d, 308, path -> path.startsWith(oldPath));
                assertThat(redirected).as("the old endpoint answered 308").isNotEmpty();
                int firstMove = all.indexOf(redirected.get(0));
                assertThat(all.subList(firstMove + 1, all.size())).as("after the 308 the new endpoint is kept")
                        .filteredOn(c -> c.path().startsWith(oldPath))
                        .isEmpty();
                assertThat(PullerChecks.calls(d, 200, path -> path.startsWith(newPath))).isNotEmpty();
                assertThat(p.metric("kz_puller_token_refreshes_total")).isGreaterThanOrEqualTo(2.0);
            }
            assertThat(PullerChecks.calls(d, 200, PullerChecks::isDetail)).hasSize(actions.size());
            PullerChecks.assertExactlyOnce(stack, d, group, 1_200);
        }
    }

    /**
     * Budget B = 20 calls/min at both ends instead of Kaizala's 100: the window is 60 s either way, so B only sets
     * how many calls fill it; 20 fill it within seconds, and the group needs about 45 calls, so the puller must hold
     * back. The test watches the first minute only (about 25 s): 8 s of forced 429s, then B calls, then silence.
     */
    @Test
    void sustained429sAreWaitedOutAndTheBudgetHoldsAtTheDouble() throws InterruptedException {
        int budget = 20;
        try (KaizalaDouble d = KaizalaDouble.start(DoubleSettings.defaults().withCallsPerMinute(budget))) {
            String group = "g-throttle";
            Instant from = NOW.minus(Duration.ofDays(5));
            Instant to = NOW.minus(Duration.ofDays(1));
            d.seed(GroupSeed.of(group, 40, 5, from, to, 14L));
            Duration forced = Duration.ofSeconds(8);
            try (PullerProcess p = PullerProcess.start(stack, d, "throttle",
                    Map.of("PULLER_CALLS_PER_MINUTE", Integer.toString(budget)))) {
                Instant forcedUntil = Instant.now().plus(forced);
                d.throttleFor(forced);
                p.backfill("group:" + group, from, to);
                await("the budget used up").atMost(Duration.ofSeconds(45))
                        .untilAsserted(() -> assertThat(d.calls())
                                .as("calls at the double (a refused one counts too); puller log:%n%s", p.logTail())
                                .hasSizeGreaterThanOrEqualTo(budget));
                int before = d.calls().size();
                Thread.sleep(5_000);
                assertThat(d.calls()).as("no call while the budget is used up").hasSize(before);

                List<Call> refused = d.calls().stream().filter(c -> c.status() == 429).toList();
                assertThat(refused).as("429s during the forced throttle").isNotEmpty();
                assertThat(refused).as("only during the forced throttle: the double's own limit never had to refuse")
                        .allMatch(c -> !c.time().isAfter(forcedUntil.plusMillis(500)));
                assertThat(refused.size()).as("Retry-After honoured, no hammering").isLessThanOrEqualTo(4);
                assertThat(d.maxCallsInAnyMinute()).as("calls in any minute").isLessThanOrEqualTo(budget);
                assertThat(p.metric("kz_puller_throttled_waits_total")).isPositive();
                LOG.info("budget {}: {} calls, {} refused (forced throttle of {} s), at most {} in any minute", budget,
                        d.calls().size(), refused.size(), forced.toSeconds(), d.maxCallsInAnyMinute());
                assertThat(stack.number("SELECT count() FROM {db}.responses_latest WHERE group_id = '" + group + "'"))
                        .as("not done within the first minute")
                        .isLessThan(200);
            }
        }
    }
}
