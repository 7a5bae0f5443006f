package io.kzpipe.gateway.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's own meters (Prometheus names in brackets), all registered up front so the request path only
 * increments:
 * <ul>
 *   <li>{@code kz.gateway.requests} [{@code kz_gateway_requests_total}] by {@code outcome};</li>
 *   <li>{@code kz.gateway.request.duration} [{@code kz_gateway_request_duration_seconds}] histogram by outcome;</li>
 *   <li>{@code kz.gateway.publish.duration} [{@code kz_gateway_publish_duration_seconds}] by {@code topic}
 *       ({@code raw}, {@code dlq}) and {@code result} ({@code ok}, {@code error});</li>
 *   <li>{@code kz.gateway.request.body} [{@code kz_gateway_request_body_bytes}] histogram of accepted-size bodies;</li>
 *   <li>{@code kz.gateway.dead.letters} [{@code kz_gateway_dead_letters_total}] by {@code reason}.</li>
 * </ul>
 */
public final class GatewayMetrics {

    private final Map<Outcome, Counter> requests = new EnumMap<>(Outcome.class);
    private final Map<Outcome, Timer> durations = new EnumMap<>(Outcome.class);
    private final Map<DeadLetterReason, Counter> deadLetters = new EnumMap<>(DeadLetterReason.class);
    private final Timer publishRawOk;
    private final Timer publishRawError;
    private final Timer publishDlqOk;
    private final Timer publishDlqError;
    private final DistributionSummary bodySize;

    public GatewayMetrics(MeterRegistry registry) {
        for (Outcome o : Outcome.values()) {
            requests.put(o,
                    Counter.builder("kz.gateway.requests")
                            .description("Webhook requests by outcome")
                            .tag("outcome", o.tag())
                            .register(registry));
            durations.put(o,
                    latency("kz.gateway.request.duration", "Webhook request handling time").tag("outcome", o.tag())
                            .register(registry));
        }
        for (DeadLetterReason r : DeadLetterReason.values()) {
            deadLetters.put(r, Counter.builder("kz.gateway.dead.letters")
                    .description("Bodies written to the dead-letter topic (or refused in strict mode) by reason")
                    .tag("reason", r.code())
                    .register(registry));
        }
        publishRawOk = publishTimer(registry, "raw", "ok");
        publishRawError = publishTimer(registry, "raw", "error");
        publishDlqOk = publishTimer(registry, "dlq", "ok");
        publishDlqError = publishTimer(registry, "dlq", "error");
        bodySize = DistributionSummary.builder("kz.gateway.request.body")
                .baseUnit("bytes")
                .description("Size of authenticated webhook bodies within the limit")
                .publishPercentileHistogram()
                .minimumExpectedValue(64.0)
                .maximumExpectedValue(64.0 * 1024 * 1024)
                .register(registry);
    }

    private static Timer.Builder latency(String name, String description) {
        return Timer.builder(name)
                .description(description)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10));
    }

    private static Timer publishTimer(MeterRegistry registry, String topic, String result) {
        return latency("kz.gateway.publish.duration", "Time from send to Kafka acknowledgement or failure")
                .tag("topic", topic)
                .tag("result", result)
                .register(registry);
    }

    /** Counts a finished request and records its duration since {@code startNanos} ({@link System#nanoTime()}). */
    public void request(Outcome outcome, long startNanos) {
        requests.get(outcome).increment();
        durations.get(outcome).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    public void bodySize(int bytes) {
        bodySize.record(bytes);
    }

    public void deadLetter(DeadLetterReason reason) {
        deadLetters.get(reason).increment();
    }

    public void published(boolean raw, boolean ok, long startNanos) {
        Timer t = raw ? (ok ? publishRawOk : publishRawError) : (ok ? publishDlqOk : publishDlqError);
        t.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }
}
