package io.kzpipe.cli.replay;

import io.kzpipe.cli.Main;
import io.kzpipe.gateway.config.GatewayConfig;
import io.kzpipe.gateway.http.EnvelopeValidator;
import io.kzpipe.model.config.EnvReader;
import io.kzpipe.model.config.SettingException;
import io.kzpipe.model.kafka.KafkaSettings;
import io.kzpipe.model.topic.TopicId;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code ./pipeline replay}: sends dead letters of the gateway and processor dead-letter topics through the pipeline
 * again ({@link ReplayPlan} says how), or with {@code --dry-run} only counts them by stage, reason and action.
 *
 * <p>Settings come from the same environment variables as the services: {@code KAFKA_BOOTSTRAP_SERVERS},
 * {@code TOPIC_PREFIX} / {@code TOPIC_<ID>}, {@code KAFKA_CLIENT_*} (security), the gateway's
 * {@code GATEWAY_MAX_JSON_DEPTH} (its validator decides about gateway dead letters), and
 * {@code PIPELINE_REPLAY_TIMEOUT} (seconds any Kafka call may take, default {@value #DEFAULT_TIMEOUT_SECONDS}). In a
 * Kubernetes cluster it runs inside the gateway's pod, with the gateway's environment.
 *
 * <p>Sending: an idempotent producer with {@code acks=all}; every send is awaited, so the exit status 0 means Kafka
 * has every replayed record. A failure stops with status 1 and says how many were sent: running the same selection
 * again is safe (the processor drops an event id it accepted before; rows have deterministic ids).
 *
 * <p>Memory: the selected dead letters (bytes included) and the few failed replays are held until sent; narrow a
 * very large selection by time range.
 */
public final class Replay {

    public static final int DEFAULT_TIMEOUT_SECONDS = 30;

    private Replay() {}

    /** Same as {@code io.kzpipe.cli.Main replay ARGS}. */
    public static void main(String[] args) {
        Main.main(Stream.concat(Stream.of("replay"), Stream.of(args)).toArray(String[]::new));
    }

    /**
     * The command.
     *
     * @return 0 when done (or for {@code --help}), 1 when nothing was selected or Kafka failed, 2 for wrong arguments
     *         or settings
     */
    public static int run(List<String> args, Map<String, String> env, Clock clock, PrintStream out, PrintStream err) {
        if (args.size() == 1 && (args.get(0).equals("-h") || args.get(0).equals("--help"))) {
            out.println(ReplayArgs.USAGE);
            return 0;
        }
        ReplayArgs replayArgs;
        KafkaSettings kafka;
        EnvelopeValidator validator;
        Duration timeout;
        try {
            replayArgs = ReplayArgs.parse(args);
            EnvReader reader = new EnvReader(env);
            kafka = KafkaSettings.from(reader);
            timeout = Duration.ofSeconds(reader.intIn("PIPELINE_REPLAY_TIMEOUT", DEFAULT_TIMEOUT_SECONDS, 1, 3600));
            reader.throwIfProblems();
            validator = new EnvelopeValidator(gatewayConfig(env).maxJsonDepth());
        } catch (IllegalArgumentException e) {
            err.println("replay: " + e.getMessage());
            err.println(ReplayArgs.USAGE);
            return 2;
        } catch (SettingException e) {
            err.println("replay: " + e.getMessage());
            return 2;
        }
        try {
            return replay(replayArgs, kafka, validator, timeout, clock, out, err);
        } catch (KafkaException e) {
            err.println("replay: Kafka at " + kafka.bootstrapServers() + " failed: " + e.getMessage()
                    + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")"));
            return 1;
        }
    }

    /**
     * The gateway's configuration as the gateway reads it, for its validation limits. Replay serves no HTTP, so the
     * callback tokens it does not need are not required.
     */
    static GatewayConfig gatewayConfig(Map<String, String> env) {
        Map<String, String> withAuth = new HashMap<>(env);
        String tokens = env.get(GatewayConfig.TOKENS_VAR);
        if (tokens == null || tokens.isBlank()) {
            withAuth.remove(GatewayConfig.TOKENS_VAR);
            withAuth.put(GatewayConfig.ALLOW_UNAUTHENTICATED_VAR, "true");
        }
        return GatewayConfig.fromEnv(withAuth);
    }

    private static int replay(ReplayArgs args, KafkaSettings kafka, EnvelopeValidator validator, Duration timeout,
            Clock clock, PrintStream out, PrintStream err) {
        // kept: the selected ones, and the failed replays (few) that tell which dead letters were replaced
        List<DeadLetter> kept = new ArrayList<>();
        long[] read = {0};
        Consumer<DeadLetter> keep = d -> {
            read[0]++;
            if (!d.replayOf().isEmpty() || args.selects(d.stage(), d.reason(), d.receivedAtMs(), d.rowId())) {
                kept.add(d);
            }
        };
        try (DeadLetterReader reader = new DeadLetterReader(kafka.clientProps(), timeout)) {
            reader.readAll(kafka.topics().name(TopicId.DLQ_GATEWAY), r -> keep.accept(DeadLetter.of(r, "gateway")));
            reader.readAll(kafka.topics().name(TopicId.DLQ_PROCESSOR), r -> keep.accept(DeadLetter.of(r, "processor")));
            kept.replaceAll(d -> withRawBody(d, reader));
        }
        ReplayPlan plan = ReplayPlan.of(kept, args, validator);
        if (plan.entries().isEmpty()) {
            err.println("replay: no dead letter matches (" + read[0] + " read from "
                    + kafka.topics().name(TopicId.DLQ_GATEWAY) + " and " + kafka.topics().name(TopicId.DLQ_PROCESSOR)
                    + ")");
            return 1;
        }
        printCounts(plan, out);
        List<ReplayPlan.Entry> toSend = plan.with(ReplayPlan.Action.SEND);
        for (ReplayPlan.Entry e : plan.entries()) {
            if (e.action() != ReplayPlan.Action.SEND) {
                out.println("  not replayed: " + e.deadLetter().rowId() + " (" + e.note() + ")");
            }
        }
        if (args.dryRun()) {
            out.println("dry run: would replay " + toSend.size() + " of " + plan.entries().size()
                    + " selected dead letters to " + kafka.topics().name(TopicId.RAW) + "; nothing sent");
            return 0;
        }
        int sent = send(toSend, kafka, timeout, clock.millis(), err);
        out.println("replayed " + sent + " of " + plan.entries().size() + " selected dead letters to "
                + kafka.topics().name(TopicId.RAW));
        return sent == toSend.size() ? 0 : 1;
    }

    /**
     * A processor dead letter above the processor's largest record is written without its body; the body is then
     * read from the raw record it names, as long as the raw topic's retention keeps it.
     */
    private static DeadLetter withRawBody(DeadLetter d, DeadLetterReader reader) {
        if (d.record().value() != null || !d.stage().equals("processor")) {
            return d;
        }
        return d.source()
                .flatMap(s -> reader.readAt(s.partition(), s.offset()))
                .map(raw -> raw.value() == null ? d : d.withValue(raw.value()))
                .orElse(d);
    }

    private static void printCounts(ReplayPlan plan, PrintStream out) {
        out.printf("%-10s %-24s %-52s %s%n", "STAGE", "REASON", "ACTION", "COUNT");
        for (ReplayPlan.Count c : plan.counts()) {
            out.printf("%-10s %-24s %-52s %d%n", c.stage(), c.reason(), c.action().label(), c.count());
        }
    }

    /** Sends every record and waits for each acknowledgement; returns how many Kafka acknowledged. */
    private static int send(List<ReplayPlan.Entry> entries, KafkaSettings kafka, Duration timeout, long replayTimeMs,
            PrintStream err) {
        if (entries.isEmpty()) {
            return 0;
        }
        Map<String, Object> props = new HashMap<>(kafka.clientProps());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "kz-replay");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
        int requestTimeout = (int) Math.min(timeout.toMillis(), 30_000);
        int linger = 5;
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeout);
        props.put(ProducerConfig.LINGER_MS_CONFIG, linger);
        // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms
        int deliveryTimeout = (int) timeout.toMillis() + requestTimeout + linger;
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryTimeout);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 64 * 1024 * 1024);
        String raw = kafka.topics().name(TopicId.RAW);
        int acked = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (ReplayPlan.Entry e : entries) {
                futures.add(producer.send(ReplayPlan.record(e, raw, replayTimeMs)));
            }
            producer.flush();
            for (int i = 0; i < futures.size(); i++) {
                try {
                    futures.get(i).get(deliveryTimeout + 1000L, TimeUnit.MILLISECONDS);
                    acked++;
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    err.println("replay: sending " + entries.get(i).deadLetter().rowId() + " failed: "
                            + (e.getCause() == null ? e : e.getCause()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    err.println("replay: interrupted after " + acked + " acknowledged sends");
                    return acked;
                }
            }
        }
        return acked;
    }
}
