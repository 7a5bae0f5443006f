package io.kzpipe.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The local pipeline on this machine: {@code up} starts Kafka, ClickHouse and every service that has a jar as
 * detached processes (PID files in {@code PIPELINE_HOME/pids}, logs in {@code PIPELINE_HOME/logs}) and waits until
 * each answers (the broker an Admin call, ClickHouse {@code /ping}, a service {@code /health/ready}); {@code down}
 * stops them by PID (SIGTERM, then SIGKILL), services first; {@code status} shows each part. A part whose
 * process died is reported, and started again by the next {@code up}. Data is kept across {@code down}/{@code up}.
 */
public final class LocalPipeline {

    private static final Duration KAFKA_READY = Duration.ofSeconds(120);
    private static final Duration CLICKHOUSE_READY = Duration.ofSeconds(60);
    private static final Duration SERVICE_READY = Duration.ofSeconds(120);
    private static final Map<String, Duration> STOP_GRACE = Map.of(
            LocalInfrastructure.KAFKA, Duration.ofSeconds(60), LocalInfrastructure.CLICKHOUSE, Duration.ofSeconds(30));
    private static final Duration SERVICE_STOP_GRACE = Duration.ofSeconds(40);

    private final LocalSettings settings;
    private final Console console;
    private final LocalInfrastructure infrastructure;
    private final LocalServices services;

    private LocalPipeline(LocalSettings settings, Console console) {
        this.settings = settings;
        this.console = console;
        this.infrastructure = new LocalInfrastructure(settings, console);
        this.services = new LocalServices(settings);
    }

    /** The pipeline of repository {@code root} with the settings of {@code env} (see {@link LocalSettings#load}). */
    public static LocalPipeline open(Path root, Map<String, String> env, Console console) {
        Path home = LocalSettings.home(root, env);
        boolean running = parts().stream()
                .anyMatch(part -> Processes.running(home.resolve("pids").resolve(part + ".pid"), home + "/")
                        .isPresent());
        return new LocalPipeline(LocalSettings.load(root, env, running, console), console);
    }

    /**
     * Starts {@code service} with {@code extraEnv} on top of its environment unless it runs, and waits until it is
     * ready, without {@code up}'s summary (the demo starts the Kaizala double and the puller this way).
     *
     * @throws Console.Failure when it has no jar or does not become ready
     */
    public void start(Service service, Map<String, String> extraEnv) {
        if (!Files.isRegularFile(settings.serviceJar(service))) {
            throw new Console.Failure("no " + settings.root().relativize(settings.serviceJar(service))
                    + ": build it with ./pipeline up (or mvn -pl " + service.module() + " -am package)");
        }
        checkPortsFree(List.of(service.module()));
        if (startServices(List.of(service.module()), extraEnv)) {
            throw new Console.Failure(
                    service.module() + " did not become ready; log: " + settings.log(service.module()));
        }
    }

    /** The parts {@code up} without names starts: kafka, clickhouse and the services started by default. */
    private List<String> defaultParts() {
        List<String> parts = new ArrayList<>(List.of(LocalInfrastructure.KAFKA, LocalInfrastructure.CLICKHOUSE));
        for (Service service : Service.values()) {
            if (service.startedByDefault(settings.env())) {
                parts.add(service.module());
            }
        }
        return parts;
    }

    /** Every part, in start order: kafka, clickhouse, then the services. */
    public static List<String> parts() {
        List<String> parts = new ArrayList<>(List.of(LocalInfrastructure.KAFKA, LocalInfrastructure.CLICKHOUSE));
        for (Service service : Service.values()) {
            parts.add(service.module());
        }
        return parts;
    }

    public LocalSettings settings() {
        return settings;
    }

    /** The live process of {@code part}, if it runs. */
    public Optional<ProcessHandle> running(String part) {
        return Processes.running(settings.pidFile(part), settings.marker());
    }

    /** Whether the part answers as ready now. */
    public boolean ready(String part) {
        return switch (part) {
            case LocalInfrastructure.KAFKA -> infrastructure.kafkaReady();
            case LocalInfrastructure.CLICKHOUSE -> infrastructure.clickHouseReady();
            default -> Probes.httpOk(settings.healthUrl(Service.byModule(part)), "");
        };
    }

