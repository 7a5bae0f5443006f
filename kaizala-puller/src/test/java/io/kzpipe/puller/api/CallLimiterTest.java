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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CallLimiterTest {

    /** The most starts within any window of {@code window} nanoseconds. */
    static int maxInAnyWindow(List<Long> starts, long window) {
        List<Long> sorted = new ArrayList<>(starts);
        Collections.sort(sorted);
        int max = 0;
        int lo = 0;
        for (int hi = 0; hi < sorted.size(); hi++) {
            while (sorted.get(hi) - sorted.get(lo) >= window) {
                lo++;
            }
            max = Math.max(max, hi - lo + 1);
        }
        return max;
    }

    @Test
    void neverMoreThanTheLimitInAnyWindowOneCallerAfterTheOther() throws Exception {
        Duration window = Duration.ofMillis(200);
        CallLimiter limiter = new CallLimiter(3, window);
        List<Long> starts = new ArrayList<>();
        long begin = System.nanoTime();

        for (int i = 0; i < 10; i++) {
            starts.add(limiter.acquireAt());
        }

        assertThat(maxInAnyWindow(starts, window.toNanos())).isEqualTo(3);
        // 10 calls at 3 per window: the 10th starts 3 windows after the first
        assertThat(System.nanoTime() - begin).isGreaterThanOrEqualTo(3 * window.toNanos());
        // the first 3 start at once: a burst is allowed, unlike evenly spaced calls
        assertThat(starts.get(2) - starts.get(0)).isLessThan(window.toNanos() / 2);
    }

    @Test
    void neverMoreThanTheLimitInAnyWindowUnderConcurrency() throws Exception {
        Duration window = Duration.ofMillis(150);
        CallLimiter limiter = new CallLimiter(5, window);
        int threads = 8;
        int each = 5;
        List<Long> starts = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < each; i++) {
                        starts.add(limiter.acquireAt());
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(starts).hasSize(threads * each);
        assertThat(maxInAnyWindow(starts, window.toNanos())).isEqualTo(5);
        // 40 calls, 5 per window: the last one waits 7 windows, not much longer (no lost wake-ups)
        long span = Collections.max(starts) - Collections.min(starts);
        assertThat(span)
                .isBetween(
                        7 * window.toNanos(),
                        7 * window.toNanos() + Duration.ofSeconds(2).toNanos());
    }

    @Test
    void aPauseMakesEveryCallWaitEvenWithBudgetLeft() throws Exception {
        CallLimiter limiter = new CallLimiter(100, Duration.ofSeconds(60));
        limiter.acquire();
        limiter.pauseFor(Duration.ofMillis(300));
        limiter.pauseFor(Duration.ofMillis(10)); // a shorter pause never shortens the running one

        long waited = limiter.acquire();

        assertThat(Duration.ofNanos(waited)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        assertThat(limiter.acquire())
                .as("after the pause, calls go at once")
                .isLessThan(Duration.ofMillis(50).toNanos());
        assertThat(limiter.startedInWindow()).isEqualTo(3);
    }

    @Test
    void aWaitingCallerCanBeInterrupted() throws Exception {
        CallLimiter limiter = new CallLimiter(1, Duration.ofMinutes(5));
        limiter.acquire();
        Thread.currentThread().interrupt();

        assertThatThrownBy(limiter::acquire).isInstanceOf(InterruptedException.class);
        assertThat(limiter.startedInWindow()).isEqualTo(1);
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThatThrownBy(() -> new CallLimiter(0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
