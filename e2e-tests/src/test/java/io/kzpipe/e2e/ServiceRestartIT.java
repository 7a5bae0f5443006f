package io.kzpipe.e2e;

import static io.kzpipe.e2e.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kzpipe.e2e.PipelineStack.Delivery;
import io.kzpipe.e2e.PipelineStack.Service;
import io.kzpipe.testkit.ClickHouseExtension;
import io.kzpipe.testkit.KafkaExtension;
import io.kzpipe.testkit.TestClickHouse;
import io.kzpipe.testkit.TestKafka;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash recovery of the whole pipeline: while webhooks keep arriving, the gateway, then the processor, then the
 * sink is killed with SIGKILL (no shutdown hook: offsets, transactions and batches are cut off wherever they are)
 * and started again. The posters behave like Kaizala: every delivery is repeated until it gets a 2xx. At the end
 * every acknowledged event is in {@code events_latest} exactly once, and responses and answers add up exactly.
 */
@ExtendWith({KafkaExtension.class, ClickHouseExtension.class})
class ServiceRestartIT {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceRestartIT.class);
    private static final Duration SETTLED = Duration.ofMinutes(4);
    /** Acknowledged events between two kills: the stream is flowing before each kill and again after each restart. */
    private static final int EVENTS_BETWEEN_KILLS = 100;
    private static PipelineStack stack;

    @BeforeAll
    static void start(TestKafka kafka, TestClickHouse ch) {
        stack = PipelineStack.start("restart", 3, kafka, ch);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyAcknowledgedEventIsStoredExactlyOnceWhenEachServiceIsKilledMidStream() {
        Posters posters = new Posters(2, Duration.ofMillis(40));
        try {
            posters.awaitAcknowledged(EVENTS_BETWEEN_KILLS);
            for (Service service : Service.values()) {
                long pid = stack.process(service).pid();
                long acknowledged = posters.acknowledged();
                stack.killAndRestart(service);
                assertThat(stack.process(service).pid()).as("%s runs as a new process", service).isNotEqualTo(pid);
                posters.awaitAcknowledged(acknowledged + EVENTS_BETWEEN_KILLS);
            }
        } catch (RuntimeException | Error e) {
            posters.abort();
            throw e;
        }
        posters.stop();
        assertThat(posters.gaveUp()).as("deliveries never acknowledged").isZero();
        assertThat(posters.failedAttempts()).as("posts refused or failed while the gateway was down").isPositive();

        List<Posted> posted = posters.posted();
        long n = posted.size();
        double total = posted.stream().mapToDouble(Posted::quantity).sum();
        LOG.info("{} deliveries acknowledged, {} failed attempts repeated; waiting for them in ClickHouse", n,
                posters.failedAttempts());
        Map<String, Long> perTopping = new TreeMap<>();
        posted.forEach(p -> perTopping.merge(p.topping(), 1L, Long::sum));

        await(n + " events in ClickHouse").atMost(SETTLED).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(stack.rows("SELECT (SELECT count() FROM {db}.events_latest), (SELECT count() FROM {db}.responses_latest),"
                        + " (SELECT count() FROM {db}.answers_option_latest), (SELECT count() FROM {db}.answers_numeric_latest)"))
                        .containsExactly(row(Long.toString(n), Long.toString(n), Long.toString(n), Long.toString(n))));

        assertThat(stack.rows("SELECT event_id FROM {db}.events_latest ORDER BY event_id"))
                .as("every acknowledged event once, nothing else").containsExactlyElementsOf(posted.stream().map(Posted::eventId).sorted().toList());
        assertThat(stack.rows("SELECT uniqExact(response_id), uniqExact(event_id) FROM {db}.responses_latest"))
                .containsExactly(row(Long.toString(n), Long.toString(n)));
        assertThat(stack.rows("SELECT option_title, count() FROM {db}.answers_option_latest GROUP BY option_title ORDER BY option_title"))
                .containsExactlyElementsOf(perTopping.entrySet().stream().map(e -> row(e.getKey(), e.getValue().toString())).toList());
        assertThat(stack.number("SELECT toInt64(sum(value)) FROM {db}.answers_numeric_latest")).isEqualTo((long) total);
        assertThat(stack.rows("SELECT count() FROM {db}.dead_letters_latest")).as("nothing was dead-lettered").containsExactly("0");
    }

    /** One acknowledged delivery: its event id and the answers it carried. */
    record Posted(String eventId, String topping, int quantity) {
    }

    /**
     * Threads posting fresh pizza orders one after the other (a pause between two), each repeated until the gateway
     * answers 200 "accepted", like Kaizala's retries; a delivery not acknowledged within 5 minutes is given up.
     */
    private static final class Posters {
        private static final Duration GIVE_UP = Duration.ofMinutes(5);
        private static final Duration RETRY_PAUSE = Duration.ofMillis(200);

        private final AtomicBoolean stopping = new AtomicBoolean();
        private final AtomicBoolean aborted = new AtomicBoolean();
        private final AtomicLong sequence = new AtomicLong();
        private final AtomicLong failedAttempts = new AtomicLong();
        private final AtomicLong gaveUp = new AtomicLong();
        private final ConcurrentLinkedQueue<Posted> posted = new ConcurrentLinkedQueue<>();
        private final List<Thread> threads = new ArrayList<>();

        Posters(int threadCount, Duration pause) {
            for (int i = 0; i < threadCount; i++) {
                Thread t = new Thread(() -> run(pause), "poster-" + i);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        private void run(Duration pause) {
            while (!stopping.get()) {
                long seq = sequence.incrementAndGet();
                String eventId = String.format("restart-%06d-%s", seq, Payloads.id());
                String topping = Payloads.TOPPINGS.get((int) (seq % Payloads.TOPPINGS.size()));
                int quantity = (int) (seq % 10) + 1;
                String body = Payloads.pizzaOrder(eventId, Payloads.id(), false, null, List.of(topping), quantity);
                if (deliver(body)) {
                    posted.add(new Posted(eventId, topping, quantity));
                } else {
                    gaveUp.incrementAndGet();
                }
                LockSupport.parkNanos(pause.toNanos()); // pacing of the load, not a wait for a condition
            }
        }

        /** Posts until 200 accepted; false when GIVE_UP passed first. */
        private boolean deliver(String body) {
            long deadline = System.nanoTime() + GIVE_UP.toNanos();
            while (System.nanoTime() < deadline && !aborted.get()) {
                try {
                    Delivery answer = stack.post(body);
                    if (answer.status() == 200 && answer.body().startsWith("{\"status\":\"accepted\"")) {
                        return true;
                    }
                } catch (UncheckedIOException e) {
                    // connection refused or reset: the gateway is down or was killed mid-request
                }
                failedAttempts.incrementAndGet();
                LockSupport.parkNanos(RETRY_PAUSE.toNanos()); // Kaizala's retry backoff, shortened
            }
            return false;
        }

        long acknowledged() {
            return posted.size();
        }

        void awaitAcknowledged(long count) {
            await(count + " acknowledged deliveries").atMost(SETTLED).pollInterval(Duration.ofMillis(200))
                    .until(() -> posted.size() >= count);
        }

        /** Stops posting; every delivery in progress is still repeated until acknowledged. */
        void stop() {
            stopping.set(true);
            for (Thread t : threads) {
                try {
                    t.join(TimeUnit.MINUTES.toMillis(6));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        /** Stops at once, giving up deliveries in progress (the test has already failed). */
        void abort() {
            aborted.set(true);
            stop();
        }

        List<Posted> posted() {
            return List.copyOf(posted);
        }

        long failedAttempts() {
            return failedAttempts.get();
        }

        long gaveUp() {
            return gaveUp.get();
        }
    }
}
