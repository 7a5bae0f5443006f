package io.kzpipe.puller.api;

import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Lets at most {@code limit} calls arrive at the server in <em>any</em> window of {@code window} (Kaizala's budget:
 * 100 calls per minute per connector, docs/KAIZALA-API.md), and pauses every call while a {@code 429 Retry-After} lasts.
 * Thread-safe; a waiting caller holds no lock while it waits.
 *
 * <p>Each call holds a {@link Permit} from {@link #acquire()} until its answer came ({@link Permit#close()}). The
 * server saw the call at some moment between the two, so a call may start only while fewer than {@code limit} calls
 * are in flight or ended within the last {@code window}: then any {@code limit + 1} calls are at least
 * {@code window} apart at the server, whatever the network and scheduling delays were. (Counting a call only where
 * it starts is not enough: a call delayed by a busy machine on its way out arrives later than counted, and a
 * measurement at the server found 21 calls in a minute with a budget of 20.)
 *
 * <p>Hand-written on purpose, as a sliding log of the end times of the last {@code limit} calls: that is exactly
 * the invariant the server counts. A token bucket (Bucket4j, or Guava's {@code RateLimiter} with its stored permits)
 * cannot promise it: a full bucket of {@code limit} tokens spent at the end of one minute, plus the tokens refilled
 * during the next, gives up to {@code 2 × limit - 1} calls within one 60 s window; only spacing every call evenly (no
 * burst at all) would hold it, and that makes a page of detail calls {@code limit} times slower than needed. Neither
 * knows when a call ended. The log holds at most {@code limit} longs.
 */
public final class CallLimiter {

    private final int limit;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final PriorityQueue<Long> ends = new PriorityQueue<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private int inFlight;
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

    /** One call's place in the budget, held from its start until its answer came (or it was given up). */
    public final class Permit implements AutoCloseable {

        private final long startedAt;
        private final long waited;
        private long endedAt;
        private boolean closed;

        private Permit(long startedAt, long waited) {
            this.startedAt = startedAt;
            this.waited = waited;
        }

        /** How long the caller waited for it, in nanoseconds (0 when it could start at once). */
        public long waitedNanos() {
            return waited;
        }

        long startedAt() {
            return startedAt;
        }

        long endedAt() {
            return endedAt;
        }

        /** The call ended: from now on it counts until {@code window} has passed. Idempotent. */
        @Override
        public void close() {
            lock.lock();
            try {
                if (!closed) {
                    closed = true;
                    endedAt = nanoClock.getAsLong();
                    inFlight--;
                    ends.add(endedAt);
                    changed.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Blocks until a call may start and counts it as in flight. */
    public Permit acquire() throws InterruptedException {
        lock.lock();
        try {
            long begin = nanoClock.getAsLong();
            boolean waitedAtAll = false;
            while (true) {
                long now = nanoClock.getAsLong();
                while (!ends.isEmpty() && now - ends.peek() >= windowNanos) {
                    ends.poll();
                }
                boolean full = inFlight + ends.size() >= limit;
                boolean pausing = paused && pausedUntil - now > 0;
                if (!full && !pausing) {
                    inFlight++;
                    return new Permit(now, waitedAtAll ? now - begin : 0);
                }
                waitedAtAll = true;
                long waitUntil = pausing ? pausedUntil : now;
                if (full && !ends.isEmpty()) {
                    long free = ends.peek() + windowNanos;
                    waitUntil = free - waitUntil > 0 ? free : waitUntil;
                }
                if (full && ends.isEmpty()) {
                    changed.await(); // every place is a call in flight: wait for one to end
                } else {
                    changed.awaitNanos(Math.max(1, waitUntil - now));
                }
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

    /** Calls in flight or ended within the last window (for tests and logs). */
    public int inWindow() {
        lock.lock();
        try {
            long now = nanoClock.getAsLong();
            return inFlight + (int) ends.stream().filter(e -> now - e < windowNanos).count();
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
