package io.kzpipe.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kzpipe.gateway.Fixtures;
import io.kzpipe.testkit.KafkaExtension;
import io.kzpipe.testkit.TestKafka;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Many posts at once: every one is answered, every 200 is on the raw topic, and nothing else is. */
@ExtendWith(KafkaExtension.class)
class GatewayConcurrencyIT {

    private static final int POSTS = 2_000;

    @Test
    void twoThousandConcurrentPostsAreAllAccountedFor(TestKafka kafka) throws Exception {
        try (RunningGateway gateway = RunningGateway
                .start(kafka.bootstrapServers(), kafka.uniqueName("gwload") + ".", "GATEWAY_PUBLISH_TIMEOUT", "10s")
                .awaitReady()) {
            Map<String, String> responseIdByEvent = new HashMap<>();
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            List<String> eventIds = new ArrayList<>();
            for (int i = 0; i < POSTS; i++) {
                String eventId = UUID.randomUUID().toString();
                // every fourth post is an edit of the previous response: same key, same partition
                String responseId = i % 4 == 3
                        ? responseIdByEvent.get(eventIds.get(i - 1))
                        : UUID.randomUUID().toString();
                responseIdByEvent.put(eventId, responseId);
                eventIds.add(eventId);
                responses.add(gateway.postAsync(Fixtures.surveyResponse(eventId, responseId)));
            }
            CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
            List<String> accepted = new ArrayList<>();
            for (int i = 0; i < POSTS; i++) {
                HttpResponse<String> r = responses.get(i).get();
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(r.body()).contains(eventIds.get(i));
                accepted.add(eventIds.get(i));
            }

            List<ConsumerRecord<String, byte[]>> raw = kafka.readToEnd(gateway.config.rawTopic(),
                    Duration.ofSeconds(60));
            assertThat(raw).hasSize(POSTS);
            List<String> stored = raw.stream().map(RunningGateway::eventId).toList();
            assertThat(stored).containsExactlyInAnyOrderElementsOf(accepted);
            for (ConsumerRecord<String, byte[]> r : raw) {
                assertThat(r.key()).isEqualTo(responseIdByEvent.get(RunningGateway.eventId(r)));
            }
            assertThat(kafka.readToEnd(gateway.config.deadLetterTopic(), Duration.ofSeconds(30))).isEmpty();
        }
    }
}
