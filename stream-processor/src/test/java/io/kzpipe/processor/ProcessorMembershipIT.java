package io.kzpipe.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kzpipe.model.ops.ServiceMetrics;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import io.kzpipe.processor.config.ProcessorConfig;
import io.kzpipe.testkit.FreePorts;
import io.kzpipe.testkit.KafkaBrokerProcess;
import io.kzpipe.testkit.KafkaExtension;
import io.kzpipe.testkit.ServiceProcess;
import io.kzpipe.testkit.TestKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Static group membership ({@code PROCESSOR_INSTANCE_ID}) of the processor's real entry point in a child JVM, and
 * its health while the broker is down. The session timeout is Kafka's default (45 s) here: a restart that had to
 * wait for the group to time out the old member could not pass the bounds below.
 */
@ExtendWith(KafkaExtension.class)
class ProcessorMembershipIT {

    private static final Duration LONG = Duration.ofSeconds(120);
    /** The issue asks for 5 s (graceful) and 10 s (killed) from the new process's start; generous for 2 loaded cores. */
    private static final Duration RESTART_BOUND = Duration.ofSeconds(25);

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aRestartedProcessorWithItsInstanceIdProcessesWithinSecondsAfterAGracefulStopAndAfterAKill(TestKafka kafka)
            throws Exception {
        String prefix = kafka.uniqueName("member") + ".";
        Map<String, String> env = new HashMap<>(ProcessorItSupport.env(kafka, prefix,
                Files.createTempDirectory(Files.createDirectories(Path.of("target", "it-state")), "member")));
        env.put("PROCESSOR_INSTANCE_ID", "processor-0");
        env.put("KAFKA_STREAMS_CONSUMER_SESSION_TIMEOUT_MS", "45000");
        env.put("KAFKA_STREAMS_CONSUMER_HEARTBEAT_INTERVAL_MS", "3000");
        int port = FreePorts.find();
        env.put("PROCESSOR_MANAGEMENT_PORT", Integer.toString(port));
        Topics topics = ProcessorConfig.fromEnv(env).kafka().topics();
        String raw = topics.name(TopicId.RAW);
        String events = topics.name(TopicId.EVENTS);

        Path log = Path.of("target", "it-logs", prefix + "processor.log");
        try (ServiceProcess processor = ServiceProcess.start("io.kzpipe.processor.Main", env, log)) {
            ProcessorItSupport.awaitReady(processor, port, Duration.ofSeconds(120));
            kafka.produce(responses(raw, 0, 20));
            await().atMost(LONG).until(() -> kafka.readToEnd(events, Duration.ofSeconds(10)).size() == 20);
            try (Admin admin = Admin.create(kafka.adminProps())) {
                List<MemberDescription> members = List
                        .copyOf(admin.describeConsumerGroups(List.of(prefix + "processor"))
                                .all()
                                .get(30, TimeUnit.SECONDS)
                                .get(prefix + "processor")
                                .members());
                // Streams appends the stream thread's index to the configured id
                assertThat(members).singleElement()
                        .satisfies(m -> assertThat(m.groupInstanceId()).contains("processor-0-1"));
            }

            processor.stop();
            kafka.produce(responses(raw, 20, 20));
            Duration graceful = restartAndAwait(processor, kafka, events, 40);
            processor.kill();
            kafka.produce(responses(raw, 40, 20));
            Duration killed = restartAndAwait(processor, kafka, events, 60);
            System.out.printf("processor processing again after a graceful restart in %d ms, after a kill in %d ms%n",
                    graceful.toMillis(), killed.toMillis());
            assertThat(graceful).as("graceful stop, start: from the start to the new events").isLessThan(RESTART_BOUND);
            assertThat(killed).as("kill -9, start: from the start to the new events").isLessThan(RESTART_BOUND);
        }
    }

    private static Duration restartAndAwait(ServiceProcess processor, TestKafka kafka, String events, int total) {
        long startedAt = System.nanoTime();
        processor.restart();
        await().atMost(LONG)
                .until(() -> !processor.isAlive() || kafka.readToEnd(events, Duration.ofSeconds(10)).size() >= total);
        assertThat(processor.isAlive()).as(processor.logTail(40)).isTrue();
        return Duration.ofNanos(System.nanoTime() - startedAt);
    }

