package io.kzpipe.bench;

import io.kzpipe.kaizaladouble.DoubleSettings;
import io.kzpipe.kaizaladouble.GroupSeed;
import io.kzpipe.kaizaladouble.KaizalaDouble;
import io.kzpipe.testkit.FreePorts;
import io.kzpipe.testkit.KafkaBrokerProcess;
import io.kzpipe.testkit.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Puller backfill throughput: responses per second from the Kaizala double into the raw topic, with the call budget
 * lifted at both ends (the double's {@code callsPerMinute} 0, {@code PULLER_CALLS_PER_MINUTE} 100,000).
 *
 * <p>One double (in this JVM) holds a group of {@code BENCH_RESPONSES} responses, 50 per action. Each round starts a
 * fresh puller process ({@code java -cp ... io.kzpipe.puller.Main}, its own topic prefix, state topic and
 * transactional id) and waits until it is ready (not timed), then runs the {@code backfill} command; the time runs
 * from the first list call the double answered until a {@code read_committed} consumer has seen every response on
 * the raw topic (the puller commits records and cursor in
 * one transaction, so they are then durable). Also printed: the calls the double answered per round, and the time a
 * backfill of 100,000 responses would take at Kaizala's 100 calls/min, computed from the calls one backfill needs.
 *
 * <p>Environment: BENCH_RESPONSES (50000), BENCH_ROUNDS (3, median reported), BENCH_BOOTSTRAP (a running broker
 * instead of a private one), PULLER_PAGE_SIZE (the puller's; default its own), BENCH_PULLER_JVM_OPTS.
 */
public final class PullerBench {

    private static final int PER_ACTION = 50;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private PullerBench() {}

    public static void main(String[] args) throws Exception {
        int responses = Integer.parseInt(System.getenv().getOrDefault("BENCH_RESPONSES", "50000"));
        int rounds = Integer.parseInt(System.getenv().getOrDefault("BENCH_ROUNDS", "3"));
        String external = System.getenv("BENCH_BOOTSTRAP");
        KafkaBrokerProcess broker = external == null ? KafkaBrokerProcess.launch() : null;
        String bootstrap = external != null ? external : broker.bootstrapServers();
        int actions = (responses + PER_ACTION - 1) / PER_ACTION;
        // whole seconds: the double times actions in whole seconds, and the backfill's range is inclusive
        Instant to = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minus(Duration.ofDays(1));
        Instant from = to.minus(Duration.ofDays(60));
        try (KaizalaDouble d = KaizalaDouble.start(DoubleSettings.defaults().withCallsPerMinute(0))) {
            d.seed(GroupSeed.of("bench-group", actions, PER_ACTION, from, to, 7L));
            long total = d.responseCount("bench-group");
            System.out.printf(Locale.ROOT, "group: %d actions x %d responses = %d responses%n", actions, PER_ACTION, total);
            List<Double> rates = new ArrayList<>();
            long calls = 0;
            for (int round = 1; round <= rounds; round++) {
                d.clearCalls();
                double seconds = round(bootstrap, d, round, from, to, total);
                calls = d.calls().size();
                rates.add(total / seconds);
                System.out.printf(
                        Locale.ROOT,
                        "round %d: %d responses in %.1f s = %.0f responses/s, %d calls (%.1f responses per call)%n",
                        round,
                        total,
                        seconds,
                        total / seconds,
                        calls,
                        (double) total / calls);
            }
            List<Double> sorted = rates.stream().sorted().toList();
            System.out.printf(
                    Locale.ROOT,
                    "median of %d: %.0f responses/s (min %.0f, max %.0f)%n",
                    rounds,
                    sorted.get(sorted.size() / 2),
                    sorted.get(0),
                    sorted.get(sorted.size() - 1));
            double callsPer100k = calls * 100_000.0 / total;
            System.out.printf(
                    Locale.ROOT,
                    "computed: 100,000 responses (%d per action) need about %.0f calls = %.1f min at 100 calls/min%n",
                    PER_ACTION,
                    callsPer100k,
                    callsPer100k / 100);
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    /** One fresh puller backfilling the whole group; seconds from the command until every response is committed. */
    private static double round(String bootstrap, KaizalaDouble d, int round, Instant from, Instant to, long total)
            throws Exception {
        String prefix = "bench" + round + "-" + System.nanoTime() + ".";
        int port = FreePorts.find();
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("TOPIC_PREFIX", prefix);
        env.put("PULLER_INSTANCE_ID", "bench-" + round);
        env.put("PULLER_MANAGEMENT_HOST", "127.0.0.1");
        env.put("PULLER_MANAGEMENT_PORT", Integer.toString(port));
        env.put("PULLER_CALLS_PER_MINUTE", "100000");
        env.put("KAIZALA_API_URL", d.url());
        env.put("KAIZALA_APPLICATION_ID", d.settings().applicationId());
        env.put("KAIZALA_APPLICATION_SECRET", d.settings().applicationSecret());
        env.put("KAIZALA_REFRESH_TOKEN", d.refreshToken());
        String pageSize = System.getenv("PULLER_PAGE_SIZE");
        if (pageSize != null) {
            env.put("PULLER_PAGE_SIZE", pageSize);
        }
        List<String> jvm = List.of(
                System.getenv().getOrDefault("BENCH_PULLER_JVM_OPTS", "-Xmx256m -XX:+UseSerialGC").split(" "));
        Path logs = Path.of("target");
        try (ServiceProcess puller = ServiceProcess.start(
                "io.kzpipe.puller.Main", env, logs.resolve("puller-" + round + ".log"), jvm)) {
            awaitReady(port, puller);
            Instant commandAt = Instant.now();
            ServiceProcess command = ServiceProcess.start(
                    "io.kzpipe.puller.Main",
                    List.of("backfill", "--source", "group:bench-group", "--from", from.toString(), "--to", to.toString()),
                    env,
                    logs.resolve("backfill-" + round + ".log"),
                    jvm);
            long seen = countUntil(bootstrap, prefix + "raw", total, Duration.ofMinutes(30));
            Instant end = Instant.now();
            command.close();
            // from the first list call the double answered (not the command JVM's start-up) to the last record
            Instant first = d.calls().stream()
                    .filter(c -> c.path().endsWith("/actions"))
                    .map(io.kzpipe.kaizaladouble.Call::time)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no list call; see " + puller.logFile()));
            System.out.printf(
                    Locale.ROOT,
                    "  (command to first list call: %.1f s)%n",
                    Duration.between(commandAt, first).toMillis() / 1e3);
            double seconds = Duration.between(first, end).toMillis() / 1e3;
            if (seen < total) {
                throw new IllegalStateException("only " + seen + " of " + total + " responses; see "
                        + puller.logFile() + ":\n" + puller.logTail(40));
            }
            return seconds;
        }
    }

    private static void awaitReady(int port, ServiceProcess puller) throws InterruptedException {
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                .timeout(Duration.ofSeconds(2))
                .build();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            if (!puller.isAlive()) {
                throw new IllegalStateException("the puller exited:\n" + puller.logTail(40));
            }
            try {
                if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the puller was not ready within 2 minutes:\n" + puller.logTail(40));
    }

    /** Counts committed records on {@code topic} until {@code expected} (or the timeout); returns the count. */
    private static long countUntil(String bootstrap, String topic, long expected, Duration timeout) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-count-" + System.nanoTime());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 500);
        long seen = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (seen < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    seen++;
                }
            }
        }
        return seen;
    }
}
