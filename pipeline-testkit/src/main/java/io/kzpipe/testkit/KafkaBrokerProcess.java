package io.kzpipe.testkit;

import io.kzpipe.launcher.KafkaBrokerConfig;
import io.kzpipe.launcher.Probes;
import io.kzpipe.launcher.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft broker (combined broker and controller) in a child JVM, for tests that stop and start
 * the broker: {@code java -cp <this JVM's classpath> kafka.Kafka server.properties}.
 *
 * <p>Guarantees: the listener ports are chosen once and kept for the object's lifetime, so clients configured
 * with {@link #bootstrapServers()} reconnect after {@link #stop()} / {@link #start()}; the data directory is
 * formatted once ({@code kafka.tools.StorageTool}) and kept across restarts, so committed records survive;
 * replication factor 1 everywhere, so transactions and {@code exactly_once_v2} work. {@link #close()} stops
 * the broker and deletes its data; the broker log ({@link #logFile()}) stays under {@code target/testkit}.
 * Methods are thread-safe.
 *
 * <pre>{@code
 * try (KafkaBrokerProcess broker = KafkaBrokerProcess.launch()) {
 *     broker.kafka().createTopics(List.of("t"), 3);
 *     broker.stop();   // SIGTERM, waits for the exit: clients now time out
 *     broker.start();  // same ports, same data
 * }
 * }</pre>
 *
 * <p>(The static factory is {@code launch()}, not {@code start()}: Java does not allow a static and an
 * instance method with the same signature.)
 */
public final class KafkaBrokerProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerProcess.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final Path home;
    private final int brokerPort;
    private final int controllerPort;
    private List<String> command;
    private Process process;
    private boolean closed;

    private KafkaBrokerProcess(Path home, int brokerPort, int controllerPort) {
        this.home = home;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
    }

    /** Formats a new data directory and starts the broker; returns once it answers metadata requests. */
    public static KafkaBrokerProcess launch() {
        return launch(Map.of());
    }

    /** Like {@link #launch()}, with extra or overriding {@code server.properties} entries. */
    public static KafkaBrokerProcess launch(Map<String, String> serverProperties) {
        KafkaBrokerProcess broker = new KafkaBrokerProcess(Settings.newRunDir("kafka-broker"), FreePorts.find(),
                FreePorts.find());
        try {
            broker.prepare(serverProperties);
            broker.start();
            return broker;
        } catch (RuntimeException | Error e) {
            broker.close();
            throw e;
        }
    }

    /** {@code 127.0.0.1:<port>}; the same for the whole lifetime of this object. */
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /** Topic and record helpers bound to this broker. */
    public TestKafka kafka() {
        return new TestKafka(bootstrapServers(), "KafkaBrokerProcess, log " + logFile());
    }

    /** The broker's combined stdout/stderr log. */
    public Path logFile() {
        return home.resolve("broker.log");
    }

    /** Starts the broker (again) on the same ports and data; no-op while it runs. Waits until it is ready. */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("broker already closed");
        }
        if (isRunning()) {
            return;
        }
        long began = System.nanoTime();
        process = ChildProcesses.start(Processes.logged(command, home, logFile()));
        Probes.Wait wait;
        try (Probes.KafkaProbe probe = new Probes.KafkaProbe(bootstrapServers())) {
            wait = Probes.await(process.toHandle(), READY_TIMEOUT, probe.open());
        }
        if (wait == Probes.Wait.DIED) {
            throw new IllegalStateException("Kafka broker JVM exited with code " + process.onExit().join().exitValue()
                    + " during start-up. Log " + logFile() + ":\n" + Processes.tail(logFile(), 30));
        } else if (wait == Probes.Wait.TIMEOUT) {
            ChildProcesses.kill(process);
            throw new IllegalStateException("Kafka broker on " + bootstrapServers() + " was not ready within "
                    + READY_TIMEOUT + ". Log " + logFile() + ":\n" + Processes.tail(logFile(), 30));
        }
        LOG.info("Kafka broker process {} ready on {} in {} ms", process.pid(), bootstrapServers(),
                (System.nanoTime() - began) / 1_000_000);
    }

    /** Graceful stop: SIGTERM, then waits for the exit (SIGKILL if it takes longer than a minute). */
    public synchronized void stop() {
        if (process != null && process.isAlive()) {
            if (!ChildProcesses.stop(process, STOP_TIMEOUT)) {
                LOG.warn("Kafka broker process {} ignored SIGTERM for {}; killed it", process.pid(), STOP_TIMEOUT);
            }
        }
    }

    /** Hard stop: SIGKILL, then waits for the exit (no controlled shutdown, like a crash). */
    public synchronized void kill() {
        if (process != null && process.isAlive()) {
            ChildProcesses.kill(process);
        }
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops the broker and deletes its data directory; the log file stays. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        Settings.deleteTree(home.resolve("data"));
    }

    private void prepare(Map<String, String> overrides) {
        try {
            Files.writeString(home.resolve("logback.xml"), """
                    <configuration>
                      <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                        <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
                      </appender>
                      <logger name="kafka" level="INFO"/>
                      <logger name="org.apache.kafka" level="WARN"/>
                      <root level="WARN"><appender-ref ref="OUT"/></root>
                    </configuration>
                    """, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the broker configuration in " + home, e);
        }
        List<String> java = ChildProcesses.javaCommand(List.of("-Xms128m", "-Xmx768m", "-XX:+UseSerialGC",
                "-Dlogback.configurationFile=" + home.resolve("logback.xml")));
        command = KafkaBrokerConfig.prepare(home, brokerPort, controllerPort, overrides, java, logFile());
    }
}
