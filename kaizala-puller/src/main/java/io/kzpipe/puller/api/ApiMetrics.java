package io.kzpipe.puller.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.TimeUnit;

/**
 * The API client's meters: {@code kz_puller_calls_total{endpoint,status}} (status = HTTP status, or {@code timeout},
 * {@code io_error} when no answer came), {@code kz_puller_throttled_waits_total} and
 * {@code kz_puller_throttled_wait_seconds_total} (calls that had to wait for the budget or a {@code Retry-After},
 * and how long), {@code kz_puller_token_refreshes_total} (access tokens fetched). Thread-safe.
 */
public final class ApiMetrics {

    private final MeterRegistry registry;
    private final Counter throttledWaits;
    private final Counter throttledSeconds;
    private final Counter tokenRefreshes;

    public ApiMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.throttledWaits = Counter.builder("kz.puller.throttled.waits")
                .description("Kaizala calls that waited for the call budget or a 429 Retry-After")
                .register(registry);
        this.throttledSeconds = Counter.builder("kz.puller.throttled.wait.seconds")
                .description("Seconds Kaizala calls waited for the call budget or a 429 Retry-After")
                .register(registry);
        this.tokenRefreshes = Counter.builder("kz.puller.token.refreshes")
                .description("Kaizala access tokens fetched")
                .register(registry);
    }

    void call(String endpoint, String status) {
        Counter.builder("kz.puller.calls")
                .description("Kaizala API calls by endpoint and answer status")
                .tag("endpoint", endpoint)
                .tag("status", status)
                .register(registry)
                .increment();
    }

    void throttled(long waitedNanos) {
        throttledWaits.increment();
        throttledSeconds.increment(waitedNanos / (double) TimeUnit.SECONDS.toNanos(1));
    }

    void tokenRefresh() {
        tokenRefreshes.increment();
    }
}
