package io.kzpipe.puller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CallLimiterTest {

    /** A call as the limiter saw it: granted at {@code start}, its answer at {@code end}. */
    record Span(long start, long end) {}

    /**
     * The most calls a server could have seen within one window, whatever the delays: call j's arrival may be as
     * early as its start, an earlier call's as late as its end. For each call j, the calls started before it that
     * ended less than a window before j started, plus j itself.
     */
    static int worstCaseInAnyWindow(List<Span> spans, long window) {
        List<Span> sorted = new ArrayList<>(spans);
        sorted.sort((a, b) -> Long.compare(a.start(), b.start()));
        int max = 0;
        for (int j = 0; j < sorted.size(); j++) {
            long start = sorted.get(j).start();
            int n = 1;
            for (int i = 0; i < j; i++) {
                if (sorted.get(i).end() > start - window) {
                    n++;
                }
            }
            max = Math.max(max, n);
        }
        return max;
    }

    private static Span call(CallLimiter limiter, Duration busy) throws InterruptedException {
        CallLimiter.Permit p = limiter.acquire();
        if (!busy.isZero()) {
            Thread.sleep(busy.toMillis());
        }
        p.close();
        return new Span(p.startedAt(), p.endedAt());
    }

    @Test
    void neverMoreThanTheLimitInAnyWindowOneCallerAfterTheOther() throws Exception {
        Duration window = Duration.ofMillis(200);
        CallLimiter limiter = new CallLimiter(3, window);
        List<Span> spans = new ArrayList<>();
        long begin = System.nanoTime();

        for (int i = 0; i < 10; i++) {
            spans.add(call(limiter, Duration.ZERO));
        }

        assertThat(worstCaseInAnyWindow(spans, window.toNanos())).isEqualTo(3);
        // 10 calls at 3 per window: the 10th starts 3 windows after the first
        assertThat(System.nanoTime() - begin).isGreaterThanOrEqualTo(3 * window.toNanos());
        // the first 3 start at once: a burst is allowed, unlike evenly spaced calls
        assertThat(spans.get(2).start() - spans.get(0).start()).isLessThan(window.toNanos() / 2);
    }

    @Test
    void aSlowCallCountsUntilItsAnswerCame() throws Exception {
        Duration window = Duration.ofMillis(200);
        CallLimiter limiter = new CallLimiter(2, window);
        Span slow = call(limiter, Duration.ofMillis(300));
        Span quick = call(limiter, Duration.ZERO);

        Span third = call(limiter, Duration.ZERO);

        assertThat(third.start() - slow.end()).as("a window after the slow call's answer, not its start")
                .isGreaterThanOrEqualTo(window.toNanos());
        assertThat(quick.start()).isLessThan(slow.end() + window.toNanos());
    }

    @Test
    void neverMoreThanTheLimitInAnyWindowUnderConcurrency() throws Exception {
        Duration window = Duration.ofMillis(150);
        CallLimiter limiter = new CallLimiter(5, window);
        int threads = 8;
        int each = 5;
        List<Span> spans = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < each; i++) {
                        spans.add(call(limiter, Duration.ofMillis(ThreadLocalRandom.current().nextInt(0, 15))));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(spans).hasSize(threads * each);
        assertThat(worstCaseInAnyWindow(spans, window.toNanos())).isEqualTo(5);
        // 40 calls, 5 per window: at least 7 windows; no lost wake-ups (each call lasts at most 15 ms)
        long span = Collections.max(spans.stream().map(Span::start).toList())
                - Collections.min(spans.stream().map(Span::start).toList());
        assertThat(span).isBetween(7 * window.toNanos(), 8 * window.toNanos() + Duration.ofSeconds(2).toNanos());
        assertThat(limiter.inWindow()).isLessThanOrEqualTo(5);
    }

    @Test
    void aPauseMakesEveryCallWaitEvenWithBudgetLeft() throws Exception {
        CallLimiter limiter = new CallLimiter(100, Duration.ofSeconds(60));
        limiter.acquire().close();
        limiter.pauseFor(Duration.ofMillis(300));
        limiter.pauseFor(Duration.ofMillis(10)); // a shorter pause never shortens the running one

        CallLimiter.Permit waited = limiter.acquire();
        waited.close();
        CallLimiter.Permit next = limiter.acquire();
        next.close();

        assertThat(Duration.ofNanos(waited.waitedNanos())).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        assertThat(next.waitedNanos()).as("after the pause, calls go at once").isZero();
        assertThat(limiter.inWindow()).isEqualTo(3);
    }

    @Test
    void aWaitingCallerCanBeInterruptedAndAPermitClosesOnce() throws Exception {
        CallLimiter limiter = new CallLimiter(1, Duration.ofMinutes(5));
        CallLimiter.Permit p = limiter.acquire();
        p.close();
        p.close();
        Thread.currentThread().interrupt();

        assertThatThrownBy(limiter::acquire).isInstanceOf(InterruptedException.class);
        assertThat(limiter.inWindow()).isEqualTo(1);
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThatThrownBy(() -> new CallLimiter(0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
