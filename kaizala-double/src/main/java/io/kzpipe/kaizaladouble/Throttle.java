package io.kzpipe.kaizaladouble;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The per-connector budget: at most {@code limit} accepted calls in any sliding 60 s window (our assumption of how
 * "100 calls/min" is counted; the docs name no window). A call over the budget is refused with 429 and does not use
 * budget; {@code Retry-After} is the whole seconds until the oldest accepted call leaves the window. A forced
 * throttle refuses every call until its end. The double serves one connector, so there is one window. Thread-safe.
 */
final class Throttle {

    private static final long WINDOW_MS = Duration.ofMinutes(1).toMillis();

    private final Clock clock;
    private final Deque<Long> accepted = new ArrayDeque<>();
    private int limit;
    private long forcedUntilMs;

    Throttle(Clock clock, int limit) {
        this.clock = clock;
        this.limit = limit;
    }

    /** 0 when the call may proceed (and is counted), else the seconds the caller should wait (at least 1). */
    synchronized long admit() {
        long now = clock.millis();
        if (now < forcedUntilMs) {
            return ceilSeconds(forcedUntilMs - now);
        }
        while (!accepted.isEmpty() && now - accepted.peekFirst() >= WINDOW_MS) {
            accepted.removeFirst();
        }
        if (limit > 0 && accepted.size() >= limit) {
            return ceilSeconds(accepted.peekFirst() + WINDOW_MS - now);
        }
        accepted.addLast(now);
        return 0;
    }

    /** @param callsPerMinute the new budget; 0 = unlimited */
    synchronized void limit(int callsPerMinute) {
        if (callsPerMinute < 0) {
            throw new IllegalArgumentException("callsPerMinute must be >= 0");
        }
        this.limit = callsPerMinute;
    }

    synchronized int limit() {
        return limit;
    }

    /** Refuse every call with 429 for {@code duration} from now (zero ends a forced throttle). */
    synchronized void forceFor(Duration duration) {
        forcedUntilMs = clock.millis() + duration.toMillis();
    }

    private static long ceilSeconds(long ms) {
        return Math.max(1, (ms + 999) / 1000);
    }
}
