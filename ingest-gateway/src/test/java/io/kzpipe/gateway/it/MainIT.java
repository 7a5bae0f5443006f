package io.kzpipe.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kzpipe.gateway.Fixtures;
import io.kzpipe.testkit.FreePorts;
import io.kzpipe.testkit.KafkaExtension;
import io.kzpipe.testkit.ServiceProcess;
import io.kzpipe.testkit.TestKafka;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code io.kzpipe.gateway.Main} as a real process: configuration errors, start, serve, SIGTERM. */
@ExtendWith(KafkaExtension.class)
class MainIT {

    private static final Path LOGS = Path.of("target", "it-logs");
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void badConfigurationExitsWithCode2AndListsEveryProblem() throws IOException {
        Path log = LOGS.resolve("main-bad-config-" + UUID.randomUUID() + ".log");
        try (ServiceProcess main = ServiceProcess.start("io.kzpipe.gateway.Main", Map.of("KAIZALA_CALLBACK_TOKENS", "",
                "GATEWAY_PORT", "eighty", "GATEWAY_MAX_BODY_BYTES", "1", "KAFKA_PRODUCER_ACKS", "0"), log)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !main.isAlive());
            assertThat(main.exitCode()).isEqualTo(2);
            assertThat(Files.readString(log)).contains("KAIZALA_CALLBACK_TOKENS is required", "GATEWAY_PORT must be",
                    "GATEWAY_MAX_BODY_BYTES must be", "KAFKA_PRODUCER_ACKS must be all");
        }
    }

    @Test
    void startsServesAndStopsGracefullyOnSigterm(TestKafka kafka) throws Exception {
        int port = FreePorts.find();
        int managementPort = FreePorts.find();
        Path log = LOGS.resolve("main-run-" + UUID.randomUUID() + ".log");
        String secret = "main-it-" + UUID.randomUUID();
        try (ServiceProcess main = ServiceProcess.start("io.kzpipe.gateway.Main",
                Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "TOPIC_PREFIX",
                        kafka.uniqueName("gwmain") + ".", "KAIZALA_CALLBACK_TOKENS", secret, "GATEWAY_HOST",
                        "127.0.0.1", "GATEWAY_PORT", Integer.toString(port), "GATEWAY_MANAGEMENT_HOST", "127.0.0.1",
                        "GATEWAY_MANAGEMENT_PORT", Integer.toString(managementPort)),
                log)) {
            URI base = URI.create("http://127.0.0.1:" + port);
            URI management = URI.create("http://127.0.0.1:" + managementPort);
            await().atMost(Duration.ofSeconds(90))
                    .ignoreExceptions()
                    .until(() -> http
                            .send(HttpRequest.newBuilder(management.resolve("/health/ready")).build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode() == 200);
            String eventId = UUID.randomUUID().toString();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/webhooks/kaizala"))
                    .header("kz-callback-token", secret)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Fixtures.surveyResponse(eventId, eventId)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);

            main.stop();
            assertThat(main.isAlive()).isFalse();
            String output = Files.readString(log);
            assertThat(output)
                    .contains("callbackTokens=1 configured (values hidden)", "ingest gateway listening",
                            "stopping: draining in-flight requests", "ingest gateway stopped")
                    .doesNotContain(secret);
        }
    }
}