    /** The part's URL as {@code status} shows it. */
    public String url(String part) {
        return switch (part) {
            case LocalInfrastructure.KAFKA -> settings.kafkaBootstrap();
            case LocalInfrastructure.CLICKHOUSE -> settings.clickHouseUrl();
            default -> {
                Service service = Service.byModule(part);
                yield service == Service.GATEWAY
                        ? settings.serviceUrl(service) + Service.WEBHOOK_PATH
                        : settings.healthUrl(service);
            }
        };
    }

    boolean died(String part) {
        return Files.exists(settings.pidFile(part)) && running(part).isEmpty();
    }

    String recordedPid(String part) {
        return Processes.recordedPid(settings.pidFile(part))
                .map(String::valueOf)
                .orElse("?");
    }

    /**
     * Starts what is not running of {@code selected} (all parts when empty) and waits until each is ready.
     * Returns 0; throws {@link Console.Failure} when a part cannot start or a service does not become ready.
     */
    public int up(List<String> selected) {
        return up(selected, Map.of());
    }

    /**
     * {@link #up(List)} with {@code extraEnv} on top of each service's environment (the demo points the puller at
     * the double); without names, the parts {@code up} starts by default ({@link Service#startedByDefault}).
     */
    public int up(List<String> selected, Map<String, String> extraEnv) {
        long start = System.nanoTime();
        List<String> parts = selected.isEmpty() ? defaultParts() : selected;
        for (String part : parts) {
            if (!parts().contains(part)) {
                throw new Console.Failure("unknown part '" + part + "' (parts: " + String.join(", ", parts()) + ")", 2);
            }
        }
        if (selected.isEmpty() && !Service.PULLER.startedByDefault(settings.env())) {
            console.note(Service.PULLER.module() + ": " + Service.PULLER_SOURCES
                    + " is not set, not started (README \"Puller\")");
        }
        checkPortsFree(parts);
        settings.save();
        startInfrastructure(parts);
        boolean failed = startServices(parts, extraEnv);
        new LocalPipelineReport(this, console).summary(start, failed);
        if (failed) {
            throw new Console.Failure(
                    "some services did not become ready (see above); './pipeline status' shows what runs");
        }
        return 0;
    }

    private void startInfrastructure(List<String> parts) {
        Map<String, Long> started = new LinkedHashMap<>();
        Map<String, ProcessHandle> handles = new LinkedHashMap<>();
        if (parts.contains(LocalInfrastructure.KAFKA)) {
            startPart(
                    LocalInfrastructure.KAFKA,
                    "Kafka (single-node KRaft) on " + settings.kafkaBootstrap(),
                    "Kafka already running (pid %d) on " + settings.kafkaBootstrap(),
                    "waiting for the broker",
                    infrastructure::startKafka,
                    started,
                    handles);
        }
        if (parts.contains(LocalInfrastructure.CLICKHOUSE)) {
            startPart(
                    LocalInfrastructure.CLICKHOUSE,
                    "ClickHouse on " + settings.clickHouseUrl() + " (native TCP "
                            + settings.port(LocalSettings.CLICKHOUSE_TCP_PORT) + ")",
                    "ClickHouse already running (pid %d) on " + settings.clickHouseUrl(),
                    "waiting for /ping",
                    infrastructure::startClickHouse,
                    started,
                    handles);
        }
        Map<String, Waiting> waits = new LinkedHashMap<>();
        if (handles.containsKey(LocalInfrastructure.KAFKA)) {
            long kafkaStart = started.get(LocalInfrastructure.KAFKA);
            waits.put(
                    LocalInfrastructure.KAFKA,
                    new Waiting(
                            handles.get(LocalInfrastructure.KAFKA),
                            KAFKA_READY,
                            infrastructure::kafkaReady,
                            () -> console.ok("Kafka ready on " + settings.kafkaBootstrap() + " ("
                                    + Console.elapsed(kafkaStart) + ")")));
        }
        if (handles.containsKey(LocalInfrastructure.CLICKHOUSE)) {
            long clickHouseStart = started.get(LocalInfrastructure.CLICKHOUSE);
            waits.put(
                    LocalInfrastructure.CLICKHOUSE,
                    new Waiting(
                            handles.get(LocalInfrastructure.CLICKHOUSE),
                            CLICKHOUSE_READY,
                            infrastructure::clickHouseReady,
                            () -> console.ok("ClickHouse ready on " + settings.clickHouseUrl() + " ("
                                    + Console.elapsed(clickHouseStart) + ")")));
        }
        Map<String, Wait> results = awaitAll(waits);
        if (results.getOrDefault(LocalInfrastructure.KAFKA, Wait.READY) != Wait.READY) {
            console.logTail(settings.log(LocalInfrastructure.KAFKA), 25);
            throw new Console.Failure("Kafka did not become ready; log: " + settings.log(LocalInfrastructure.KAFKA));
        }
        if (results.getOrDefault(LocalInfrastructure.CLICKHOUSE, Wait.READY) != Wait.READY) {
            console.logTail(settings.log(LocalInfrastructure.CLICKHOUSE), 25);
            console.logTail(infrastructure.clickHouseErrorLog(), 25);
            throw new Console.Failure("ClickHouse did not become ready; logs: "
                    + settings.log(LocalInfrastructure.CLICKHOUSE) + ", " + infrastructure.clickHouseErrorLog());
        }
    }

