package io.kzpipe.puller.api;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Lets at most {@code limit} calls start in <em>any</em> window of {@code window} (Kaizala's budget: 100 calls per
 * minute per connector, FACTS §5), and pauses every call while a {@code 429 Retry-After} lasts. Thread-safe; a
 * waiting caller holds no lock while it waits.
 *
 * <p>Hand-written on purpose, as a sliding log of the start times of the last {@code limit} calls: a call may start
 * when fewer than {@code limit} calls started within the last {@code window}, else it waits until the oldest of them
 * leaves the window. That is exactly the invariant the server counts. A token bucket (Bucket4j, or Guava's
 * {@code RateLimiter} with its stored permits) cannot promise it: a full bucket of {@code limit} tokens spent at the
 * end of one minute, plus the tokens refilled during the next, gives up to {@code 2 × limit - 1} calls within one
 * 60 s window; only spacing every call evenly (no burst at all) would hold it, and that makes a page of detail calls
 * {@code limit} times slower than needed. The log holds at most {@code limit} longs.
 *
 * <p>The window should be a little longer than the server's (see {@link ApiClient}): a call is counted where it
 * starts here, and the server counts it when it arrives, which differs by network and scheduling delays.
 */
public final class CallLimiter {

    private final int limit;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final ArrayDeque<Long> starts = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long pausedUntil;
    private boolean paused;

    public CallLimiter(int limit, Duration window) {
        this(limit, window, System::nanoTime);
    }

    CallLimiter(int limit, Duration window, LongSupplier nanoClock) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        this.limit = limit;
        this.windowNanos = window.toNanos();
        this.nanoClock = nanoClock;
    }

    /**
     * Blocks until a call may start and records its start.
     *
     * @return how long the caller waited, in nanoseconds (0 when it could start at once)
     */
    public long acquire() throws InterruptedException {
        long begin = nanoClock.getAsLong();
        long[] waited = {0};
        long start = acquire(waited);
        return waited[0] == 0 ? 0 : start - begin;
    }

    /** Like {@link #acquire()}, returning the recorded start time (the clock's nanoseconds). */
    long acquireAt() throws InterruptedException {
        return acquire(new long[1]);
    }

    /** Records a start and returns its time; {@code waits[0]} counts the waits it took. */
    private long acquire(long[] waits) throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                long now = nanoClock.getAsLong();
                while (!starts.isEmpty() && now - starts.peekFirst() >= windowNanos) {
                    starts.pollFirst();
                }
                long waitUntil = now;
                if (paused && pausedUntil - now > 0) {
                    waitUntil = pausedUntil;
                }
                if (starts.size() >= limit) {
                    long free = starts.peekFirst() + windowNanos;
                    waitUntil = free - waitUntil > 0 ? free : waitUntil;
                }
                if (waitUntil - now <= 0) {
                    starts.addLast(now);
                    return now;
                }
                waits[0]++;
                changed.awaitNanos(waitUntil - now);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Makes every call wait until {@code pause} from now (a {@code 429} with {@code Retry-After}); never shortens one. */
    public void pauseFor(Duration pause) {
        lock.lock();
        try {
            long until = nanoClock.getAsLong() + pause.toNanos();
            if (!paused || until - pausedUntil > 0) {
                pausedUntil = until;
                paused = true;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Calls started within the last window (for tests and logs). */
    public int startedInWindow() {
        lock.lock();
        try {
            long now = nanoClock.getAsLong();
            return (int) starts.stream().filter(s -> now - s < windowNanos).count();
        } finally {
            lock.unlock();
        }
    }

    public int limit() {
        return limit;
    }

    public Duration window() {
        return Duration.ofNanos(windowNanos);
    }
}
