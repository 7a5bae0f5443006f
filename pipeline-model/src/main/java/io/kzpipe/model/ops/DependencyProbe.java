package io.kzpipe.model.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes one dependency (Kafka, ClickHouse) on its own daemon thread ({@code probe-<name>}) and keeps the latest
 * result, so health requests and metric scrapes never wait for the network. A probe repeats {@code interval} after
 * a success and {@code retry} after a failure; one that throws counts as a failure. The result is also the gauge
 * {@value #GAUGE}{@code {dependency="<name>"}} (1 reachable, 0 not; 0 before the first probe ended). A change is
 * logged once (WARN when lost, INFO when back).
 */
public final class DependencyProbe implements AutoCloseable {

    /** The gauge every service exports per dependency. */
    public static final String GAUGE = "kz.dependency.up";
    /** How long one probe may wait for its dependency (the services' probes bound their calls by it). */
    public static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** Probe period while the dependency answers. */
    public static final Duration INTERVAL = Duration.ofSeconds(2);
    /** Probe period while it does not: a recovery shows within half a second. */
    public static final Duration RETRY = Duration.ofMillis(500);

    private static final Logger LOG = LoggerFactory.getLogger(DependencyProbe.class);

    private final String name;
    private final BooleanSupplier probe;
    private final Duration interval;
    private final Duration retry;
    private final ScheduledExecutorService scheduler;
    private volatile ManagementServer.Health.Check latest = ManagementServer.Health.Check.UNKNOWN;

    /** With the services' periods, {@link #INTERVAL} and {@link #RETRY}. */
    public DependencyProbe(String name, BooleanSupplier probe, MeterRegistry registry) {
        this(name, probe, INTERVAL, RETRY, registry);
    }

    /**
     * @param probe true when the dependency answered; called on the probe thread only, it must bound its own wait
     */
    public DependencyProbe(String name, BooleanSupplier probe, Duration interval, Duration retry,
            MeterRegistry registry) {
        this.name = name;
        this.probe = probe;
        this.interval = interval;
        this.retry = retry;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "probe-" + name);
            t.setDaemon(true);
            return t;
        });
        Gauge.builder(GAUGE, this, p -> p.check() == ManagementServer.Health.Check.UP ? 1 : 0)
                .description("1 while the dependency answered its latest probe, else 0")
                .tag("dependency", name)
                .register(registry);
    }

    /** Starts probing (the first probe at once). */
    public DependencyProbe start() {
        scheduler.execute(this::round);
        return this;
    }

    /** The latest result; {@code UNKNOWN} until the first probe ended. */
    public ManagementServer.Health.Check check() {
        return latest;
    }

    public boolean up() {
        return latest == ManagementServer.Health.Check.UP;
    }

    private void round() {
        boolean ok;
        try {
            ok = probe.getAsBoolean();
        } catch (RuntimeException e) {
            LOG.debug("probe of {} failed: {}", name, e.toString());
            ok = false;
        }
        ManagementServer.Health.Check next = ok ? ManagementServer.Health.Check.UP : ManagementServer.Health.Check.DOWN;
        if (next != latest) {
            if (ok) {
                LOG.info("{} is reachable", name);
            } else {
                LOG.warn("{} is not reachable: readiness DOWN until it is", name);
            }
        }
        latest = next;
        try {
            scheduler.schedule(this::round, (ok ? interval : retry).toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    /** Stops probing; closes the probe too when it is {@link AutoCloseable} (e.g. its admin client). */
    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("probe of {} did not stop within 5 s", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (probe instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.debug("closing the probe of {} failed: {}", name, e.toString());
            }
        }
    }
}
