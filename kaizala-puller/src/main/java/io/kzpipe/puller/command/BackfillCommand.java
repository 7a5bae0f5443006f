package io.kzpipe.puller.command;

import io.kzpipe.model.config.EnvReader;
import io.kzpipe.model.json.Json;
import io.kzpipe.model.kafka.KafkaSettings;
import io.kzpipe.puller.api.Times;
import io.kzpipe.puller.config.PullSource;
import io.kzpipe.puller.state.BackfillJob;
import io.kzpipe.puller.state.StateKeys;
import io.kzpipe.puller.state.StateStore;
import io.kzpipe.puller.state.StateTopic;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code backfill --source <spec> --from <time> --to <time>}: records a backfill job in the puller's state topic
 * ({@code PENDING}); the running puller picks it up within about a second and runs it page by page, apart from the
 * live cursor, resumable after a restart. Times are ISO-8601 ({@code 2025-01-01T00:00:00Z}, a bare date) or epoch
 * seconds/milliseconds; the range selects actions by the time they were sent, and every response of those actions
 * is pulled. {@code backfill --status} prints every job with its progress. Needs only the Kafka settings
 * ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code TOPIC_*}).
 */
public final class BackfillCommand {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final KafkaSettings kafka;
    private final Clock clock;
    private final PrintStream out;

    public BackfillCommand(KafkaSettings kafka, Clock clock, PrintStream out) {
        this.kafka = kafka;
        this.clock = clock;
        this.out = out;
    }

    /**
     * Records a job.
     *
     * @return the job's id (its creation time first, so ids sort in the order jobs run)
     * @throws IllegalArgumentException for a bad source or range
     */
    public String record(String source, Instant from, Instant to) throws InterruptedException {
        PullSource.parse(source);
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("--to (" + to + ") is before --from (" + from + ")");
        }
        String topic = StateTopic.ensure(kafka, TIMEOUT);
        long now = clock.millis();
        String id = "bf-" + ID_TIME.format(Instant.ofEpochMilli(now)) + "-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        BackfillJob job = BackfillJob.pending(id, source, from.toEpochMilli(), to.toEpochMilli(), now);
        Map<String, Object> props = new HashMap<>(kafka.clientProps());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(topic, StateKeys.backfill(id), Json.MAPPER.writeValueAsBytes(job)))
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot record the backfill job in " + topic + ": " + e, e);
        }
        out.println("backfill " + id + " recorded: " + source + " over [" + from + ", " + to + "]; the running puller "
                + "picks it up (progress: backfill --status)");
        return id;
    }

    /** Prints and returns every job, oldest first. */
    public List<BackfillJob> status() {
        String topic = StateTopic.ensure(kafka, TIMEOUT);
        Map<String, BackfillJob> jobs = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                StateStore.consumerProps(kafka, "kz-puller-backfill-status"))) {
            StateStore.readToEnd(consumer, topic, TIMEOUT, (k, v) -> {
                if (k != null && k.startsWith(StateKeys.BACKFILL_PREFIX)) {
                    if (v == null) {
                        jobs.remove(k);
                    } else {
                        jobs.put(k, read(v));
                    }
                }
            });
        }
        List<BackfillJob> out = new ArrayList<>(jobs.values());
        out.sort((a, b) -> a.id().compareTo(b.id()));
        for (BackfillJob j : out) {
            this.out.printf("%s %-8s %s [%s, %s] pages=%d records=%d%s%n", j.id(), j.status(), j.source(),
                    Instant.ofEpochMilli(j.fromMs()), Instant.ofEpochMilli(j.toMs()), j.pages(), j.records(),
                    j.error().isEmpty() ? "" : " error=" + j.error());
        }
        if (out.isEmpty()) {
            this.out.println("no backfill jobs");
        }
        return out;
    }

    private static BackfillJob read(byte[] v) {
        try {
            return Json.MAPPER.readValue(v, BackfillJob.class);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable backfill job: " + e.getMessage(), e);
        }
    }

    static Instant time(Options o, String name) {
        return Times.parse(o.required(name))
                .orElseThrow(() -> new IllegalArgumentException("--" + name
                        + " must be an ISO-8601 time (2025-01-01T00:00:00Z) or epoch, got '" + o.get(name) + "'"));
    }

    public static int main(List<String> args, Map<String, String> environment, PrintStream out, PrintStream err) {
        return CommandRunner.run("backfill", err, () -> {
            Options o = Options.parse(args, Set.of("source", "from", "to"), Set.of("status"));
            EnvReader env = new EnvReader(environment);
            KafkaSettings kafka = KafkaSettings.from(env);
            env.throwIfProblems();
            BackfillCommand command = new BackfillCommand(kafka, Clock.systemUTC(), out);
            if (o.has("status")) {
                command.status();
            } else {
                command.record(o.required("source"), time(o, "from"), time(o, "to"));
            }
        });
    }
}
