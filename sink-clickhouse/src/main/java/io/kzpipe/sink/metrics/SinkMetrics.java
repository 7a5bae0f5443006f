package io.kzpipe.sink.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sink's own meters ({@code kz_sink_*} in Prometheus). Consumer lag comes from Micrometer's
 * {@code KafkaClientMetrics} ({@code kafka_consumer_*}). Thread-safe.
 *
 * <ul>
 *   <li>{@code kz_sink_rows_inserted_total{table}}: rows ClickHouse acknowledged (re-deliveries included)</li>
 *   <li>{@code kz_sink_batch_rows{table}}: rows per batch (histogram)</li>
 *   <li>{@code kz_sink_insert_seconds{table,outcome}}: duration of each insert request (histogram)</li>
 *   <li>{@code kz_sink_insert_retries_total{table}}: failed attempts that will be retried after a backoff</li>
 *   <li>{@code kz_sink_dead_letters_total{table,reason}}: rows the sink itself dead-lettered</li>
 *   <li>{@code kz_sink_freshness_seconds{table}}: insert time minus record timestamp (gateway receive time),
 *       sampled: at most 64 evenly spread rows per batch</li>
 *   <li>{@code kz_sink_buffered_rows}, {@code kz_sink_buffered_bytes} (rows held, buffered or in flight, and
 *       their estimated heap bytes), {@code kz_sink_backing_off} (1 while waiting to retry),
 *       {@code kz_sink_commits_total{outcome}}, {@code kz_sink_revoked_rows_total}</li>
 * </ul>
 */
public final class SinkMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> inserted = new ConcurrentHashMap<>();
    private final Map<String, DistributionSummary> batchRows = new ConcurrentHashMap<>();
    private final Map<String, Timer> freshness = new ConcurrentHashMap<>();
    private final Map<String, Counter> retries = new ConcurrentHashMap<>();
    private final AtomicInteger backingOff = new AtomicInteger();
    private final AtomicLong buffered = new AtomicLong();
    private final AtomicLong bufferedBytes = new AtomicLong();

    public SinkMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("kz.sink.backing.off", backingOff);
        registry.gauge("kz.sink.buffered.rows", buffered);
        Gauge.builder("kz.sink.buffered.bytes", bufferedBytes, AtomicLong::get)
                .description("estimated heap bytes of the rows buffered and in flight")
                .baseUnit("bytes")
                .register(registry);
    }

    /**
     * Registers the per-table counters at 0 before anything is inserted, so that a table with no rows yet shows
     * 0 (not "no data") on dashboards and {@code rate()} sees the first increment.
     */
    public void tables(Iterable<String> tables) {
        for (String table : tables) {
            insertedCounter(table);
            retries.computeIfAbsent(table, this::retryCounter);
        }
    }

    /** A batch of {@code rows} rows is in ClickHouse. */
    public void batchInserted(String table, int rows) {
        insertedCounter(table).increment(rows);
        batchRows
                .computeIfAbsent(table,
                        t -> DistributionSummary.builder("kz.sink.batch.rows")
                                .tag("table", t)
                                .description("rows per batch")
                                .publishPercentileHistogram()
                                .minimumExpectedValue(1.0)
                                .maximumExpectedValue(1_000_000.0)
                                .register(registry))
                .record(rows);
    }

    /** One insert request took {@code nanos}; outcome is {@code ok} or the failure kind. */
    public void insertTimed(String table, String outcome, long nanos) {
        Timer.builder("kz.sink.insert")
                .tags("table", table, "outcome", outcome)
                .description("duration of one insert request")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(2))
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Freshness of one (sampled) row: insert time minus its record timestamp. */
    public void freshness(String table, long lagMs) {
        freshness
                .computeIfAbsent(table,
                        t -> Timer.builder("kz.sink.freshness")
                                .tag("table", t)
                                .description("insert time minus gateway receive time")
                                .publishPercentileHistogram()
                                .minimumExpectedValue(Duration.ofMillis(10))
                                .maximumExpectedValue(Duration.ofHours(1))
                                .register(registry))
                .record(Math.max(0, lagMs), TimeUnit.MILLISECONDS);
    }

    public void retry(String table) {
        retries.computeIfAbsent(table, this::retryCounter).increment();
    }

    private Counter insertedCounter(String table) {
        return inserted.computeIfAbsent(table,
                t -> Counter.builder("kz.sink.rows.inserted")
                        .tag("table", t)
                        .description("rows ClickHouse acknowledged")
                        .register(registry));
    }

    private Counter retryCounter(String table) {
        return Counter.builder("kz.sink.insert.retries")
                .tag("table", table)
                .description("failed insert attempts retried after a backoff")
                .register(registry);
    }

    public void deadLettered(String table, String reason, int rows) {
        Counter.builder("kz.sink.dead.letters")
                .tags("table", table, "reason", reason)
                .description("rows the sink could not load, written to dead_letters")
                .register(registry)
                .increment(rows);
    }

    public void commit(boolean ok) {
        Counter.builder("kz.sink.commits").tag("outcome", ok ? "ok" : "failed").register(registry).increment();
    }

    public void revokedRows(int rows) {
        Counter.builder("kz.sink.revoked.rows")
                .description("buffered rows dropped because their partition was revoked")
                .register(registry)
                .increment(rows);
    }

    public void backingOff(boolean on) {
        backingOff.set(on ? 1 : 0);
    }

    public void buffered(long rows, long bytes) {
        buffered.set(rows);
        bufferedBytes.set(bytes);
    }
}
