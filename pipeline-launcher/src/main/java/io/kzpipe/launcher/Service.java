package io.kzpipe.launcher;

import java.util.List;
import java.util.Map;

/**
 * The pipeline's services as the local launcher runs them: {@code java -jar <module>/target/<module>.jar} (its
 * libraries in {@code target/lib} beside it), the port setting it listens on, the port setting that answers
 * {@code /health/ready}, and its JVM options (small fixed heaps and the serial collector: peaks of 200-300 MB RSS
 * per service at 2,000 webhooks/s in docs/BENCHMARKS.md; the processor's RocksDB memory is off-heap and bounded
 * apart, the sink's buffers fit its heap).
 */
public enum Service {
    GATEWAY(
            "ingest-gateway",
            new Port("GATEWAY_PORT", 8080),
            new Port("GATEWAY_MANAGEMENT_PORT", 8083),
            "GATEWAY_JAVA_OPTS",
            "-Xms128m -Xmx160m"),
    PROCESSOR(
            "stream-processor",
            new Port("PROCESSOR_MANAGEMENT_PORT", 8081),
            new Port("PROCESSOR_MANAGEMENT_PORT", 8081),
            "PROCESSOR_JAVA_OPTS",
            "-Xms32m -Xmx160m"),
    SINK(
            "sink-clickhouse",
            new Port("SINK_MANAGEMENT_PORT", 8082),
            new Port("SINK_MANAGEMENT_PORT", 8082),
            "SINK_JAVA_OPTS",
            "-Xms32m -Xmx160m -Djdk.nio.maxCachedBufferSize=262144");

    /** The gateway's webhook path (its URL in the summary and in {@code status}). */
    public static final String WEBHOOK_PATH = "/webhooks/kaizala";

    private static final String JAVA_OPTS_COMMON = "-XX:+UseSerialGC -Xss512k -XX:MaxMetaspaceSize=128m "
            + "-XX:ReservedCodeCacheSize=64m -XX:+ExitOnOutOfMemoryError";

    private final String module;
    private final Port port;
    private final Port healthPort;
    private final String javaOptsVariable;
    private final String heap;

    Service(String module, Port port, Port healthPort, String javaOptsVariable, String heap) {
        this.module = module;
        this.port = port;
        this.healthPort = healthPort;
        this.javaOptsVariable = javaOptsVariable;
        this.heap = heap;
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

    /** The port that answers {@code GET /health/ready}. */
    public Port healthPort() {
        return healthPort;
    }

    /** Its JVM options: {@code <SERVICE>_JAVA_OPTS} when set, else the defaults. */
    public List<String> javaOptions(Map<String, String> env) {
        String configured = env.get(javaOptsVariable);
        String options = configured != null ? configured : heap + " " + JAVA_OPTS_COMMON;
        return List.of(options.trim().split("\\s+")).stream()
                .filter(s -> !s.isEmpty())
                .toList();
    }

    /** The service by module name, or null. */
    public static Service byModule(String module) {
        for (Service service : values()) {
            if (service.module.equals(module)) {
                return service;
            }
        }
        return null;
    }
}
