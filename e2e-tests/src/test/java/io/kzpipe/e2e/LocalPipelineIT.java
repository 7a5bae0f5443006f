package io.kzpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import io.kzpipe.testkit.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code ./pipeline up|status|demo|kaizala|down} of this repository as a user runs them (the script, the launcher's
 * real processes: Kafka, ClickHouse, the service jars, the Kaizala double), on free ports and a private
 * {@code PIPELINE_HOME} under {@code target/}, with {@code PIPELINE_SKIP_BUILD=1} (the reactor built the jars before
 * this module's tests). One stack for the class; the steps build on each other, in order: up and status, demo (both
 * ways in: webhooks and the puller against the double), {@code kaizala subscribe|list|unsubscribe} against the
 * double the demo left running, a killed part started again by up, down, data kept across down and up.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalPipelineIT {

    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(5);
    private static final List<String> PARTS = List.of("kafka", "clickhouse", "ingest-gateway", "stream-processor",
            "sink-clickhouse");
    /** What the demo starts on top of the pipeline. */
    private static final List<String> DEMO_PARTS = List.of("kaizala-double", "kaizala-puller");

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** The gateway's topic with the default prefix (the local services run without TOPIC_PREFIX). */
    private static final String RAW_TOPIC = Topics.defaults().name(TopicId.RAW);

    private static final Map<String, String> ENV = new LinkedHashMap<>();
    private static Path home;
    private static long eventsBeforeDown;

    /** One run of ./pipeline: exit status and combined output. */
    record Run(int status, String output) {}

    @BeforeAll
    static void settings() throws IOException {
        home = Path.of("target", "local-pipeline-it").toAbsolutePath();
        ENV.put("PIPELINE_HOME", home.toString());
        ENV.put("PIPELINE_SKIP_BUILD", "1");
        if (Files.exists(home)) {
            run("down"); // what an interrupted earlier run left (never the default .run: PIPELINE_HOME is set)
            try (var paths = Files.walk(home)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        for (String name : List.of("PIPELINE_KAFKA_PORT", "PIPELINE_KAFKA_CONTROLLER_PORT",
                "PIPELINE_CLICKHOUSE_HTTP_PORT", "PIPELINE_CLICKHOUSE_TCP_PORT", "GATEWAY_PORT",
                "GATEWAY_MANAGEMENT_PORT", "PROCESSOR_MANAGEMENT_PORT", "SINK_MANAGEMENT_PORT",
                "PULLER_MANAGEMENT_PORT", "KAIZALA_DOUBLE_PORT")) {
            ENV.put(name, Integer.toString(FreePorts.find()));
        }
        ENV.put("PIPELINE_DEMO_TIMEOUT", "180");
    }

    @AfterAll
    static void down() {
        Run down = run("down");
        // whatever happened above: nothing of this class outlives it
        for (String part : all()) {
            pid(part).flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
        }
        assertThat(down.status()).as(down.output()).isZero();
    }

    @Test
    @Order(1)
    void upStartsEveryPartAndStatusShowsThemReady() {
        Run up = run("up");

        assertThat(up.status()).as(up.output()).isZero();
        assertThat(up.output()).contains("Pipeline is up", "Kafka ready on 127.0.0.1:" + ENV.get("PIPELINE_KAFKA_PORT"),
                "Webhook URL      http://127.0.0.1:" + ENV.get("GATEWAY_PORT") + "/webhooks/kaizala", "Callback token");
        for (String part : PARTS) {
            assertThat(pid(part).flatMap(ProcessHandle::of).map(ProcessHandle::isAlive)).as(part).contains(true);
        }
        assertThat(kafkaTopics()).contains(RAW_TOPIC);
        assertThat(clickHouse("SELECT 1")).isEqualTo("1");
        assertThat(home.resolve("settings.env")).content().contains("GATEWAY_PORT=" + ENV.get("GATEWAY_PORT"));

        Run status = run("status");
        assertThat(status.status()).as(status.output()).isZero();
        for (String part : PARTS) {
            assertThat(status.output())
                    .containsPattern("(?m)^" + part + " +" + pid(part).orElseThrow() + " +running, ready ");
        }
        assertThat(status.output()).as("up leaves the puller out without PULLER_SOURCES, the double until asked for")
                .containsPattern("(?m)^kaizala-puller +- +not configured ")
                .containsPattern("(?m)^kaizala-double +- +stopped ");
        assertThat(up.output()).contains("kaizala-puller: PULLER_SOURCES is not set, not started");
        assertThat(home.resolve("gateway/callback-tokens")).content().contains(callbackToken(up));
    }

    @Test
    @Order(2)
    void demoPostsTheDeliveriesAndSeesThemInClickHouse() {
        Run demo = run("demo");

        assertThat(demo.status()).as(demo.output()).isZero();
        assertThat(demo.output()).contains("stored deliveries are visible", "HTTP 200 {\"status\":\"accepted\"")
                .contains("Both ways in", "webhook ", "pushed to the gateway: HTTP 200")
                .containsPattern("all \\d+ responses of group \\S+ are visible, one row each");
        for (String part : DEMO_PARTS) {
            assertThat(pid(part).flatMap(ProcessHandle::of).map(ProcessHandle::isAlive)).as(part).contains(true);
        }
        eventsBeforeDown = Long.parseLong(clickHouse("SELECT count() FROM kaizala.events_latest"));
        assertThat(eventsBeforeDown).isPositive();
    }

    /**
     * {@code kaizala subscribe} against the double the demo left running: the double's validation GET reaches the
     * gateway, the new token lands in the gateway's tokens file and the running gateway (same pid) accepts it within
     * a couple of seconds; {@code list} shows it masked; {@code unsubscribe} deletes the webhook.
     */
    @Test
    @Order(3)
    void kaizalaSubscribeListAndUnsubscribeWithTheTokenAcceptedWithoutARestart() throws IOException {
        long gateway = pid("ingest-gateway").orElseThrow();
        Path tokens = home.resolve("gateway/callback-tokens");
        List<String> before = Files.readAllLines(tokens);

        Run subscribe = run("kaizala", "subscribe", "--group", "e2e-subscribed-group");
        assertThat(subscribe.status()).as(subscribe.output()).isZero();
        List<String> added = new ArrayList<>(Files.readAllLines(tokens));
        added.removeAll(before);
        assertThat(added).as("one token appended to %s", tokens).hasSize(1);
        String token = added.get(0).strip();
        String webhookId = word(subscribe.output(), "webhook (\\S+) created");
        assertThat(subscribe.output()).doesNotContain(token);

        long start = System.nanoTime();
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> postWithToken(token) == 200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(pid("ingest-gateway")).as("no restart").contains(gateway);
        assertThat(postWithToken(token + "x")).isEqualTo(401);
        // the one accepted post is stored like any event (the data kept across down and up includes it)
        eventsBeforeDown++;
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> clickHouse("SELECT count() FROM kaizala.events_latest")
                        .equals(Long.toString(eventsBeforeDown)));

        Run list = run("kaizala", "list", "--group", "e2e-subscribed-group");
        assertThat(list.status()).as(list.output()).isZero();
        assertThat(list.output()).contains(webhookId, token.substring(0, 4) + "****").doesNotContain(token);

        Run unsubscribe = run("kaizala", "unsubscribe", "--id", webhookId);
        assertThat(unsubscribe.status()).as(unsubscribe.output()).isZero();
        assertThat(run("kaizala", "list", "--group", "e2e-subscribed-group").output()).doesNotContain(webhookId);
    }

    @Test
    @Order(4)
    void aKilledPartIsReportedDeadAndUpStartsItAgain() {
        long sink = pid("sink-clickhouse").orElseThrow();
        long kafka = pid("kafka").orElseThrow();
        ProcessHandle handle = ProcessHandle.of(sink).orElseThrow();
        handle.destroyForcibly();
        handle.onExit().orTimeout(30, TimeUnit.SECONDS).join();

        Run status = run("status");
        assertThat(status.status()).isEqualTo(1);
        assertThat(status.output()).containsPattern("(?m)^sink-clickhouse +" + sink + " +DEAD \\(see logs\\)");

        Run up = run("up");
        assertThat(up.status()).as(up.output()).isZero();
        assertThat(up.output()).contains(
                "sink-clickhouse (pid " + sink + ") had died since it was started; starting it again",
                "Kafka already running (pid " + kafka + ")", "sink-clickhouse ready on");
        assertThat(pid("sink-clickhouse").orElseThrow()).isNotEqualTo(sink);
        assertThat(pid("kafka")).contains(kafka);
        assertThat(run("status").status()).isZero();
    }

    @Test
    @Order(5)
    void downStopsEveryPartByPid() {
        List<ProcessHandle> processes = new ArrayList<>();
        for (String part : all()) {
            processes.add(ProcessHandle.of(pid(part).orElseThrow()).orElseThrow());
        }

        Run down = run("down");

        assertThat(down.status()).as(down.output()).isZero();
        assertThat(down.output()).contains("kaizala-double stopped", "kaizala-puller stopped",
                "sink-clickhouse stopped", "kafka stopped", "clickhouse stopped", "data kept in " + home);
        assertThat(processes).noneMatch(ProcessHandle::isAlive);
        Run status = run("status");
        assertThat(status.status()).isZero();
        assertThat(status.output()).containsPattern("(?m)^kafka +- +stopped ")
                .containsPattern("(?m)^ingest-gateway +- +stopped ");
    }

    @Test
    @Order(6)
    void dataIsKeptAcrossDownAndUp() {
        Run up = run("up", "kafka", "clickhouse");

        assertThat(up.status()).as(up.output()).isZero();
        assertThat(up.output()).doesNotContain("formatting a new Kafka data directory")
                .doesNotContain("ingest-gateway on");
        assertThat(clickHouse("SELECT count() FROM kaizala.events_latest")).isEqualTo(Long.toString(eventsBeforeDown));
        assertThat(kafkaTopics()).contains(RAW_TOPIC);
    }

    private static List<String> all() {
        List<String> all = new ArrayList<>(PARTS);
        all.addAll(DEMO_PARTS);
        return all;
    }

    private static String callbackToken(Run up) {
        return word(up.output(), "Callback token +(\\S+)");
    }

    private static String word(String text, String regex) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("%s in:%n%s", regex, text).isTrue();
        return m.group(1);
    }

    /** The HTTP status of a post of a text message to the local gateway with {@code token}. */
    private static int postWithToken(String token) {
        HttpRequest request = HttpRequest
                .newBuilder(URI.create("http://127.0.0.1:" + ENV.get("GATEWAY_PORT") + "/webhooks/kaizala"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("kz-callback-token", token)
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"objectId\":\"g-e2e\",\"objectType\":\"Group\",\"eventType\":\"TextMessageCreated\","
                                + "\"eventId\":\"e2e-subscribe-" + System.nanoTime()
                                + "\",\"data\":{\"text\":\"hi\"}}"))
                .build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static Optional<Long> pid(String part) {
        try {
            return Optional.of(Long.parseLong(Files.readString(home.resolve("pids").resolve(part + ".pid")).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Run run(String... args) {
        Path repository = Path.of(System.getProperty("e2e.repository", "..")).toAbsolutePath().normalize();
        List<String> command = new ArrayList<>();
        command.add(repository.resolve("pipeline").toString());
        command.addAll(List.of(args));
        try {
            Path output = Files.createTempFile("pipeline-", ".out");
            ProcessBuilder builder = new ProcessBuilder(command).directory(repository.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().putAll(ENV);
            Process process = builder.start();
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("./pipeline " + String.join(" ", args) + " did not finish within "
                        + COMMAND_TIMEOUT + ":\n" + Files.readString(output));
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            Files.delete(output);
            return new Run(process.exitValue(), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String clickHouse(String sql) {
        HttpRequest request = HttpRequest
                .newBuilder(URI.create("http://127.0.0.1:" + ENV.get("PIPELINE_CLICKHOUSE_HTTP_PORT") + "/"))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(sql))
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return response.body().strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static java.util.Set<String> kafkaTopics() {
        try (Admin admin = Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + ENV.get("PIPELINE_KAFKA_PORT")))) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("cannot list the topics", e);
        }
    }
}
