package io.kzpipe.puller.api;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Waits between attempts of a call that failed with a 5xx or a timeout: attempt n (1-based) waits a random time in
 * [b/2, b], b = min(max, initial × 2^(n-1)) ("equal jitter": retries of several clients spread out, and no wait is
 * shorter than half the nominal one). After {@code attempts} failed attempts the call fails.
 *
 * @param initial  nominal wait after the first failure
 * @param max      longest nominal wait
 * @param attempts attempts of one call before it fails (at least 1)
 */
public record Backoff(Duration initial, Duration max, int attempts) {

    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), 6);

    public Backoff {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
        }
    }

    /** The wait after failed attempt {@code attempt} (1-based). */
    public Duration delay(int attempt) {
        long base = initial.toMillis();
        for (int i = 1; i < attempt && base < max.toMillis(); i++) {
            base *= 2;
        }
        base = Math.min(base, max.toMillis());
        long half = base / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(base - half + 1));
    }
}
