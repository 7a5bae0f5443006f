package io.kzpipe.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kzpipe.model.json.Json;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import io.kzpipe.processor.config.ProcessorConfig;
import io.kzpipe.testkit.FreePorts;
import io.kzpipe.testkit.KafkaExtension;
import io.kzpipe.testkit.ServiceProcess;
import io.kzpipe.testkit.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The processor's {@code Main} as a child JVM, killed with SIGKILL while it is processing a stream of raw
 * events (duplicates and bad deliveries included), then restarted on the same state dir: read_committed
 * consumers see every distinct event exactly once, nothing missing and nothing doubled, and duplicates of
 * events processed before the crash are still recognised after it, as are the current versions of responses
 * (edits after the restart supersede them, re-pulled copies are superseded on arrival).
 */
@ExtendWith(KafkaExtension.class)
class ProcessorCrashRecoveryIT {

    static final int RESPONSES = 3000;
    static final int MESSAGES = 300;
    static final int BAD = 30;

    @Test
    void killedMidRunAndRestartedLosesNothingAndDoublesNothing(TestKafka kafka) throws Exception {
        String prefix = kafka.uniqueName("crash") + ".";
        Path stateDir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "it-state")), "crash");
        Map<String, String> env = new HashMap<>(ProcessorItSupport.env(kafka, prefix, stateDir));
        int port = FreePorts.find();
        env.put("PROCESSOR_MANAGEMENT_PORT", Integer.toString(port));
        Topics topics = ProcessorConfig.fromEnv(env).kafka().topics();
        String raw = topics.name(TopicId.RAW);
        String events = topics.name(TopicId.EVENTS);

        List<ProducerRecord<String, byte[]>> firstHalf = new ArrayList<>();
        List<ProducerRecord<String, byte[]>> secondHalf = new ArrayList<>();
        long t0 = System.currentTimeMillis();
        for (int i = 0; i < RESPONSES; i++) {
            (i < RESPONSES / 2 ? firstHalf : secondHalf).add(RawEventFactory.response(raw, i, t0 + i));
            if (i % 10 == 0) { // messages, bad deliveries and immediate duplicates interleaved
                (i < RESPONSES / 2 ? firstHalf : secondHalf)
                        .add(RawEventFactory.textMessage(raw, 100_000 + i / 10, t0 + i));
                (i < RESPONSES / 2 ? firstHalf : secondHalf)
                        .add(RawEventFactory.again(RawEventFactory.response(raw, i, t0 + i), t0 + i + 1));
            }
            if (i % 100 == 0) {
                (i < RESPONSES / 2 ? firstHalf : secondHalf).add(RawEventFactory.bad(raw, 200_000 + i / 100, t0 + i));
            }
        }
        // retries of events from before the crash, delivered after the restart
        List<ProducerRecord<String, byte[]>> lateRetries = new ArrayList<>();
        for (int i = 0; i < RESPONSES / 2; i += 7) {
            lateRetries.add(RawEventFactory.again(RawEventFactory.response(raw, i, t0 + i), t0 + 3_600_000 + i));
        }
        // after the restart, edits and re-pulled copies of responses from before the crash: telling them apart
        // needs each response's current version, i.e. the restored response-versions store (receive times stay
        // below now + 1 h: the broker refuses timestamps further ahead, message.timestamp.after.max.ms)
        int edits = 0;
        int copies = 0;
        for (int i = 0; i < RESPONSES / 2; i += 50, edits++) {
            lateRetries.add(
                    RawEventFactory.edit(raw, i, RawEventFactory.eventId(300_000 + i), 60_000, t0 + 1_800_000 + i));
        }
        for (int i = 0; i < RESPONSES / 2; i += 70, copies++) {
            lateRetries.add(RawEventFactory.copy(raw, i, RawEventFactory.eventId(400_000 + i), t0 + 1_900_000 + i));
        }

        Path log = Path.of("target", "it-logs", prefix + "processor.log");
        ServiceProcess processor = ServiceProcess.start("io.kzpipe.processor.Main", env, log);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producerProps())) {
            ProcessorItSupport.awaitReady(processor, port, Duration.ofSeconds(120));
            AtomicInteger sent = new AtomicInteger();
            CompletableFuture<Void> feeding = CompletableFuture.runAsync(() -> paced(producer, firstHalf, sent));
            // kill while raw events are still arriving and being processed
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> kafka.consumeAll(events, Duration.ofSeconds(1), 50).size() >= 50);
            boolean feedingAtKill = !feeding.isDone();
            int sentAtKill = sent.get();
            processor.kill();
            int visibleAtKill = kafka.readToEnd(events, Duration.ofSeconds(30)).size();
            System.out.printf("killed the processor: still feeding=%s, raw sent=%d, events visible=%d%n", feedingAtKill,
                    sentAtKill, visibleAtKill);
            assertThat(visibleAtKill).as("killed mid-run: some, not all, of the first half visible")
                    .isBetween(1, RESPONSES / 2 - 1);
            feeding.join();

            processor.restart();
            ProcessorItSupport.awaitReady(processor, port, Duration.ofSeconds(120));
            paced(producer, secondHalf, sent);
            paced(producer, lateRetries, sent);
            producer.flush();
            ProcessorItSupport.awaitCaughtUp(kafka, prefix + "processor", raw, Duration.ofSeconds(120));

            var out = ProcessorItSupport.readAll(kafka, topics);
            int distinctMessages = (RESPONSES + 9) / 10;
            int bad = (RESPONSES + 99) / 100;
            Map<TopicId, Integer> expected = new HashMap<>();
            expected.put(TopicId.EVENTS, RESPONSES + distinctMessages + edits + copies);
            expected.put(TopicId.RESPONSES, RESPONSES + edits);
            expected.put(TopicId.RESPONSE_SUPERSESSIONS, edits);
            for (TopicId answers : List.of(TopicId.ANSWERS_OPTION, TopicId.ANSWERS_NUMERIC, TopicId.ANSWERS_LOCATION,
                    TopicId.ANSWERS_TEXT, TopicId.ANSWERS_DATETIME)) {
                expected.put(answers, RESPONSES + edits);
            }
            expected.put(TopicId.MESSAGES, distinctMessages);
            expected.put(TopicId.DLQ_PROCESSOR, bad);
            int rawRecords = firstHalf.size() + secondHalf.size() + lateRetries.size();
            expected.put(TopicId.RAW_OUTCOMES, rawRecords);
            assertThat(ProcessorItSupport.counts(out)).as(processor.logTail(40)).isEqualTo(expected);
            ProcessorItSupport.assertNoRowTwice(out);
            // the outcomes were committed with the records they describe: exactly one per raw record across the kill
            int typed = RESPONSES + distinctMessages + edits;
            assertThat(ProcessorItSupport.assertOneOutcomePerRawRecord(kafka, raw, out))
                    .isEqualTo(Map.of("typed", (long) typed, "superseded", (long) copies, "dead_letter", (long) bad,
                            "duplicate", (long) rawRecords - typed - copies - bad));
            Set<String> eventIds = new HashSet<>();
            for (ConsumerRecord<String, byte[]> r : out.get(TopicId.EVENTS)) {
                eventIds.add(Json.MAPPER.readTree(r.value()).get("event_id").asText());
            }
            assertThat(eventIds).hasSize(RESPONSES + distinctMessages + edits + copies);

            processor.stop();
            assertThat(processor.exitCode()).as("SIGTERM after a graceful close").isEqualTo(143);
            assertThat(processor.logTail(20)).contains("stream processor stopped");
        } finally {
            processor.kill();
        }
    }

    /** Sends in small batches with short pauses, so that processing overlaps with arrival. */
    private static void paced(KafkaProducer<String, byte[]> producer, List<ProducerRecord<String, byte[]>> records,
            AtomicInteger sent) {
        for (int i = 0; i < records.size(); i++) {
            producer.send(records.get(i));
            if (sent.incrementAndGet() % 25 == 0) {
                producer.flush();
                sleep(50);
            }
        }
        producer.flush();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
