package io.kzpipe.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kzpipe.cli.dashboard.Dashboards;
import io.kzpipe.kaizaladouble.DoubleSettings;
import io.kzpipe.kaizaladouble.GroupSeed;
import io.kzpipe.kaizaladouble.KaizalaDouble;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.testkit.ClickHouseExtension;
import io.kzpipe.testkit.FreePorts;
import io.kzpipe.testkit.KafkaExtension;
import io.kzpipe.testkit.ServiceProcess;
import io.kzpipe.testkit.TcpProxy;
import io.kzpipe.testkit.TestClickHouse;
import io.kzpipe.testkit.TestKafka;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the services' {@code Main} classes as child JVMs on the test kit's Kafka and ClickHouse (the puller against an
 * in-process Kaizala double seeded with a group), drives every path the Pipeline health dashboard and the alert
 * rules watch (accepted, dead-lettered, 401, handshake, an answer reject, processor and sink dead letters, a
 * ClickHouse outage that forces insert retries, pulled pages and records), then scrapes each {@code /metrics} and
 * checks that every metric name a panel or rule reads is exported (by the service its {@code service="..."}
 * selector names, when it has one).
 */
@ExtendWith({KafkaExtension.class, ClickHouseExtension.class})
class MetricNamesIT {

    /** Series Prometheus makes itself rather than scraping them. */
    private static final Set<String> PROMETHEUS_GENERATED = Set.of("up");