    /** Starts one infrastructure part unless it runs; records its handle and start time when it was started. */
    private void startPart(
            String part,
            String stepText,
            String alreadyRunning,
            String waitingFor,
            java.util.function.Supplier<ProcessHandle> starter,
            Map<String, Long> started,
            Map<String, ProcessHandle> handles) {
        Optional<ProcessHandle> live = running(part);
        if (live.isPresent()) {
            console.ok(alreadyRunning.formatted(live.get().pid()));
            return;
        }
        console.step(stepText);
        reportDeath(part);
        started.put(part, System.nanoTime());
        ProcessHandle handle = starter.get();
        handles.put(part, handle);
        console.note("started (pid " + handle.pid() + "), " + waitingFor);
    }

    /** Starts every selected service that has a jar and does not run, then waits; true when one is not ready. */
    private boolean startServices(List<String> parts, Map<String, String> extraEnv) {
        Map<Service, ProcessHandle> started = new LinkedHashMap<>();
        for (Service service : Service.values()) {
            if (!parts.contains(service.module())) {
                continue;
            }
            Optional<ProcessHandle> live = running(service.module());
            if (live.isPresent()) {
                console.ok(service.module() + " already running (pid "
                        + live.get().pid() + ") on " + settings.serviceUrl(service));
            } else if (!Files.isRegularFile(settings.serviceJar(service))) {
                console.note(service.module() + ": no " + settings.root().relativize(settings.serviceJar(service))
                        + " yet, skipped");
            } else {
                console.step(service.module() + " on " + settings.serviceUrl(service));
                reportDeath(service.module());
                ProcessHandle handle = services.start(service, extraEnv);
                console.note("started (pid " + handle.pid() + ")");
                started.put(service, handle);
            }
        }
        long start = System.nanoTime();
        Map<String, Waiting> waits = new LinkedHashMap<>();
        started.forEach((service, handle) -> waits.put(
                service.module(),
                new Waiting(
                        handle,
                        SERVICE_READY,
                        () -> ready(service.module()),
                        () -> console.ok(service.module() + " ready on " + settings.serviceUrl(service) + " ("
                                + Console.elapsed(start) + ")"))));
        boolean failed = false;
        for (Map.Entry<String, Wait> result : awaitAll(waits).entrySet()) {
            if (result.getValue() != Wait.READY) {
                Path log = settings.log(result.getKey());
                console.logTail(log, 25);
                console.warn(result.getKey() + " is not ready (it "
                        + (result.getValue() == Wait.DIED ? "exited" : "is still starting") + "); log: " + log);
                failed = true;
            }
        }
        return failed;
    }

    private enum Wait {
        READY,
        DIED,
        TIMEOUT
    }

    /** A process being waited for: its readiness check, how long it may take, what to print once it is ready. */
    private record Waiting(ProcessHandle process, Duration timeout, BooleanSupplier check, Runnable onReady) {}

