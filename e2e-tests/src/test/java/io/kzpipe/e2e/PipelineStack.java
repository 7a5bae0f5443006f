package io.kzpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kzpipe.model.topic.TopicId;
import io.kzpipe.testkit.FreePorts;
import io.kzpipe.testkit.ServiceProcess;
import io.kzpipe.testkit.TestClickHouse;
import io.kzpipe.testkit.TestKafka;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The whole pipeline for one test class: ingest-gateway, stream-processor and sink-clickhouse, each its own
 * child JVM ({@link ServiceProcess}, started from its real {@code Main} with the test classpath), on the test
 * kit's Kafka broker and ClickHouse. Each stack has its own topic prefix, consumer groups, Streams application
 * id and state directory, and a fresh ClickHouse database that the sink migrates, so stacks never share data.
 *
 * <p>Tuned for tests, not production: flush and commit intervals of 100–200 ms and 6 s consumer session
 * timeouts, so rows appear quickly and a killed service's partitions move on within seconds. Logs go to
 * {@code target/e2e/<name>/<service>.log}, the processor's state to {@code target/e2e/<name>/processor-state}. Thread-safe for posting; start, kill and restart from one thread.
 */
final class PipelineStack implements AutoCloseable {

    static final String TOKEN = "e2e-callback-token-0123456789";
    static final String WEBHOOK_PATH = "/webhooks/kaizala";
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(4);
    /** Small heaps and a quick JIT: three service JVMs share two cores with the broker and ClickHouse in CI. */
    private static final List<String> JVM_ARGS = List.of("-Xmx384m", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1");

    /** The three services: main class and the path answering 200 when ready. */
    enum Service {
        GATEWAY("io.kzpipe.gateway.Main"), PROCESSOR("io.kzpipe.processor.Main"), SINK("io.kzpipe.sink.Main");

        final String mainClass;

        Service(String mainClass) {
            this.mainClass = mainClass;
        }
    }

    /** One webhook post: HTTP status, body and the gateway's {@code X-Request-Id} (empty when absent). */
    record Delivery(int status, String body, String requestId) {}

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final String topicPrefix;
    private final String database;
    private final TestClickHouse clickHouse;
    private TestKafka kafka;
    /** Each service's management port ({@code /health/*}, {@code /metrics}). */
    private final Map<Service, Integer> ports = new EnumMap<>(Service.class);

    private int webhookPort;
    private final Map<Service, ServiceProcess> processes = new EnumMap<>(Service.class);
    private final Map<Service, Map<String, String>> environments = new EnumMap<>(Service.class);
    private Path logs;

    private PipelineStack(String topicPrefix, String database, TestClickHouse clickHouse) {
        this.topicPrefix = topicPrefix;
        this.database = database;
        this.clickHouse = clickHouse;
    }

    /**
     * Starts the three services and waits until each answers {@code /health/ready}.
     *
     * @param name       names the log folder, the database and the topic prefix
     * @param partitions partitions of every pipeline topic (1 gives one total order, for "nothing else arrived")
     */
    static PipelineStack start(String name, int partitions, TestKafka kafka, TestClickHouse ch) {
        return start(name, partitions, kafka, ch, Map.of());
    }

    /** Like {@link #start(String, int, TestKafka, TestClickHouse)}, with settings added to (or replacing) some services' ones. */
    static PipelineStack start(String name, int partitions, TestKafka kafka, TestClickHouse ch,
            Map<Service, Map<String, String>> settings) {
        PipelineStack stack = new PipelineStack(kafka.uniqueName("e2e-" + name) + ".", ch.createDatabase("e2e_" + name),
                ch);
        try {
            Path logs = Files.createDirectories(Path.of("target", "e2e", name));
            stack.logs = logs;
            stack.kafka = kafka;
            Path stateDir = logs.resolve("processor-state");
            deleteRecursively(stateDir); // a previous run's; this stack's application id is new anyway
            for (Service s : Service.values()) {
                int port;
                do {
                    port = FreePorts.find();
                } while (stack.ports.containsValue(port));
                stack.ports.put(s, port);
            }
            do {
                stack.webhookPort = FreePorts.find();
            } while (stack.ports.containsValue(stack.webhookPort));
            Map<String, String> common = Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "TOPIC_PREFIX",
                    stack.topicPrefix, "TOPIC_PARTITIONS", Integer.toString(partitions), "TOPIC_REPLICATION_FACTOR",
                    "1");
            Map<Service, Map<String, String>> env = new EnumMap<>(Service.class);
            env.put(Service.GATEWAY,
                    merge(common,
                            Map.of("GATEWAY_HOST", "127.0.0.1", "GATEWAY_PORT", Integer.toString(stack.webhookPort),
                                    "GATEWAY_MANAGEMENT_HOST", "127.0.0.1", "GATEWAY_MANAGEMENT_PORT",
                                    stack.port(Service.GATEWAY), "KAIZALA_CALLBACK_TOKENS", TOKEN,
                                    "GATEWAY_KAFKA_CHECK_INTERVAL", "500ms")));
            env.put(Service.PROCESSOR,
                    merge(common, Map.of("PROCESSOR_MANAGEMENT_HOST", "127.0.0.1", "PROCESSOR_MANAGEMENT_PORT",
                            stack.port(Service.PROCESSOR), "PROCESSOR_APPLICATION_ID", stack.topicPrefix + "processor",
                            "PROCESSOR_STATE_DIR", stateDir.toAbsolutePath().toString(), "PROCESSOR_INSTANCE_ID",
                            "processor-0", // static membership, as ./pipeline runs it
                            "KAFKA_STREAMS_COMMIT_INTERVAL_MS", "100", "KAFKA_STREAMS_CONSUMER_SESSION_TIMEOUT_MS",
                            "6000", "KAFKA_STREAMS_CONSUMER_HEARTBEAT_INTERVAL_MS", "1000")));
            env.put(Service.SINK, merge(common, Map.ofEntries(Map.entry("SINK_MANAGEMENT_HOST", "127.0.0.1"),
                    Map.entry("SINK_MANAGEMENT_PORT", stack.port(Service.SINK)),
                    Map.entry("SINK_GROUP_ID", stack.topicPrefix + "sink"), Map.entry("SINK_INSTANCE_ID", "sink-0"),
                    Map.entry("CLICKHOUSE_URL", ch.httpUrl()), Map.entry("CLICKHOUSE_USER", ch.user()),
                    Map.entry("CLICKHOUSE_PASSWORD", ch.password() == null ? "" : ch.password()),
                    Map.entry("CLICKHOUSE_DATABASE", stack.database), Map.entry("SINK_FLUSH_INTERVAL", "200ms"),
                    Map.entry("SINK_RETRY_INITIAL", "100ms"), Map.entry("SINK_RETRY_MAX", "2s"),
                    Map.entry("KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "6000"),
                    Map.entry("KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS", "1000"))));
            for (Service s : Service.values()) {
                env.put(s, merge(env.get(s), settings.getOrDefault(s, Map.of())));
                stack.environments.put(s, env.get(s));
                stack.processes.put(s, ServiceProcess.start(s.mainClass, env.get(s),
                        logs.resolve(s.name().toLowerCase(Locale.ROOT) + ".log"), JVM_ARGS));
            }
            for (Service s : Service.values()) {
                stack.awaitReady(s);
            }
            return stack;
        } catch (IOException e) {
            stack.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | AssertionError e) {
            stack.close();
            throw e;
        }
    }

    /** The broker the stack runs on. */
    TestKafka kafka() {
        return kafka;
    }

    /** Folder of this stack's logs ({@code target/e2e/<name>}). */
    Path logs() {
        return logs;
    }

    /** Database of this stack's tables and views. */
    String db() {
        return database;
    }

    /** Full name of one of this stack's topics. */
    String topic(TopicId id) {
        return topicPrefix + id.suffix();
    }

    ServiceProcess process(Service service) {
        return processes.get(service);
    }

    /** Hard kill (SIGKILL: no shutdown hook, like a crash), start again with the same settings, wait until ready. */
    void killAndRestart(Service service) {
        ServiceProcess p = processes.get(service);
        p.kill();
        p.restart();
        awaitReady(service);
    }

    /** The environment a service runs with (a copy): Kafka, topic prefix and its own settings. */
    Map<String, String> environment(Service service) {
        return new HashMap<>(environments.get(service));
    }

    /**
     * Stops a service (SIGTERM, waiting for its exit), starts it again with {@code settings} added to or replacing its
     * current ones (an empty value removes a setting), logging to {@code <service>-<logSuffix>.log}, and waits until
     * it is ready.
     */
    void restartWith(Service service, Map<String, String> settings, String logSuffix) {
        processes.get(service).stop();
        Map<String, String> env = merge(environments.get(service), settings);
        env.values().removeIf(String::isEmpty);
        environments.put(service, env);
        processes.put(service, ServiceProcess.start(service.mainClass, env,
                logs.resolve(service.name().toLowerCase(Locale.ROOT) + "-" + logSuffix + ".log"), JVM_ARGS));
        awaitReady(service);
    }

    void awaitReady(Service service) {
        ServiceProcess p = processes.get(service);
        await(service + " ready").atMost(READY_TIMEOUT)
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptionsInstanceOf(UncheckedIOException.class)
                .untilAsserted(() -> {
                    assertThat(p.isAlive()).as("%s exited:%n%s", service, p.logTail(60)).isTrue();
                    assertThat(get(service, "/health/ready")).as("%s /health/ready", service).isEqualTo(200);
                });
    }

    /** POSTs {@code body} to the webhook with the configured token. */
    Delivery post(String body) {
        return post(body, TOKEN);
    }

    /** POSTs {@code body} with {@code token} as {@code kz-callback-token} (none when null). */
    Delivery post(String body, String token) {
        HttpRequest.Builder request = HttpRequest
                .newBuilder(URI.create("http://127.0.0.1:" + webhookPort + WEBHOOK_PATH))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (token != null) {
            request.header("kz-callback-token", token);
        }
        HttpResponse<String> response = send(request.build());
        return new Delivery(response.statusCode(), response.body(),
                response.headers().firstValue("X-Request-Id").orElse(""));
    }

    /**
     * POSTs {@code body} as a careful client does, over a plain socket: the headers declare its length and ask
     * {@code Expect: 100-continue}, and the body is sent only once the gateway answers 100. So an answer the
     * gateway gives from the headers alone (413 for a declared length over the limit) arrives intact.
     */
    Delivery postExpectingContinue(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", webhookPort)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            out.write(("POST " + WEBHOOK_PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "kz-callback-token: " + TOKEN + "\r\nContent-Length: " + bytes.length
                    + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Map<String, String> head = new HashMap<>();
            int status = readHead(in, head);
            if (status == 100) {
                out.write(bytes);
                out.flush();
                head.clear();
                status = readHead(in, head);
            }
            String length = head.get("content-length"); // else the answer ends where the connection does
            String answer = new String(length == null ? in.readAllBytes() : in.readNBytes(Integer.parseInt(length)),
                    StandardCharsets.UTF_8);
            return new Delivery(status, answer, head.getOrDefault("x-request-id", ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a status line and headers (names lower-cased into {@code headers}); returns the status code. */
    private static int readHead(InputStream in, Map<String, String> headers) throws IOException {
        String status = readLine(in);
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return Integer.parseInt(status.split(" ")[1]);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed after '" + line + "'");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    /** Rows of a query as text, see {@link Rows}; {@code {db}} in the SQL is this stack's database. */
    List<String> rows(String sql) {
        return Rows.of(clickHouse, sql.replace("{db}", database));
    }

    /** A single number (count, sum) from a query; {@code {db}} is this stack's database. */
    long number(String sql) {
        return Long.parseLong(clickHouse.query(sql.replace("{db}", database) + " FORMAT TSV").strip());
    }

    @Override
    public void close() {
        processes.values().forEach(ServiceProcess::stop);
    }

    private int get(Service service, String path) {
        return send(HttpRequest.newBuilder(uri(service, path)).timeout(Duration.ofSeconds(5)).GET().build())
                .statusCode();
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private URI uri(Service service, String path) {
        return URI.create("http://127.0.0.1:" + ports.get(service) + path);
    }

    private String port(Service service) {
        return Integer.toString(ports.get(service));
    }

    private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
        Map<String, String> out = new HashMap<>(a);
        out.putAll(b);
        return out;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** A port that was free a moment ago (bound and released; the service binds it right after). */
}
