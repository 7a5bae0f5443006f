package io.kzpipe.puller;

import io.kzpipe.kaizaladouble.DoubleSettings;
import io.kzpipe.kaizaladouble.KaizalaDouble;
import io.kzpipe.model.ops.ServiceMetrics;
import io.kzpipe.model.topic.PipelineHeaders;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import io.kzpipe.puller.config.PullerConfig;
import io.kzpipe.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** A puller in-process against a real broker and the Kaizala double, with unique topics per test. */
final class PullerHarness implements AutoCloseable {

    static final Duration LONG = Duration.ofSeconds(180);

    final TestKafka kafka;
    final KaizalaDouble kaizala;
    final String prefix;
    final Map<String, String> env = new HashMap<>();
    final List<PullerApp> apps = new ArrayList<>();

    PullerHarness(TestKafka kafka, DoubleSettings settings) {
        this.kafka = kafka;
        this.kaizala = KaizalaDouble.start(settings.withPort(0));
        this.prefix = kafka.uniqueName("pull") + ".";
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("TOPIC_PREFIX", prefix);
        env.put("TOPIC_PARTITIONS", "2");
        env.put("KAIZALA_API_URL", kaizala.url());
        env.put("KAIZALA_APPLICATION_ID", DoubleSettings.DEMO_APPLICATION_ID);
        env.put("KAIZALA_APPLICATION_SECRET", DoubleSettings.DEMO_APPLICATION_SECRET);
        env.put("KAIZALA_REFRESH_TOKEN", DoubleSettings.DEMO_REFRESH_TOKEN);
        env.put("PULLER_INTERVAL_SECONDS", "1");
        env.put("PULLER_MANAGEMENT_PORT", "0");
        env.put("PULLER_MANAGEMENT_HOST", "127.0.0.1");
        env.put("PULLER_INSTANCE_ID", kafka.uniqueName("puller"));
        env.put("PULLER_CALLS_PER_MINUTE", "100000");
    }

    Topics topics() {
        return PullerConfig.fromEnv(env).kafka().topics();
    }

    String raw() {
        return topics().name(TopicId.RAW);
    }

    PullerApp start() throws Exception {
        PullerApp app = new PullerApp(PullerConfig.fromEnv(env), ServiceMetrics.newRegistry(PullerApp.SERVICE),
                Clock.systemUTC());
        apps.add(app);
        app.start();
        return app;
    }

    List<ConsumerRecord<String, byte[]>> rawRecords() {
        return kafka.readToEnd(raw(), Duration.ofSeconds(30));
    }

    static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static long receivedAt(ConsumerRecord<?, ?> r) {
        return Long.parseLong(header(r, PipelineHeaders.RECEIVED_AT));
    }

    @Override
    public void close() {
        apps.forEach(PullerApp::close);
        kaizala.close();
    }
}
