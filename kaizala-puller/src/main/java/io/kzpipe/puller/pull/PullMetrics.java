package io.kzpipe.puller.pull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per source: {@code kz_puller_pages_total{source}} (list pages fetched, live and backfill),
 * {@code kz_puller_records_total{source}} (records published: raw and dead letters), and
 * {@code kz_puller_cursor_lag_seconds{source}}: now minus the source's cursor, where the cursor is the time the last
 * live poll reached the end of every list (so a quiet group shows the poll interval, not the age of its last
 * action), or, before that, the oldest {@code fromDate} of its lists. Thread-safe.
 */
public final class PullMetrics {

    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, AtomicLong> cursors = new ConcurrentHashMap<>();

    public PullMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    void page(String source) {
        Counter.builder("kz.puller.pages")
                .description("Kaizala action list pages fetched, live and backfill")
                .tag("source", source)
                .register(registry)
                .increment();
    }

    void records(String source, int n) {
        Counter.builder("kz.puller.records")
                .description("Records published from pulled responses (raw and dead letters)")
                .tag("source", source)
                .register(registry)
                .increment(n);
    }

    /** The source's cursor is now {@code epochMs}. */
    void cursor(String source, long epochMs) {
        cursors.computeIfAbsent(source, s -> {
            AtomicLong v = new AtomicLong(epochMs);
            Gauge.builder("kz.puller.cursor.lag.seconds", v, c -> (clock.millis() - c.get()) / 1000.0)
                    .description("Now minus the source's live cursor")
                    .tag("source", s)
                    .register(registry);
            return v;
        }).set(epochMs);
    }
}
