package io.kzpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kzpipe.e2e.PipelineStack.Service;
import io.kzpipe.kaizaladouble.KaizalaDouble;
import io.kzpipe.model.config.EnvReader;
import io.kzpipe.model.kafka.KafkaSettings;
import io.kzpipe.puller.command.BackfillCommand;
import io.kzpipe.puller.state.BackfillJob;
import io.kzpipe.testkit.FreePorts;
import io.kzpipe.testkit.ServiceProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The puller service as a child JVM ({@code io.kzpipe.puller.Main}, the test classpath) on a {@link PipelineStack}'s
 * Kafka and topics, signed in to a {@link KaizalaDouble} with its demo connector. Each instance has its own state
 * topic ({@code TOPIC_PULLER_STATE}) and transactional id, so one test's cursor and token state (which name the
 * double's endpoint) never reach another test's puller; a restart of the same instance keeps both.
 */
final class PullerProcess implements AutoCloseable {

    static final String MAIN = "io.kzpipe.puller.Main";
    private static final List<String> JVM_ARGS = List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Map<String, String> env;
    private final String name;
    private final int port;
    private final ServiceProcess process;

    private PullerProcess(Map<String, String> env, Path logs, String name, int port) {
        this.env = env;
        this.name = name;
        this.port = port;
        this.process = ServiceProcess.start(MAIN, env, logs.resolve("puller-" + name + ".log"), JVM_ARGS);
    }

    /**
     * Starts a puller named {@code name} (its log, state topic and transactional id) and waits until it is ready.
     *
     * @param settings added to or replacing the defaults (e.g. {@code PULLER_CALLS_PER_MINUTE})
     */
    static PullerProcess start(PipelineStack stack, KaizalaDouble d, String name, Map<String, String> settings) {
        Map<String, String> env = new HashMap<>();
        Map<String, String> gateway = stack.environment(Service.GATEWAY);
        for (String key : List.of("KAFKA_BOOTSTRAP_SERVERS", "TOPIC_PREFIX", "TOPIC_PARTITIONS",
                "TOPIC_REPLICATION_FACTOR")) {
            env.put(key, gateway.get(key));
        }
        int port = FreePorts.find();
        env.put("TOPIC_PULLER_STATE", gateway.get("TOPIC_PREFIX") + "puller-state-" + name);
        env.put("PULLER_INSTANCE_ID", "puller-" + name);
        env.put("PULLER_MANAGEMENT_HOST", "127.0.0.1");
        env.put("PULLER_MANAGEMENT_PORT", Integer.toString(port));
        env.put("KAIZALA_API_URL", d.url());
        env.put("KAIZALA_APPLICATION_ID", d.settings().applicationId());
        env.put("KAIZALA_APPLICATION_SECRET", d.settings().applicationSecret());
        env.put("KAIZALA_REFRESH_TOKEN", d.refreshToken());
        env.putAll(settings);
        PullerProcess p = new PullerProcess(env, stack.logs(), name, port);
        p.awaitReady();
        return p;
    }

    /**
     * Records a backfill job of {@code source} over {@code [from, to]} for the running service (the {@code backfill}
     * command, in-process through its Java entry point as an operator's {@code java -jar ... backfill} runs it).
     *
     * @return the job id
     */
    String backfill(String source, Instant from, Instant to) {
        try {
            return command().record(source, from, to);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until job {@code id} is {@code DONE} ({@code backfill --status}). */
    void awaitBackfill(String id) {
        await("backfill " + id + " done").atMost(PullerChecks.LANDED)
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(command().status()).as("puller log:%n%s", process.logTail(30))
                        .filteredOn(j -> j.id().equals(id))
                        .singleElement()
                        .satisfies(j -> {
                            assertThat(j.error()).isEmpty();
                            assertThat(j.status()).isEqualTo(BackfillJob.DONE);
                        }));
    }

    private BackfillCommand command() {
        EnvReader reader = new EnvReader(env);
        KafkaSettings kafka = KafkaSettings.from(reader);
        reader.throwIfProblems();
        return new BackfillCommand(kafka, Clock.systemUTC(), new PrintStream(OutputStream.nullOutputStream()));
    }

    /** SIGKILL (no shutdown hook, like a crash), start again with the same settings, wait until ready. */
    void killAndRestart() {
        process.kill();
        process.restart();
        awaitReady();
    }

    long pid() {
        return process.pid();
    }

    String logTail() {
        return process.logTail(60);
    }

    /** The sum of every sample of {@code metric} (all label sets) on {@code /metrics}; 0 when absent. */
    double metric(String metric) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + "(\\{[^}]*})? (\\S+)$")
                .matcher(get("/metrics").body());
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(2));
        }
        return sum;
    }

    private void awaitReady() {
        await("puller " + name + " ready").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptionsInstanceOf(UncheckedIOException.class)
                .untilAsserted(() -> {
                    assertThat(process.isAlive()).as("puller exited:%n%s", process.logTail(60)).isTrue();
                    assertThat(get("/health/ready").statusCode()).isEqualTo(200);
                });
    }

    private HttpResponse<String> get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.stop();
    }
}
