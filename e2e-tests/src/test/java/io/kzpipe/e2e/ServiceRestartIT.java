package io.kzpipe.e2e;

import static io.kzpipe.e2e.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kzpipe.cli.dashboard.Dashboards;
import io.kzpipe.cli.dashboard.GrafanaMacros;
import io.kzpipe.cli.report.Reconcile;
import io.kzpipe.e2e.PipelineStack.Delivery;
import io.kzpipe.e2e.PipelineStack.Service;
import io.kzpipe.testkit.ClickHouseExtension;
import io.kzpipe.testkit.KafkaExtension;
import io.kzpipe.testkit.TestClickHouse;
import io.kzpipe.testkit.TestKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
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
 * Among the deliveries, a few are sent twice on purpose, a few are bodies the gateway refuses and a few are bodies
 * the processor refuses: afterwards the ledger (docs/DESIGN.md "Ledger") balances for every minute and
 * {@code ./pipeline reconcile} exits 0.
 */
@ExtendWith({KafkaExtension.class, ClickHouseExtension.class})
class ServiceRestartIT {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceRestartIT.class);
    private static final Duration SETTLED = Duration.ofMinutes(4);
    /** Acknowledged events between two kills: the stream is flowing before each kill and again after each restart. */
    private static final int EVENTS_BETWEEN_KILLS = 100;

    private static PipelineStack stack;
    private static TestClickHouse clickHouse;
    private static final Instant STARTED = Instant.now().truncatedTo(ChronoUnit.MINUTES);

    @BeforeAll
    static void start(TestKafka kafka, TestClickHouse ch) {
        clickHouse = ch;
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

        await(n + " events in ClickHouse").atMost(SETTLED)
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(stack.rows(
                        "SELECT (SELECT count() FROM {db}.events_latest), (SELECT count() FROM {db}.responses_latest),"
                                + " (SELECT count() FROM {db}.answers_option_latest), (SELECT count() FROM {db}.answers_numeric_latest)"))
                        .containsExactly(row(Long.toString(n), Long.toString(n), Long.toString(n), Long.toString(n))));

        assertThat(stack.rows("SELECT event_id FROM {db}.events_latest ORDER BY event_id"))
                .as("every acknowledged event once, nothing else")
                .containsExactlyElementsOf(posted.stream().map(Posted::eventId).sorted().toList());
        assertThat(stack.rows("SELECT uniqExact(response_id), uniqExact(event_id) FROM {db}.responses_latest"))
                .containsExactly(row(Long.toString(n), Long.toString(n)));
        assertThat(stack.rows(
                "SELECT option_title, count() FROM {db}.answers_option_latest GROUP BY option_title ORDER BY option_title"))
                .containsExactlyElementsOf(
                        perTopping.entrySet().stream().map(e -> row(e.getKey(), e.getValue().toString())).toList());
        assertThat(stack.number("SELECT toInt64(sum(value)) FROM {db}.answers_numeric_latest")).isEqualTo((long) total);
        // a refused body whose answer a kill cut off is posted again and refused again: at least once each
        long gatewayDead = stack.number("SELECT count() FROM {db}.dead_letters_latest WHERE stage = 'gateway'");
        long processorDead = stack.number("SELECT count() FROM {db}.dead_letters_latest WHERE stage = 'processor'");
        assertThat(gatewayDead).as("gateway dead letters")
                .isGreaterThanOrEqualTo(posters.gatewayRefused())
                .isPositive();
        assertThat(processorDead).as("processor dead letters")
                .isGreaterThanOrEqualTo(posters.processorRefused())
                .isPositive();
        assertThat(stack.number("SELECT count() FROM {db}.dead_letters_latest WHERE stage = 'sink'")).isZero();

        ledgerBalances(posters, n, gatewayDead, processorDead);
    }

    /**
     * Every minute of the run balances once the outcomes and receipts are loaded, and {@code ./pipeline reconcile}
     * says so (its clock 6 minutes ahead, so no minute is pending); the totals match what was posted.
     */
    private static void ledgerBalances(Posters posters, long typed, long gatewayDead, long processorDead) {
        Instant judged = Instant.now().plus(Duration.ofMinutes(6));
        String since = STARTED.minus(Duration.ofMinutes(1)).toString();
        Map<String, String> env = Map.of("CLICKHOUSE_URL", clickHouse.httpUrl(), "CLICKHOUSE_USER", clickHouse.user(),
                "CLICKHOUSE_PASSWORD", clickHouse.password() == null ? "" : clickHouse.password(),
                "CLICKHOUSE_DATABASE", stack.db());
        String dashboard = Dashboards.repositoryDirectory().resolve("pipeline-health.json").toString();
        String[] output = new String[2];
        await("the ledger balances").atMost(SETTLED).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = Reconcile.run(List.of("--since", since, dashboard), env, Clock.fixed(judged, ZoneOffset.UTC),
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            output[0] = out.toString(StandardCharsets.UTF_8);
            output[1] = err.toString(StandardCharsets.UTF_8);
            assertThat(status).as("reconcile exit status; stdout:%n%s%nstderr:%n%s", output[0], output[1])
                    .isEqualTo(Reconcile.BALANCED);
        });
        LOG.info("./pipeline reconcile after the kills:\n{}", output[0]);
        assertThat(output[0]).contains(" 0 unbalanced, 0 pending").doesNotContain(Reconcile.STATUS_UNBALANCED);

        String ledger = GrafanaMacros.allSelected(Instant.parse(since), judged, 60)
                .expand(Reconcile.ledgerSql(Dashboards.load(Path.of(dashboard))))
                .replace("kaizala.", "{db}.");
        List<String> totals = stack.rows("SELECT sum(accepted), sum(typed), sum(duplicates), sum(dead_gateway),"
                + " sum(dead_processor), sum(unbalanced), countIf(status != 'balanced') FROM (" + ledger + ")");
        LOG.info("ledger totals (accepted, typed, duplicates, dead_gateway, dead_processor, unbalanced, "
                + "minutes not balanced): {}", totals);
        String[] t = totals.get(0).split(" \\| ");
        assertThat(Long.parseLong(t[1])).as("typed").isEqualTo(typed);
        assertThat(Long.parseLong(t[2])).as("duplicates: at least the ones sent twice on purpose")
                .isGreaterThanOrEqualTo(posters.sentTwice());
        assertThat(Long.parseLong(t[3])).as("gateway dead letters").isEqualTo(gatewayDead);
        assertThat(Long.parseLong(t[4])).as("processor dead letters").isEqualTo(processorDead);
        assertThat(Long.parseLong(t[0])).as("accepted = the sum of the rest")
                .isEqualTo(typed + Long.parseLong(t[2]) + gatewayDead + processorDead);
        assertThat(t[5] + " " + t[6]).isEqualTo("0 0");
    }

    /** One acknowledged delivery: its event id and the answers it carried. */
    record Posted(String eventId, String topping, int quantity) {}

    /**
     * Threads posting fresh pizza orders one after the other (a pause between two), each repeated until the gateway
     * answers 200 "accepted", like Kaizala's retries; a delivery not acknowledged within 5 minutes is given up.
     */
    private static final class Posters {
        private static final Duration GIVE_UP = Duration.ofMinutes(5);
        private static final Duration RETRY_PAUSE = Duration.ofMillis(200);
        private static final String ACCEPTED = "{\"status\":\"accepted\"";
        private static final String DEAD_LETTERED = "{\"status\":\"dead-lettered\"";

        private final AtomicBoolean stopping = new AtomicBoolean();
        private final AtomicBoolean aborted = new AtomicBoolean();
        private final AtomicLong sequence = new AtomicLong();
        private final AtomicLong failedAttempts = new AtomicLong();
        private final AtomicLong gaveUp = new AtomicLong();
        private final AtomicLong sentTwice = new AtomicLong();
        private final AtomicLong gatewayRefused = new AtomicLong();
        private final AtomicLong processorRefused = new AtomicLong();
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
                if (deliver(body, ACCEPTED)) {
                    posted.add(new Posted(eventId, topping, quantity));
                    if (seq % 20 == 0 && deliver(body, ACCEPTED)) {
                        sentTwice.incrementAndGet(); // acknowledged again, dropped by the processor
                    }
                } else {
                    gaveUp.incrementAndGet();
                }
                if (seq % 30 == 10 && deliver("{\"eventId\":\"" + eventId + "-cut", DEAD_LETTERED)) {
                    gatewayRefused.incrementAndGet(); // truncated JSON: the gateway dead-letters it, answers 200
                }
                if (seq % 30 == 20 && deliver(
                        "{\"eventId\":\"" + eventId + "-norid\",\"eventType\":\"ActionResponse\","
                                + "\"objectId\":\"g\",\"objectType\":\"Group\",\"data\":{\"actionId\":\"a\"}}",
                        ACCEPTED)) {
                    processorRefused.incrementAndGet(); // a response without responseId: the processor dead-letters it
                }
                LockSupport.parkNanos(pause.toNanos()); // pacing of the load, not a wait for a condition
            }
        }

        /** Posts until 200 with a body starting with {@code answer}; false when GIVE_UP passed first. */
        private boolean deliver(String body, String answerPrefix) {
            long deadline = System.nanoTime() + GIVE_UP.toNanos();
            while (System.nanoTime() < deadline && !aborted.get()) {
                try {
                    Delivery answer = stack.post(body);
                    if (answer.status() == 200 && answer.body().startsWith(answerPrefix)) {
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
            await(count + " acknowledged deliveries").atMost(SETTLED)
                    .pollInterval(Duration.ofMillis(200))
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

        long sentTwice() {
            return sentTwice.get();
        }

        long gatewayRefused() {
            return gatewayRefused.get();
        }

        long processorRefused() {
            return processorRefused.get();
        }
    }
}