    private static final String TOKEN = "metrics-it-token";
    private static final Duration READY = Duration.ofMinutes(3);
    private static final Pattern SERVICE_SELECTOR = Pattern
            .compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{[^}]*service=\"([^\"]+)\"");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Map<String, Integer> PORTS = new TreeMap<>();
    private static int webhookPort;
    private static final List<ServiceProcess> PROCESSES = new ArrayList<>();
    private static TcpProxy clickHouseProxy;
    private static KaizalaDouble kaizala;
    private static String prefix;
    private static String db;

    @BeforeAll
    static void startServices(TestKafka kafka, TestClickHouse ch) throws IOException {
        prefix = kafka.uniqueName("kzmetrics") + ".";
        db = ch.createDatabase("kz_metrics");
        clickHouseProxy = TcpProxy.start(ch.host(), ch.httpPort());
        Path logs = Files.createDirectories(Path.of("target", "metrics-it"));
        Map<String, String> common = Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "TOPIC_PREFIX", prefix,
                "TOPIC_PARTITIONS", "1", "TOPIC_REPLICATION_FACTOR", "1");

        Map<String, String> gateway = new HashMap<>(common);
        webhookPort = FreePorts.find();
        gateway.putAll(Map.of("GATEWAY_HOST", "127.0.0.1", "GATEWAY_PORT", Integer.toString(webhookPort),
                "GATEWAY_MANAGEMENT_HOST", "127.0.0.1", "GATEWAY_MANAGEMENT_PORT", port("ingest-gateway"),
                "KAIZALA_CALLBACK_TOKENS", TOKEN));
        Map<String, String> processor = new HashMap<>(common);
        processor.putAll(Map.of("PROCESSOR_MANAGEMENT_HOST", "127.0.0.1", "PROCESSOR_MANAGEMENT_PORT",
                port("stream-processor"), "PROCESSOR_APPLICATION_ID", prefix + "processor", "PII_HASH_SECRET",
                "metrics-it-pii-secret-0123456789", "PROCESSOR_STATE_DIR",
                Files.createTempDirectory("kz-metrics-state").toString()));
        Map<String, String> sink = new HashMap<>(common);
        sink.putAll(Map.of("SINK_MANAGEMENT_HOST", "127.0.0.1", "SINK_MANAGEMENT_PORT", port("sink-clickhouse"),
                "SINK_GROUP_ID", prefix + "sink", "CLICKHOUSE_URL", "http://127.0.0.1:" + clickHouseProxy.port(),
                "CLICKHOUSE_USER", ch.user(), "CLICKHOUSE_PASSWORD", ch.password() == null ? "" : ch.password(),
                "CLICKHOUSE_DATABASE", db, "SINK_FLUSH_INTERVAL", "200ms", "SINK_RETRY_INITIAL", "100ms",
                "SINK_RETRY_MAX", "1s"));

        kaizala = KaizalaDouble.start(DoubleSettings.defaults());
        kaizala.seed(GroupSeed.ofTotal("g-pulled", 12, Instant.now(), 7));
        Map<String, String> puller = new HashMap<>(common);
        puller.putAll(Map.of("PULLER_MANAGEMENT_HOST", "127.0.0.1", "PULLER_MANAGEMENT_PORT", port("kaizala-puller"),
                "PULLER_INSTANCE_ID", prefix + "puller", "PULLER_SOURCES", "group:g-pulled", "PULLER_INTERVAL_SECONDS",
                "1", "KAIZALA_API_URL", kaizala.url(), "KAIZALA_APPLICATION_ID", DoubleSettings.DEMO_APPLICATION_ID,
                "KAIZALA_APPLICATION_SECRET", DoubleSettings.DEMO_APPLICATION_SECRET, "KAIZALA_REFRESH_TOKEN",
                DoubleSettings.DEMO_REFRESH_TOKEN));

        PROCESSES.add(ServiceProcess.start("io.kzpipe.gateway.Main", gateway, logs.resolve("gateway.log")));
        PROCESSES.add(ServiceProcess.start("io.kzpipe.processor.Main", processor, logs.resolve("processor.log")));
        PROCESSES.add(ServiceProcess.start("io.kzpipe.sink.Main", sink, logs.resolve("sink.log")));
        PROCESSES.add(ServiceProcess.start("io.kzpipe.puller.Main", puller, logs.resolve("puller.log")));
        for (int i = 0; i < PROCESSES.size(); i++) {
            ServiceProcess p = PROCESSES.get(i);
            String service = List.of("ingest-gateway", "stream-processor", "sink-clickhouse", "kaizala-puller").get(i);
            await(service + " ready").atMost(READY)
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptionsInstanceOf(IllegalStateException.class)
                    .untilAsserted(() -> {
                        assertThat(p.isAlive()).as("%s exited:\n%s", service, p.logTail(40)).isTrue();
                        assertThat(get(service, "/health/ready").statusCode()).as(p.logTail(20)).isEqualTo(200);
                    });
        }
    }

    @AfterAll
    static void stopServices() {
        PROCESSES.forEach(ServiceProcess::stop);
        if (clickHouseProxy != null) {
            clickHouseProxy.close();
        }
        if (kaizala != null) {
            kaizala.close();
        }
    }

    @Test
    void everyMetricThePipelineHealthDashboardAndTheAlertsReadIsExported(TestKafka kafka, TestClickHouse ch) {
        driveEveryWatchedPath(kafka, ch);

        Map<String, Set<String>> exported = new TreeMap<>();
        for (String service : PORTS.keySet()) {
            exported.put(service, seriesNames(get(service, "/metrics").body()));
        }
        Set<String> all = new TreeSet<>();
        exported.values().forEach(all::addAll);

        Map<String, Set<String>> references = MetricReferences.all();
        assertThat(references).isNotEmpty();
        List<String> missing = new ArrayList<>();
        references.forEach((name, usedBy) -> {
            if (!PROMETHEUS_GENERATED.contains(name) && !all.contains(name)) {
                missing.add(name + " (used by " + usedBy + ")");
            }
        });
        assertThat(missing).as("metric names no service exports; exported:\n%s", exported).isEmpty();

        for (Dashboards.Query q : queriesAndRules()) {
            Matcher m = SERVICE_SELECTOR.matcher(q.text());
            while (m.find()) {
                assertThat(exported).as("%s selects service=%s", q, m.group(2)).containsKey(m.group(2));
                assertThat(exported.get(m.group(2))).as("%s: %s of %s", q, m.group(1), m.group(2)).contains(m.group(1));
            }
        }
    }

    /** Accepted, dead-lettered, unauthorized and handshake requests; a reject; dead letters of every stage; insert retries. */
    private static void driveEveryWatchedPath(TestKafka kafka, TestClickHouse ch) {
        assertThat(send(
                HttpRequest.newBuilder(webhook("?validationToken=abc")).timeout(Duration.ofSeconds(10)).GET().build())
                .body()).isEqualTo("abc");
        assertThat(post("not json", TOKEN).statusCode()).isEqualTo(200);
        assertThat(post(response("e-unauth", "r-unauth"), "wrong-token").statusCode()).isEqualTo(401);
        // processor dead letter: a raw record the gateway would never write
        kafka.produce(List.of(new ProducerRecord<>(prefix + TopicId.RAW.suffix(), "k",
                "{\"no\":\"eventId\"}".getBytes(StandardCharsets.UTF_8))));
        // sink dead letter: an empty record on a typed topic
        kafka.produce(List.of(new ProducerRecord<>(prefix + TopicId.EVENTS.suffix(), "k", new byte[0])));
        assertThat(post(response("e-1", "r-1"), TOKEN).statusCode()).isEqualTo(200);
        await("first response in ClickHouse").atMost(READY).until(() -> count(ch, "responses_latest") == 1);

        // ClickHouse unreachable while a response arrives: the sink retries, then loads it
        clickHouseProxy.disconnect();
        assertThat(post(response("e-2", "r-2"), TOKEN).statusCode()).isEqualTo(200);
        await("sink retrying").atMost(READY)
                .until(() -> get("sink-clickhouse", "/metrics").body().contains("kz_sink_insert_retries_total"));
        clickHouseProxy.reconnect();
        await("second response in ClickHouse").atMost(READY).until(() -> count(ch, "responses_latest") == 2);
        // the puller: pages and records of its source (a response new since it started, whatever its first cursor),
        // its cursor; 429s for a moment make it wait
        kaizala.addResponse("g-pulled", kaizala.actionIds("g-pulled").get(0));
        kaizala.throttleFor(Duration.ofSeconds(3));
        await("the puller pulled its source and waited out a 429").atMost(READY).until(() -> {
            String metrics = get("kaizala-puller", "/metrics").body();
            return metrics.contains("kz_puller_records_total{") && metrics.contains("kz_puller_cursor_lag_seconds{")
                    && metrics.contains("status=\"429\"");
        });
        await("dead letters of gateway, processor and sink").atMost(READY)
                .until(() -> Long
                        .parseLong(ch.query("SELECT uniqExact(stage) FROM " + db + ".dead_letters_latest FORMAT TSV")
                                .strip()) == 3);
    }

    private static String response(String eventId, String responseId) {
        return """
                {"objectId":"g-1","objectType":"Group","eventType":"ActionResponse","eventId":"%s",
                 "fromUser":"+15550100","fromUserId":"u-1","fromUserName":"Asha",
                 "data":{"actionId":"a-1","groupId":"g-1","responseId":"%s","isUpdateResponse":false,
                  "responder":"+15550100","responderName":"Asha","actionPackageId":"com.contoso.orderform",
                  "responseDetails":{"responseWithQuestions":[
                   {"title":"Product","type":"SingleOption","options":[{"title":"Apples"}],"answer":["Apples"]},
                   {"title":"Quantity","type":"Numeric","options":[],"answer":3},
                   {"title":"Where","type":"Location","options":[],"answer":{"lt":12.9,"lg":77.6,"n":"Shop"}},
                   {"title":"Extra","type":"Numeric","options":[],"answer":"lots"}]}}}
                """.formatted(eventId, responseId);
    }

    private static long count(TestClickHouse ch, String view) {
        return Long.parseLong(ch.query("SELECT count() FROM " + db + "." + view + " FORMAT TSV").strip());
    }

    /** Names of the samples in a Prometheus text exposition (histograms give _bucket, _count, _sum, ...). */
    static Set<String> seriesNames(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int end = 0;
                while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                    end++;
                }
                names.add(line.substring(0, end));
            }
        }
        return names;
    }

    private static List<Dashboards.Query> queriesAndRules() {
        List<Dashboards.Query> all = new ArrayList<>(Dashboards.prometheusQueries());
        MetricReferences.ruleExpressions()
                .forEach((where, expr) -> all
                        .add(new Dashboards.Query("rules", where, Dashboards.PROMETHEUS_UID, expr)));
        return all;
    }

    private static HttpResponse<String> post(String body, String token) {
        HttpRequest request = HttpRequest.newBuilder(webhook(""))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("kz-callback-token", token)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return send(request);
    }

    private static HttpResponse<String> get(String service, String path) {
        return send(HttpRequest.newBuilder(uri(service, path)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static URI uri(String service, String path) {
        return URI.create("http://127.0.0.1:" + PORTS.get(service) + path);
    }

    /** The gateway's webhook (on its public port; {@link #PORTS} holds the management ports). */
    private static URI webhook(String query) {
        return URI.create("http://127.0.0.1:" + webhookPort + "/webhooks/kaizala" + query);
    }

    /** Reserves a free management port for {@code service} (bound and released; the service binds it right after). */
    private static String port(String service) {
        int port = FreePorts.find();
        PORTS.put(service, port);
        return Integer.toString(port);
    }
}
