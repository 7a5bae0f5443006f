package io.kzpipe.gateway.it;

import static io.kzpipe.gateway.it.RunningGateway.header;
import static io.kzpipe.gateway.it.RunningGateway.requestId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kzpipe.gateway.Fixtures;
import io.kzpipe.model.topic.PipelineHeaders;
import io.kzpipe.testkit.KafkaBrokerProcess;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Kafka unavailable, with a broker in a child JVM that the test stops and starts: at start-up and in the middle
 * of operation. Every post is answered 200 only if stored, 503 (with Retry-After) otherwise, and nothing that
 * was answered 503 ever appears on a topic.
 */
class GatewayOutageIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final Set<String> acceptedEventIds = new HashSet<>();
    private final Set<String> refusedEventIds = new HashSet<>();
    private final Set<String> refusedRequestIds = new HashSet<>();

    @Test
    void the503sOfAnOutageAreNeverStoredAndPostsSucceedAgainAfterIt() throws Exception {
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.launch()) {
            broker.stop();
            try (RunningGateway gateway = RunningGateway.start(broker.bootstrapServers(), "outage.",
                    "GATEWAY_PUBLISH_TIMEOUT", "2s", "GATEWAY_RETRY_AFTER_SECONDS", "11")) {
                // Kafka down at start-up: the gateway runs, is live but not ready, answers the handshake, refuses posts
                assertThat(gateway.management("/health/live").statusCode()).isEqualTo(200);
                assertThat(gateway.management("/health/ready").statusCode()).isEqualTo(503);
                assertThat(gateway.get("/webhooks/kaizala?validationToken=up").body()).isEqualTo("up");
                expect(503, post(gateway));

                broker.start();
                gateway.awaitReady();
                // the first sends after the broker returns may still time out while the producer reconnects;
                // each post is either stored and answered 200, or not stored and answered 503
                await().atMost(WAIT).until(() -> record(post(gateway)) == 200);

                // outage while running: producer metadata is cached, so sends wait for the delivery timeout
                assertThat(gateway.management("/health/ready").body()).endsWith("\"checks\":{\"kafka\":\"UP\"}}");
                broker.stop();
                await().atMost(WAIT).until(() -> !gateway.app.health().ready());
                // what is down, in the JSON shape all three services share, and as a metric
                assertThat(gateway.management("/health/ready").body()).endsWith("\"checks\":{\"kafka\":\"DOWN\"}}");
                assertThat(gateway.management("/metrics").body())
                        .containsPattern("kz_dependency_up\\{dependency=\"kafka\".*} 0\\.0");
                assertThat(gateway.management("/health/live").statusCode()).isEqualTo(200);
                List<Posted> during = new ArrayList<>();
                long sentAt = System.nanoTime();
                for (int i = 0; i < 5; i++) {
                    String eventId = UUID.randomUUID().toString();
                    during.add(new Posted(eventId, gateway.postAsync(body(eventId))));
                }
                for (Posted p : during) {
                    expect(503, new Sent(p.eventId, p.response.get()));
                }
                // bounded by the producer's delivery timeout (= GATEWAY_PUBLISH_TIMEOUT, 2 s), well under Kaizala's 5 s
                assertThat(Duration.ofNanos(System.nanoTime() - sentAt)).isLessThan(Duration.ofMillis(4500));

                broker.start();
                gateway.awaitReady();
                await().atMost(WAIT).until(() -> record(post(gateway)) == 200);
                for (int i = 0; i < 20; i++) {
                    expect(200, post(gateway));
                }

                List<ConsumerRecord<String, byte[]>> raw = broker.kafka().readToEnd(gateway.config.rawTopic(), WAIT);
                Set<String> stored = new HashSet<>();
                for (ConsumerRecord<String, byte[]> r : raw) {
                    stored.add(RunningGateway.eventId(r));
                    assertThat(refusedRequestIds).doesNotContain(header(r, PipelineHeaders.REQUEST_ID));
                }
                assertThat(refusedEventIds).hasSizeGreaterThanOrEqualTo(6);
                assertThat(stored).doesNotContainAnyElementsOf(refusedEventIds);
                assertThat(stored).containsExactlyInAnyOrderElementsOf(acceptedEventIds);
                assertThat(raw).hasSize(acceptedEventIds.size());
                assertThat(broker.kafka().readToEnd(gateway.config.deadLetterTopic(), WAIT)).isEmpty();
            }
        }
    }

    private record Sent(String eventId, HttpResponse<String> response) {}

    private record Posted(String eventId, CompletableFuture<HttpResponse<String>> response) {}

    private static byte[] body(String eventId) {
        return Fixtures.surveyResponse(eventId, UUID.randomUUID().toString());
    }

    private static Sent post(RunningGateway gateway) {
        String eventId = UUID.randomUUID().toString();
        return new Sent(eventId, gateway.post(body(eventId)));
    }

    private void expect(int status, Sent sent) {
        assertThat(sent.response.statusCode()).as(sent.response.body()).isEqualTo(status);
        record(sent);
    }

    private int record(Sent sent) {
        HttpResponse<String> r = sent.response;
        if (r.statusCode() == 200) {
            acceptedEventIds.add(sent.eventId);
        } else {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).hasValue("11");
            assertThat(r.body()).contains("\"code\":\"unavailable\"");
            refusedEventIds.add(sent.eventId);
            refusedRequestIds.add(requestId(r));
        }
        return r.statusCode();
    }
}
