package io.kzpipe.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.model.json.Json;
import io.kzpipe.model.ops.ServiceMetrics;
import io.kzpipe.model.topic.PipelineHeaders;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import io.kzpipe.processor.config.ProcessorConfig;
import io.kzpipe.testkit.KafkaExtension;
import io.kzpipe.testkit.TestKafka;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The processor app in-process against a real broker with exactly-once: exact counts on every topic
 * (read_committed), duplicates, bad deliveries, edits and stale copies of responses included, plus health
 * and metrics over HTTP.
 */
@ExtendWith(KafkaExtension.class)
class ProcessorAppIT {

    static final int RESPONSES = 120;
    static final int MESSAGES = 30;
    static final int DUPLICATES = 25;
    static final int BAD = 5;
    static final int EDITS = 10;
    static final int COPIES = 5;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void normalizesEveryDistinctEventExactlyOnceAndReportsHealthAndMetrics(TestKafka kafka) throws Exception {
        String prefix = kafka.uniqueName("app") + ".";
        Map<String, String> env = ProcessorItSupport.env(kafka, prefix,
                Files.createTempDirectory(Files.createDirectories(Path.of("target", "it-state")), "app"));
        ProcessorConfig config = ProcessorConfig.fromEnv(env);
        Topics topics = config.kafka().topics();
        String raw = topics.name(TopicId.RAW);
        long t0 = System.currentTimeMillis();

        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (int i = 0; i < RESPONSES; i++) {
            records.add(RawEventFactory.response(raw, i, t0 + i));
        }
        for (int i = 0; i < MESSAGES; i++) {
            records.add(RawEventFactory.textMessage(raw, 10_000 + i, t0 + i));
        }
        for (int i = 0; i < DUPLICATES; i++) {
            records.add(RawEventFactory.again(records.get(i * 5), t0 + 60_000 + i));
        }
        for (int i = 0; i < BAD; i++) {
            records.add(RawEventFactory.bad(raw, 20_000 + i, t0 + i));
        }
        for (int i = 0; i < EDITS; i++) { // a new current version of responses 0..9
            records.add(RawEventFactory.edit(raw, i, RawEventFactory.eventId(30_000 + i), 60_000, t0 + 120_000 + i));
        }
        for (int i = 0; i < COPIES; i++) { // responses 50..54 again under new event ids: superseded on arrival
            records.add(RawEventFactory.copy(raw, 50 + i, RawEventFactory.eventId(40_000 + i), t0 + 120_000 + i));
        }

        PrometheusMeterRegistry registry = ServiceMetrics.newRegistry("stream-processor");
        try (ProcessorApp app = new ProcessorApp(config, registry)) {
            app.start();
            assertThat(get(app, "/health/ready")).startsWith("200 ").contains("\"state\":\"RUNNING\"");
            int body = config.limits().bodyRecordBytes();
            assertThat(maxMessageBytes(kafka, raw)).isEqualTo(body);
            assertThat(maxMessageBytes(kafka, topics.name(TopicId.DLQ_PROCESSOR))).isEqualTo(body);
            assertThat(maxMessageBytes(kafka, topics.name(TopicId.MESSAGES))).isEqualTo(config.maxRecordBytes())
                    .isEqualTo(36 * 1024 * 1024 + 64 * 1024);
            kafka.produce(records);
            ProcessorItSupport.awaitCaughtUp(kafka, config.applicationId(), raw, Duration.ofSeconds(90));

            Map<TopicId, List<ConsumerRecord<String, byte[]>>> out = ProcessorItSupport.readAll(kafka, topics);
            Map<TopicId, Integer> expected = new HashMap<>();
            expected.put(TopicId.EVENTS, RESPONSES + MESSAGES + EDITS + COPIES);
            expected.put(TopicId.RESPONSES, RESPONSES + EDITS);
            expected.put(TopicId.RESPONSE_SUPERSESSIONS, EDITS);
            for (TopicId answers : List.of(TopicId.ANSWERS_OPTION, TopicId.ANSWERS_NUMERIC, TopicId.ANSWERS_LOCATION,
                    TopicId.ANSWERS_TEXT, TopicId.ANSWERS_DATETIME)) {
                expected.put(answers, RESPONSES + EDITS);
            }
            expected.put(TopicId.MESSAGES, MESSAGES);
            expected.put(TopicId.DLQ_PROCESSOR, BAD);
            expected.put(TopicId.RAW_OUTCOMES, records.size());
            assertThat(ProcessorItSupport.counts(out)).isEqualTo(expected);
            ProcessorItSupport.assertNoRowTwice(out);
            assertThat(ProcessorItSupport.assertOneOutcomePerRawRecord(kafka, raw, out))
                    .isEqualTo(Map.of("typed", (long) RESPONSES + MESSAGES + EDITS, "superseded", (long) COPIES,
                            "duplicate", (long) DUPLICATES, "dead_letter", (long) BAD));

            ConsumerRecord<String, byte[]> dead = out.get(TopicId.DLQ_PROCESSOR).get(0);
            assertThat(
                    new String(dead.headers().lastHeader(PipelineHeaders.DLQ_REASON).value(), StandardCharsets.UTF_8))
                    .isEqualTo("data_not_object");
            ConsumerRecord<String, byte[]> response = out.get(TopicId.RESPONSES).get(0);
            assertThat(response.key()).isEqualTo(Json.MAPPER.readTree(response.value()).get("response_id").asText());
            for (ConsumerRecord<String, byte[]> r : out.get(TopicId.RESPONSE_SUPERSESSIONS)) {
                JsonNode s = Json.MAPPER.readTree(r.value());
                assertThat(r.key()).isEqualTo(s.get("response_id").asText());
                assertThat(s.get("superseded_by").asLong()).isEqualTo((1L << 62) + s.get("version").asLong() + 60_000);
                assertThat(s.get("superseded_at_ms").asLong()).isGreaterThanOrEqualTo(s.get("received_at_ms").asLong());
            }

            String metrics = get(app, "/metrics");
            assertThat(metrics).contains("kz_processor_events_total{outcome=\"duplicate\",service=\"stream-processor\"")
                    .containsPattern("kz_processor_events_total\\{outcome=\"duplicate\"[^}]*} " + DUPLICATES + ".0")
                    .containsPattern("kz_processor_events_total\\{outcome=\"dead_lettered\"[^}]*} " + BAD + ".0")
                    .containsPattern("kz_processor_events_total\\{outcome=\"superseded\"[^}]*} " + COPIES + ".0")
                    .containsPattern("kz_processor_dead_letters_total\\{reason=\"data_not_object\"[^}]*} " + BAD + ".0")
                    .contains("kafka_stream_");
        }
    }

    private static int maxMessageBytes(TestKafka kafka, String topic) throws Exception {
        try (Admin admin = Admin.create(kafka.adminProps())) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            return Integer.parseInt(admin.describeConfigs(List.of(resource))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .get(resource)
                    .get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG)
                    .value());
        }
    }

    private String get(ProcessorApp app, String path) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.managementPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }
}
