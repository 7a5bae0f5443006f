package io.kzpipe.launcher;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The pipeline's services as the local launcher runs them: {@code java -jar <module>/target/<module>.jar} (its
 * libraries in {@code target/lib} beside it), the port setting it listens on, the port setting that answers
 * {@code /health/ready}, and its JVM options (small fixed heaps and the serial collector: peaks of 200-300 MB RSS
 * per service at 2,000 webhooks/s in docs/BENCHMARKS.md; the processor's RocksDB memory is off-heap and bounded
 * apart, the sink's buffers fit its heap). {@link #start()} says when {@code up} starts it: the three pipeline
 * services always, the puller when {@code PULLER_SOURCES} is set, the Kaizala double only when asked for by name
 * ({@code ./pipeline demo} starts it).
 */
public enum Service {
    GATEWAY("ingest-gateway", "-Xms128m -Xmx160m", Start.ALWAYS, new Port("GATEWAY_PORT", 8080),
            new Port("GATEWAY_MANAGEMENT_PORT", 8083)), PROCESSOR("stream-processor", "-Xms32m -Xmx160m", Start.ALWAYS,
                    new Port("PROCESSOR_MANAGEMENT_PORT", 8081)), SINK("sink-clickhouse",
                            "-Xms32m -Xmx160m -Djdk.nio.maxCachedBufferSize=262144", Start.ALWAYS,
                            new Port("SINK_MANAGEMENT_PORT", 8082)), PULLER("kaizala-puller", "-Xms32m -Xmx160m",
                                    Start.WHEN_CONFIGURED, new Port("PULLER_MANAGEMENT_PORT", 8084)), KAIZALA_DOUBLE(
                                            "kaizala-double", "-Xms32m -Xmx128m", Start.ON_REQUEST,
                                            new Port("KAIZALA_DOUBLE_PORT", 8090));

    /** When {@code up} without names starts a service. */
    public enum Start {
        /** always */
        ALWAYS,
        /** when {@link Service#PULLER_SOURCES} is set: it has something to pull */
        WHEN_CONFIGURED,
        /** only when named ({@code up kaizala-double}) or by the command that needs it */
        ON_REQUEST
    }

    /** What the puller pulls; without it {@code up} leaves the puller out. */
    public static final String PULLER_SOURCES = "PULLER_SOURCES";

    /** The gateway's webhook path (its URL in the summary and in {@code status}). */
    public static final String WEBHOOK_PATH = "/webhooks/kaizala";

    private static final String JAVA_OPTS_COMMON = "-XX:+UseSerialGC -Xss512k -XX:MaxMetaspaceSize=128m "
            + "-XX:ReservedCodeCacheSize=64m -XX:+ExitOnOutOfMemoryError";

    private final String module;
    private final String heap;
    private final Start start;
    private final Port port;
    private final Port healthPort;

    /** {@code ports}: the one it serves on, then the one that answers its health path when that is another. */
    Service(String module, String heap, Start start, Port... ports) {
        this.module = module;
        this.heap = heap;
        this.start = start;
        this.port = ports[0];
        this.healthPort = ports[ports.length - 1];
    }

    /** A port setting: the environment variable and its default. */
    public record Port(String variable, int defaultValue) {}

    /** The Maven module, also the part's name in {@code status}, the PID file and the log. */
    public String module() {
        return module;
    }

    /** The port it serves on (the gateway's webhooks, the others' management endpoints). */
    public Port port() {
        return port;
    }

    /** The port that answers {@link #healthPath()}. */
    public Port healthPort() {
        return healthPort;
    }

    /** The path that answers 200 once it is ready ({@code /health/ready}, the double has none: a control route). */
    public String healthPath() {
        return this == KAIZALA_DOUBLE ? "/_double/webhooks" : "/health/ready";
    }

    public Start start() {
        return start;
    }

    /** Whether {@code up} without names starts it with the settings of {@code env}. */
    public boolean startedByDefault(Map<String, String> env) {
        return switch (start) {
            case ALWAYS -> true;
            case WHEN_CONFIGURED -> {
                String sources = env.get(PULLER_SOURCES);
                yield sources != null && !sources.isBlank();
            }
            case ON_REQUEST -> false;
        };
    }

    /** Its JVM options: {@code <NAME>_JAVA_OPTS} ({@code GATEWAY_JAVA_OPTS}, ...) when set, else the defaults. */
    public List<String> javaOptions(Map<String, String> env) {
        String configured = env.get(name() + "_JAVA_OPTS");
        return words(configured != null ? configured : heap + " " + JAVA_OPTS_COMMON);
    }

    /** The words of {@code options} (split at white space): JVM options as a setting gives them. */
    static List<String> words(String options) {
        return Arrays.stream(options.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    /** The service by module name, or null. */
    public static Service byModule(String module) {
        return Arrays.stream(values()).filter(service -> service.module.equals(module)).findFirst().orElse(null);
    }
}