    @Test
    void twoInstancesWithTheSameIdEndWithOneShutDownByTheFenceAndTheOtherProcessing(TestKafka kafka) throws Exception {
        String prefix = kafka.uniqueName("fenced") + ".";
        Path states = Files.createDirectories(Path.of("target", "it-state"));
        Map<String, String> env = new HashMap<>(
                ProcessorItSupport.env(kafka, prefix, Files.createTempDirectory(states, "a")));
        env.put("PROCESSOR_INSTANCE_ID", "processor-0");
        Map<String, String> env2 = new HashMap<>(env);
        env2.put("PROCESSOR_STATE_DIR", Files.createTempDirectory(states, "b").toAbsolutePath().toString());
        ProcessorConfig config = ProcessorConfig.fromEnv(env);
        String raw = config.kafka().topics().name(TopicId.RAW);
        String events = config.kafka().topics().name(TopicId.EVENTS);
        try (ProcessorApp first = new ProcessorApp(config, ServiceMetrics.newRegistry("stream-processor"));
                ProcessorApp second = new ProcessorApp(ProcessorConfig.fromEnv(env2),
                        ServiceMetrics.newRegistry("stream-processor"))) {
            first.start();
            second.start();
            // usually the first is fenced; if it was committing when the group rebalanced it rejoins and fences the
            // second instead. Either way one gives up (Streams ERROR) and they do not take the partitions from each
            // other back and forth.
            Object stopped = CompletableFuture.anyOf(first.terminated(), second.terminated())
                    .get(LONG.toSeconds(), TimeUnit.SECONDS);
            assertThat(stopped).isEqualTo(KafkaStreams.State.ERROR);
            ProcessorApp survivor = first.terminated().isDone() ? second : first;
            kafka.produce(responses(raw, 0, 10));
            await().atMost(LONG).until(() -> kafka.readToEnd(events, Duration.ofSeconds(10)).size() == 10);
            assertThat(survivor.health().state()).isIn("RUNNING", "REBALANCING");
            assertThat(first.terminated().isDone() ^ second.terminated().isDone()).as("exactly one stopped").isTrue();
        }
    }

    @Test
    void readinessAndTheDependencyMetricSayWhileKafkaIsDownAndLivenessStaysUp() throws Exception {
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.launch()) {
            String prefix = broker.kafka().uniqueName("health") + ".";
            ProcessorConfig config = ProcessorConfig.fromEnv(ProcessorItSupport.env(broker.kafka(), prefix,
                    Files.createTempDirectory(Files.createDirectories(Path.of("target", "it-state")), "health")));
            try (ProcessorApp app = new ProcessorApp(config, ServiceMetrics.newRegistry("stream-processor"))) {
                app.start();
                await().atMost(LONG).until(() -> get(app, "/health/ready").startsWith("200 "));
                assertThat(get(app, "/health/ready")).endsWith("\"checks\":{\"kafka\":\"UP\"}}");

                broker.stop();
                await().atMost(LONG).until(() -> get(app, "/health/ready").startsWith("503 "));
                assertThat(get(app, "/health/ready")).contains("{\"status\":\"DOWN\",\"state\":\"")
                        .endsWith("\"checks\":{\"kafka\":\"DOWN\"}}");
                assertThat(get(app, "/metrics")).containsPattern("kz_dependency_up\\{dependency=\"kafka\".*} 0\\.0");
                assertThat(get(app, "/health/live"))
                        .isEqualTo("200 {\"status\":\"UP\",\"state\":\"LIVE\",\"checks\":{}}");

                broker.start();
                await().atMost(LONG).until(() -> get(app, "/health/ready").startsWith("200 "));
                assertThat(get(app, "/metrics")).containsPattern("kz_dependency_up\\{dependency=\"kafka\".*} 1\\.0");
            }
        }
    }

    private static List<ProducerRecord<String, byte[]>> responses(String raw, int from, int n) {
        long now = System.currentTimeMillis();
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            out.add(RawEventFactory.response(raw, i, now + i));
        }
        return out;
    }

    /** {@code "<status> <body>"}. */
    private String get(ProcessorApp app, String path) throws Exception {
        HttpResponse<String> r = http
                .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.managementPort() + path))
                        .timeout(Duration.ofSeconds(5))
                        .build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }
}
