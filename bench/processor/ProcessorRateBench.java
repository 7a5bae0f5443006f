package io.kzpipe.bench;

import io.kzpipe.model.kafka.TopicBootstrap;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import io.kzpipe.processor.RawEventFactory;
import io.kzpipe.processor.config.ProcessorConfig;
import io.kzpipe.testkit.FreePorts;
import io.kzpipe.testkit.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The stream processor as a service process (its {@code Main}, with the JVM options under test) in two
 * phases:
 * <ol>
 *   <li><b>backlog</b>: {@code BENCH_BACKLOG} raw events (default 100,000) are loaded before the service
 *       starts; measured from {@code /health/ready} until its committed offsets reach the end of {@code raw}
 *       (catch-up rate, CPU per event, RSS under backlog);</li>
 *   <li><b>fixed rate</b>: raw events produced at {@code BENCH_RATE}/s (default 2,000) for
 *       {@code BENCH_SECONDS} (default 60) while the service runs (an open model: the schedule does not wait
 *       for the processor). A read_committed consumer in this JVM reads every typed output; the latency of
 *       a record is the time it became visible here minus its timestamp, which the processor copies from the
 *       raw record, stamped by the bench producer at send time (the bench producer's own linger of 5 ms is
 *       included).</li>
 * </ol>
 * Printed: CPU time per event of the service JVM and the broker JVM (from {@code /proc}), latency
 * p50/p95/p99/max over the {@code events} records (one per raw event) and over all typed records, RSS average
 * and peak per phase (sampled every 250 ms) and the service's {@code VmHWM}.
 *
 * <p>JVM options of the service: {@code BENCH_PROCESSOR_JAVA_OPTS} (default: the README's recommended
 * {@code JAVA_OPTS}). Processor settings ({@code KAFKA_STREAMS_*}, {@code PROCESSOR_*}) pass through the
 * environment as for the service.
 */
final class ProcessorRateBench {

    static final String RECOMMENDED_JAVA_OPTS = "-XX:+UseSerialGC -Xms32m -Xmx160m -XX:MaxMetaspaceSize=96m "
            + "-XX:ReservedCodeCacheSize=48m -Xss512k -XX:+ExitOnOutOfMemoryError";

    private ProcessorRateBench() {
    }