    /**
     * Polls every check every 200 ms until each holds (then runs its {@code onReady}), its process dies or its
     * timeout passes; prints a dot every 2 s of waiting. Returns each part's outcome.
     */
    private Map<String, Wait> awaitAll(Map<String, Waiting> waits) {
        Map<String, Wait> results = new LinkedHashMap<>();
        long start = System.nanoTime();
        int ticks = 0;
        while (results.size() < waits.size()) {
            for (Map.Entry<String, Waiting> entry : waits.entrySet()) {
                Waiting waiting = entry.getValue();
                if (results.containsKey(entry.getKey())) {
                    continue;
                }
                if (waiting.check().getAsBoolean()) {
                    if (ticks >= 10) {
                        console.endTicks();
                        ticks = 0;
                    }
                    results.put(entry.getKey(), Wait.READY);
                    waiting.onReady().run();
                } else if (!waiting.process().isAlive()) {
                    results.put(entry.getKey(), Wait.DIED);
                } else if (System.nanoTime() - start > waiting.timeout().toNanos()) {
                    results.put(entry.getKey(), Wait.TIMEOUT);
                }
            }
            if (results.size() < waits.size()) {
                Processes.pause(200);
                if (++ticks % 10 == 0) {
                    console.tick();
                }
            }
        }
        if (ticks >= 10 || results.containsValue(Wait.DIED) || results.containsValue(Wait.TIMEOUT)) {
            console.endTicks();
        }
        return results;
    }

    /** When {@code part} died after it was started, says so with its log tail: `up` never restarts it silently. */
    private void reportDeath(String part) {
        if (died(part)) {
            console.warn(part + " (pid " + recordedPid(part)
                    + ") had died since it was started; starting it again (log: " + settings.log(part) + ")");
            console.logTail(settings.log(part), 25);
        }
    }

    /** Before starting anything: every port a part that is not running yet will need must be free. */
    private void checkPortsFree(List<String> parts) {
        for (String part : parts) {
            if (running(part).isPresent()) {
                continue;
            }
            switch (part) {
                case LocalInfrastructure.KAFKA -> {
                    requireFree("Kafka", LocalSettings.KAFKA_PORT);
                    requireFree("the Kafka controller", LocalSettings.KAFKA_CONTROLLER_PORT);
                }
                case LocalInfrastructure.CLICKHOUSE -> {
                    requireFree("ClickHouse HTTP", LocalSettings.CLICKHOUSE_HTTP_PORT);
                    requireFree("ClickHouse TCP", LocalSettings.CLICKHOUSE_TCP_PORT);
                }
                default -> {
                    Service service = Service.byModule(part);
                    if (settings.runnable(service)) {
                        requireFree(part, service.port());
                        requireFree(part, service.healthPort());
                    }
                }
            }
        }
    }

    private void requireFree(String what, Service.Port port) {
        int value = settings.port(port);
        if (Probes.accepts("127.0.0.1", value, 1000)) {
            throw new Console.Failure(
                    "port " + value + " (for " + what + ") is already in use by another program. Stop it, "
                            + "or choose another port: " + port.variable() + "=<port> ./pipeline up");
        }
    }

    /** Stops every part by PID, services first (reverse start order); the data is kept. */
    public int down() {
        console.step("Stopping the pipeline (" + settings.home() + ")");
        List<String> order = new ArrayList<>();
        for (int i = Service.values().length - 1; i >= 0; i--) {
            order.add(Service.values()[i].module());
        }
        order.add(LocalInfrastructure.KAFKA);
        order.add(LocalInfrastructure.CLICKHOUSE);
        for (String part : order) {
            stop(part, STOP_GRACE.getOrDefault(part, SERVICE_STOP_GRACE));
        }
        console.note("data kept in " + settings.home() + " (delete that folder for a fresh start)");
        return 0;
    }

    private void stop(String part, Duration grace) {
        Optional<ProcessHandle> live = running(part);
        if (live.isEmpty()) {
            if (died(part)) {
                console.note(part + " was not running (it had died; see " + settings.log(part) + ")");
            }
            deletePidFile(part);
            return;
        }
        long start = System.nanoTime();
        ProcessHandle process = live.get();
        process.destroy();
        if (!Processes.awaitExit(process, grace)) {
            console.warn(part + " (pid " + process.pid() + ") still running after " + grace.toSeconds()
                    + " s: sending SIGKILL");
            Processes.stop(process, Duration.ZERO);
        }
        deletePidFile(part);
        console.ok(part + " stopped (pid " + process.pid() + ", " + Console.elapsed(start) + ")");
    }

    private void deletePidFile(String part) {
        try {
            Files.deleteIfExists(settings.pidFile(part));
        } catch (IOException e) {
            console.warn("cannot delete " + settings.pidFile(part) + ": " + e.getMessage());
        }
    }

    /** Each part's PID, state and URL; returns 1 when a part has died, else 0. */
    public int status() {
        return new LocalPipelineReport(this, console).status();
    }
}
