package io.kzpipe.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The local pipeline on this machine: {@code up} starts Kafka, ClickHouse and every service that has a jar as
 * detached processes (PID files in {@code PIPELINE_HOME/pids}, logs in {@code PIPELINE_HOME/logs}) and waits until
 * each answers (the broker an Admin call, ClickHouse {@code /ping}, a service {@code /health/ready}); {@code down}
 * stops them by PID (SIGTERM, then SIGKILL), services first; {@code status} shows each part. A part whose
 * process died is reported, and started again by the next {@code up}. Data is kept across {@code down}/{@code up}.
 */
public final class LocalPipeline {

    static final String KAFKA = "kafka";
    static final String CLICKHOUSE = "clickhouse";

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
                .anyMatch(
                        part -> Processes.running(home.resolve("pids").resolve(part + ".pid"), home + "/").isPresent());
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
        if (startAll(List.of(service.module()), extraEnv)) {
            throw new Console.Failure(
                    service.module() + " did not become ready; log: " + settings.log(service.module()));
        }
    }

    /** Every part, in start order: kafka, clickhouse, then the services. */
    public static List<String> parts() {
        return Stream.concat(Stream.of(KAFKA, CLICKHOUSE), Arrays.stream(Service.values()).map(Service::module))
                .toList();
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
            case KAFKA -> Probes.kafkaReady(settings.kafkaBootstrap());
            case CLICKHOUSE -> Probes.clickHouseReady(settings.clickHouseUrl());
            default -> Probes.httpOk(settings.healthUrl(Service.byModule(part)), "");
        };
    }

    /** The part's URL as {@code status} shows it. */
    public String url(String part) {
        return switch (part) {
            case KAFKA -> settings.kafkaBootstrap();
            case CLICKHOUSE -> settings.clickHouseUrl();
            default -> Service.byModule(part) == Service.GATEWAY
                    ? settings.serviceUrl(Service.GATEWAY) + Service.WEBHOOK_PATH
                    : settings.healthUrl(Service.byModule(part));
        };
    }

    /** Where {@code up} says the part serves: its URL, a service's own port. */
    private String address(String part) {
        Service service = Service.byModule(part);
        return service == null ? url(part) : settings.serviceUrl(service);
    }

    /** The part's name in what {@code up} prints. */
    private static String title(String part) {
        return switch (part) {
            case KAFKA -> "Kafka";
            case CLICKHOUSE -> "ClickHouse";
            default -> part;
        };
    }

    boolean died(String part) {
        return Files.exists(settings.pidFile(part)) && running(part).isEmpty();
    }

    String recordedPid(String part) {
        return Processes.recordedPid(settings.pidFile(part)).map(String::valueOf).orElse("?");
    }

    /**
     * Starts what is not running of {@code selected} (without names, the parts {@code up} starts by default:
     * {@link Service#startedByDefault}) and waits until each is ready. Returns 0; throws {@link Console.Failure}
     * when a part cannot start or a service does not become ready.
     */
    public int up(List<String> selected) {
        long start = System.nanoTime();
        List<String> parts = selected.isEmpty()
                ? parts().stream()
                        .filter(part -> Service.byModule(part) == null
                                || Service.byModule(part).startedByDefault(settings.env()))
                        .toList()
                : selected;
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
        Map<Boolean, List<String>> byKind = parts().stream()
                .filter(parts::contains)
                .collect(Collectors.partitioningBy(part -> Service.byModule(part) != null));
        startAll(byKind.get(false), Map.of());
        boolean failed = startAll(byKind.get(true), Map.of());
        new LocalPipelineReport(this, console).summary(start, failed);
        if (failed) {
            throw new Console.Failure(
                    "some services did not become ready (see above); './pipeline status' shows what runs");
        }
        return 0;
    }

    /**
     * Starts each of {@code names} that does not run (a service only when it has a jar), then waits until each is
     * ready (the broker an Admin call, ClickHouse {@code /ping}, a service its health path). Kafka or ClickHouse
     * not ready ends the command; a service not ready is reported with its log: returns true then.
     */
    private boolean startAll(List<String> names, Map<String, String> extraEnv) {
        try (Probes.KafkaProbe kafka = new Probes.KafkaProbe(settings.kafkaBootstrap())) {
            return startAll(names, extraEnv, kafka);
        }
    }

    private boolean startAll(List<String> names, Map<String, String> extraEnv, Probes.KafkaProbe kafka) {
        Map<String, Probes.Waiting> waits = new LinkedHashMap<>();
        for (String part : names) {
            Service service = Service.byModule(part);
            Optional<ProcessHandle> live = running(part);
            if (live.isPresent()) {
                console.ok(title(part) + " already running (pid " + live.get().pid() + ") on " + address(part));
                continue;
            }
            if (service != null && !Files.isRegularFile(settings.serviceJar(service))) {
                console.note(
                        part + ": no " + settings.root().relativize(settings.serviceJar(service)) + " yet, skipped");
                continue;
            }
            console.step(switch (part) {
                case KAFKA -> "Kafka (single-node KRaft) on " + address(part);
                case CLICKHOUSE -> "ClickHouse on " + address(part) + " (native TCP "
                        + settings.port(LocalSettings.CLICKHOUSE_TCP_PORT) + ")";
                default -> part + " on " + address(part);
            });
            reportDeath(part);
            long start = System.nanoTime();
            ProcessHandle handle = switch (part) {
                case KAFKA -> infrastructure.startKafka();
                case CLICKHOUSE -> infrastructure.startClickHouse();
                default -> services.start(service, extraEnv);
            };
            console.note("started (pid " + handle.pid() + ")" + switch (part) {
                case KAFKA -> ", waiting for the broker";
                case CLICKHOUSE -> ", waiting for /ping";
                default -> "";
            });
            Duration timeout = Duration.ofSeconds(part.equals(CLICKHOUSE) ? 60 : 120);
            waits.put(part, new Probes.Waiting(handle, timeout, part.equals(KAFKA) ? kafka.open() : () -> ready(part),
                    () -> console
                            .ok(title(part) + " ready on " + address(part) + " (" + Console.elapsed(start) + ")")));
        }
        boolean failed = false;
        for (Map.Entry<String, Probes.Wait> result : Probes.awaitAll(waits, console).entrySet()) {
            String part = result.getKey();
            if (result.getValue() == Probes.Wait.READY) {
                continue;
            }
            List<Path> logs = part.equals(CLICKHOUSE)
                    ? List.of(settings.log(part), infrastructure.clickHouseErrorLog())
                    : List.of(settings.log(part));
            logs.forEach(log -> console.logTail(log, 25));
            if (Service.byModule(part) == null) {
                throw new Console.Failure(title(part) + " did not become ready; log" + (logs.size() > 1 ? "s: " : ": ")
                        + logs.stream().map(Path::toString).collect(Collectors.joining(", ")));
            }
            console.warn(part + " is not ready (it "
                    + (result.getValue() == Probes.Wait.DIED ? "exited" : "is still starting") + "); log: "
                    + logs.get(0));
            failed = true;
        }
        return failed;
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
                case KAFKA -> {
                    requireFree("Kafka", LocalSettings.KAFKA_PORT);
                    requireFree("the Kafka controller", LocalSettings.KAFKA_CONTROLLER_PORT);
                }
                case CLICKHOUSE -> {
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
        List<String> order = new ArrayList<>(parts().subList(2, parts().size()));
        Collections.reverse(order);
        order.addAll(List.of(KAFKA, CLICKHOUSE));
        for (String part : order) {
            stop(part, Duration.ofSeconds(part.equals(KAFKA) ? 60 : part.equals(CLICKHOUSE) ? 30 : 40));
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