    static void run(String bootstrap, long brokerPid) throws Exception {
        int backlog = Integer.parseInt(System.getenv().getOrDefault("BENCH_BACKLOG", "100000"));
        int rate = Integer.parseInt(System.getenv().getOrDefault("BENCH_RATE", "2000"));
        int seconds = Integer.parseInt(System.getenv().getOrDefault("BENCH_SECONDS", "60"));
        String javaOpts = System.getenv().getOrDefault("BENCH_PROCESSOR_JAVA_OPTS", RECOMMENDED_JAVA_OPTS);

        String prefix = "rate-" + Long.toHexString(System.nanoTime()) + ".";
        String appId = prefix + "processor";
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("TOPIC_PREFIX", prefix);
        env.put("PROCESSOR_APPLICATION_ID", appId);
        Path stateDir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "bench-state")), "rate");
        env.put("PROCESSOR_STATE_DIR", stateDir.toString());
        int port = FreePorts.find();
        env.put("PROCESSOR_MANAGEMENT_HOST", "127.0.0.1");
        env.put("PROCESSOR_MANAGEMENT_PORT", Integer.toString(port));
        Map<String, String> all = new HashMap<>(System.getenv());
        all.putAll(env);
        ProcessorConfig config = ProcessorConfig.fromEnv(all);
        Topics topics = config.kafka().topics();
        String raw = topics.name(TopicId.RAW);
        List<String> names = new ArrayList<>(topics.names(TopicId.processorOutputs()));
        names.add(raw);
        TopicBootstrap.ensure(config.kafka(), names, Duration.ofSeconds(60));
        System.out.println("service JVM options: " + javaOpts);

        try (KafkaProducer<String, byte[]> producer = producer(bootstrap);
             Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            long t0 = System.currentTimeMillis();
            for (int i = 0; i < backlog; i++) {
                producer.send(RawEventFactory.response(raw, i, t0 + i));
            }
            producer.flush();
            System.out.printf(Locale.ROOT, "loaded a backlog of %d raw events%n", backlog);

            ServiceProcess service = ServiceProcess.start("io.kzpipe.processor.Main", env,
                    Path.of("target", "rate-processor.log"), Arrays.asList(javaOpts.trim().split("\\s+")));
            RssSampler rss = new RssSampler(service.pid());
            try {
                awaitReady(port, service);
                // backlog phase
                Cpu before = Cpu.of(service.pid(), brokerPid);
                Map<String, Long> threads0 = ProcessorBench.threadCpuTicks(service.pid());
                long start = System.nanoTime();
                rss.phase();
                Map<TopicPartition, Long> ends = ProcessorBench.endOffsets(admin, raw);
                while (!ProcessorBench.caughtUp(admin, appId, ends)) {
                    check(service, start, 20);
                    Thread.sleep(50);
                }
                double backlogSeconds = (System.nanoTime() - start) / 1e9;
                Cpu after = Cpu.of(service.pid(), brokerPid);
                RssSampler.Stats backlogRss = rss.phase();
                System.out.printf(Locale.ROOT, "backlog    %d events in %.2f s = %.0f events/s; CPU per event: "
                        + "processor JVM %.0f us, broker JVM %.0f us; RSS avg %.0f MB, peak %.0f MB%n", backlog,
                        backlogSeconds, backlog / backlogSeconds, (after.service - before.service) / 1e3 / backlog,
                        (after.broker - before.broker) / 1e3 / backlog, backlogRss.avgMb(), backlogRss.peakMb());
                System.out.println("  processor CPU by thread (us/event): " + ProcessorBench.threadCpuDelta(threads0,
                        ProcessorBench.threadCpuTicks(service.pid()), backlog));

                // fixed-rate phase
                fixedRate(bootstrap, topics, raw, producer, service, brokerPid, rate, seconds, backlog, rss);
                System.out.printf(Locale.ROOT, "processor VmHWM (peak RSS over both phases incl. start-up) %.0f MB%n",
                        RssSampler.vmHwmKb(service.pid()) / 1024.0);
            } finally {
                rss.close();
                service.stop();
            }
        }
    }

    private static void fixedRate(String bootstrap, Topics topics, String raw, KafkaProducer<String, byte[]> producer,
                                  ServiceProcess service, long brokerPid, int rate, int seconds, int firstIndex,
                                  RssSampler rss) throws Exception {
        int total = rate * seconds;
        String eventsTopic = topics.name(TopicId.EVENTS);
        List<String> typed = topics.names(TopicId.typed());
        long[] eventLatency = new long[total];
        List<Long> allLatency = new ArrayList<>(total * RawEventFactory.RECORDS_PER_RESPONSE);
        AtomicLong eventsSeen = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        List<TopicPartition> partitions = new ArrayList<>();
        for (String t : typed) {
            consumer.partitionsFor(t).forEach(p -> partitions.add(new TopicPartition(t, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve now: only records of this phase are measured
        Thread reader = new Thread(() -> {
            while (!stop.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    long latency = System.currentTimeMillis() - r.timestamp();
                    allLatency.add(latency);
                    if (r.topic().equals(eventsTopic)) {
                        long n = eventsSeen.getAndIncrement();
                        if (n < eventLatency.length) {
                            eventLatency[(int) n] = latency;
                        }
                    }
                }
            }
            consumer.close();
        }, "latency-reader");
        reader.start();

        Cpu before = Cpu.of(service.pid(), brokerPid);
        Map<String, Long> threads0 = ProcessorBench.threadCpuTicks(service.pid());
        rss.phase();
        long start = System.nanoTime();
        int sent = 0;
        while (sent < total) {
            long due = Math.min(total, (long) ((System.nanoTime() - start) / 1e9 * rate) + 1);
            while (sent < due) {
                producer.send(RawEventFactory.response(raw, firstIndex + sent, System.currentTimeMillis()));
                sent++;
            }
            Thread.sleep(1);
            check(service, start, 30);
        }
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        producer.flush();
        while (eventsSeen.get() < total) {
            check(service, start, 30);
            Thread.sleep(10);
        }
        double drainSeconds = (System.nanoTime() - start) / 1e9 - sendSeconds;
        Cpu after = Cpu.of(service.pid(), brokerPid);
        Map<String, Long> threads1 = ProcessorBench.threadCpuTicks(service.pid());
        RssSampler.Stats stats = rss.phase();
        stop.set(true);
        reader.join();
        System.out.printf(Locale.ROOT, "fixed rate %d events at %d/s (achieved %.0f/s over %.1f s, last event visible"
                + " %.2f s after the last send); CPU per event: processor JVM %.0f us, broker JVM %.0f us; "
                + "processor CPU %.0f%% of one core; RSS avg %.0f MB, peak %.0f MB%n", total, rate, total / sendSeconds,
                sendSeconds, drainSeconds, (after.service - before.service) / 1e3 / total,
                (after.broker - before.broker) / 1e3 / total,
                100.0 * (after.service - before.service) / 1e9 / (sendSeconds + drainSeconds), stats.avgMb(),
                stats.peakMb());
        System.out.println("  processor CPU by thread (us/event): "
                + ProcessorBench.threadCpuDelta(threads0, threads1, total));
        long[] all = allLatency.stream().mapToLong(Long::longValue).toArray();
        System.out.println("latency raw timestamp -> read_committed visible, events records: "
                + percentiles(eventLatency));
        System.out.println("latency raw timestamp -> read_committed visible, all " + all.length + " typed records: "
                + percentiles(all));
    }

    static String percentiles(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return String.format(Locale.ROOT, "p50 %d ms, p95 %d ms, p99 %d ms, max %d ms", at(v, 0.50), at(v, 0.95),
                at(v, 0.99), v.length == 0 ? 0 : v[v.length - 1]);
    }

    private static long at(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static void check(ServiceProcess service, long startNanos, int maxMinutes) {
        if (!service.isAlive()) {
            throw new IllegalStateException("the processor exited (" + service.exitCode() + "):\n"
                    + service.logTail(40));
        }
        if (System.nanoTime() - startNanos > TimeUnit.MINUTES.toNanos(maxMinutes)) {
            throw new IllegalStateException("phase did not finish within " + maxMinutes + " minutes");
        }
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024));
    }

    private static void awaitReady(int port, ServiceProcess service) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        long start = System.nanoTime();
        while (true) {
            check(service, start, 3);
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
    }

    /** CPU time (ns) of the service and the broker process. */
    private record Cpu(long service, long broker) {
        static Cpu of(long servicePid, long brokerPid) {
            return new Cpu(cpuNanos(servicePid), brokerPid < 0 ? 0 : cpuNanos(brokerPid));
        }

        static long cpuNanos(long pid) {
            return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L);
        }
    }

    /** Samples VmRSS of a process every 250 ms; {@link #phase()} returns the stats since the previous call. */
    static final class RssSampler implements AutoCloseable {
        record Stats(double avgMb, double peakMb) {
        }

        private final long pid;
        private final Thread thread;
        private volatile boolean closed;
        private long sumKb;
        private long count;
        private long peakKb;

        RssSampler(long pid) {
            this.pid = pid;
            this.thread = new Thread(this::loop, "rss-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            while (!closed) {
                long kb = status(pid, "VmRSS:");
                synchronized (this) {
                    if (kb > 0) {
                        sumKb += kb;
                        count++;
                        peakKb = Math.max(peakKb, kb);
                    }
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        synchronized Stats phase() {
            Stats s = new Stats(count == 0 ? 0 : sumKb / 1024.0 / count, peakKb / 1024.0);
            sumKb = 0;
            count = 0;
            peakKb = 0;
            return s;
        }

        static long vmHwmKb(long pid) {
            return status(pid, "VmHWM:");
        }

        static long status(long pid, String field) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith(field)) {
                        return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                    }
                }
            } catch (IOException | RuntimeException e) {
                return -1;
            }
            return -1;
        }

        @Override
        public void close() {
            closed = true;
            thread.interrupt();
        }
    }
}
