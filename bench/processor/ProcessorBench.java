package io.kzpipe.bench;

import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import io.kzpipe.processor.RawEventFactory;
import io.kzpipe.processor.config.ProcessorConfig;
import io.kzpipe.processor.topology.ProcessorMetrics;
import io.kzpipe.processor.topology.ProcessorTopology;
import io.kzpipe.processor.topology.ReceivedAtTimestampExtractor;
import io.kzpipe.testkit.KafkaBrokerProcess;
import io.kzpipe.testkit.TestKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

/**
 * Stream-processor throughput: normalized raw events per second with exactly-once against a co-located
 * broker, and, in the same run with the same Streams settings, a pass-through topology (raw bytes copied
 * to one topic) as the ceiling.
 *
 * <p>N five-answer responses are loaded into the raw topic first (not timed). Each measured run is a fresh
 * Streams application reading the raw topic from the beginning; its time runs from state RUNNING until the
 * application's committed offsets reach the end of the raw topic (with EOS, outputs are committed in the same
 * transaction, so they are then all visible to read_committed consumers).
 *
 * <p>{@code BENCH_MODE=rate} runs {@link ProcessorRateBench} instead (the service as a process: backlog
 * catch-up, then a fixed rate with latency, CPU and RSS).
 *
 * <p>Environment: BENCH_EVENTS (default 100000), BENCH_ROUNDS (3; the first includes JIT warm-up, the best
 * round is reported), BENCH_BOOTSTRAP (use that broker instead of starting one), plus any processor setting
 * (KAFKA_STREAMS_*, TOPIC_PARTITIONS, ...) as for the service. CPU time per event is printed for this JVM and,
 * when the bench started the broker, for the broker JVM: on a shared machine it is steadier than the rate.
 */
public final class ProcessorBench {

    public static void main(String[] args) throws Exception {
        int events = Integer.parseInt(System.getenv().getOrDefault("BENCH_EVENTS", "100000"));
        int rounds = Integer.parseInt(System.getenv().getOrDefault("BENCH_ROUNDS", "3"));
        String mode = System.getenv().getOrDefault("BENCH_MODE", "saturation");
        if (mode.equals("micro")) {
            io.kzpipe.processor.topology.MapperMicroBench.run();
            return;
        }
        String external = System.getenv("BENCH_BOOTSTRAP");
        KafkaBrokerProcess broker = external == null ? KafkaBrokerProcess.launch() : null;
        String bootstrap = external != null ? external : broker.bootstrapServers();
        long brokerPid = ProcessHandle.current().children().mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
        try {
            switch (mode) {
                case "saturation" -> run(bootstrap, events, rounds);
                case "rate" -> ProcessorRateBench.run(bootstrap, external == null ? brokerPid : -1);
                default -> throw new IllegalArgumentException("BENCH_MODE must be saturation, rate or micro, not " + mode);
            }
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    private static void run(String bootstrap, int events, int rounds) throws Exception {
        String prefix = "bench-" + Long.toHexString(System.nanoTime()) + ".";
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("TOPIC_PREFIX", prefix);
        ProcessorConfig config = ProcessorConfig.fromEnv(env);
        Topics topics = config.kafka().topics();
        String raw = topics.name(TopicId.RAW);
        String passThroughTopic = prefix + "passthrough";
        List<String> all = new ArrayList<>(topics.names(TopicId.processorOutputs()));
        all.add(raw);
        all.add(passThroughTopic);
        io.kzpipe.model.kafka.TopicBootstrap.ensure(config.kafka(), all, Duration.ofSeconds(60));

        long loadStart = System.nanoTime();
        long bytes = load(bootstrap, raw, events);
        System.out.printf(Locale.ROOT, "loaded %d raw events (%.0f bytes each) in %.1f s%n", events,
                (double) bytes / events, (System.nanoTime() - loadStart) / 1e9);
        Properties base = config.streamsProperties();
        System.out.println("streams settings: " + base.entrySet().stream()
                .filter(e -> !e.getKey().toString().contains("handler") && !e.getKey().toString().startsWith("kzpipe"))
                .map(e -> e.getKey() + "=" + e.getValue()).sorted().collect(Collectors.joining(", ")));

        List<Double> pass = new ArrayList<>();
        List<Double> norm = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            double p = measure("passthrough-" + r, passThrough(raw, passThroughTopic), base, bootstrap, raw, events);
            double n = measure("normalize-" + r, ProcessorTopology.build(config,
                    new ProcessorMetrics(new SimpleMeterRegistry(), topics)), base, bootstrap, raw, events);
            pass.add(p);
            norm.add(n);
            System.out.printf(Locale.ROOT, "round %d: pass-through %.0f events/s, normalize %.0f events/s (%.0f%%)%n",
                    r, p, n, 100 * n / p);
        }
        double bestPass = pass.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        double bestNorm = norm.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        System.out.printf(Locale.ROOT, "RESULT events=%d rounds=%d best pass-through=%.0f/s best normalize=%.0f/s "
                + "ratio=%.0f%% (normalize writes %d records per event)%n", events, rounds, bestPass, bestNorm,
                100 * bestNorm / bestPass, RawEventFactory.RECORDS_PER_RESPONSE);
        System.out.printf(Locale.ROOT, "bench JVM VmHWM %.0f MB (Streams in the bench JVM with -Xmx2g: not the "
                + "service's footprint; BENCH_MODE=rate measures the service process)%n",
                ProcessorRateBench.RssSampler.vmHwmKb(ProcessHandle.current().pid()) / 1024.0);
    }

    private static long load(String bootstrap, String topic, int events) throws Exception {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, org.apache.kafka.common.serialization.StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        long bytes = 0;
        long t0 = System.currentTimeMillis();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < events; i++) {
                var record = RawEventFactory.response(topic, i, t0 + i);
                bytes += record.value().length;
                producer.send(record);
            }
            producer.flush();
        }
        return bytes;
    }

    private static Topology passThrough(String raw, String out) {
        Topology t = new Topology();
        t.addSource(AutoOffsetReset.earliest(), "raw-source", new ReceivedAtTimestampExtractor(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer(), raw);
        t.addSink("to-passthrough", out, new ByteArraySerializer(), new ByteArraySerializer(), "raw-source");
        return t;
    }

    private static double measure(String name, Topology topology, Properties base, String bootstrap, String raw,
                                  int events) throws Exception {
        Properties props = new Properties();
        props.putAll(base);
        String appId = "bench-" + name + "-" + Long.toHexString(System.nanoTime());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        Path stateDir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "bench-state")), name);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        CountDownLatch running = new CountDownLatch(1);
        try (KafkaStreams streams = new KafkaStreams(topology, props);
             Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            streams.setStateListener((n, o) -> {
                if (n == KafkaStreams.State.RUNNING) {
                    running.countDown();
                }
            });
            streams.start();
            if (!running.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " did not reach RUNNING");
            }
            long start = System.nanoTime();
            Map<String, Long> threads0 = threadCpuTicks(ProcessHandle.current().pid());
            long cpu0 = ownCpuNanos();
            long brokerCpu0 = childCpuNanos();
            Map<TopicPartition, Long> ends = endOffsets(admin, raw);
            while (!caughtUp(admin, appId, ends)) {
                if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(20)) {
                    throw new IllegalStateException(name + " did not finish within 20 minutes");
                }
                Thread.sleep(50);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double rate = events / seconds;
            double streamsCpuUs = (ownCpuNanos() - cpu0) / 1e3 / events;
            double brokerCpuUs = (childCpuNanos() - brokerCpu0) / 1e3 / events;
            System.out.printf(Locale.ROOT, "%-14s %d events in %.2f s = %.0f events/s; CPU per event: streams JVM %.0f us,"
                    + " broker JVM %.0f us%n", name, events, seconds, rate, streamsCpuUs, brokerCpuUs);
            System.out.println("  CPU by thread (us/event): " + threadCpuDelta(threads0,
                    threadCpuTicks(ProcessHandle.current().pid()), events));
            streams.close(Duration.ofSeconds(60));
            return rate;
        }
    }

    /**
     * CPU ticks (utime + stime, 1/100 s) per thread name of a process from {@code /proc/<pid>/task}; names are
     * the kernel's 15-character thread names with digits folded ({@code GC Thread#1} -> {@code GC Thread#}),
     * so the stream thread shows as the first 15 characters of the application id.
     */
    static Map<String, Long> threadCpuTicks(long pid) {
        Map<String, Long> out = new HashMap<>();
        java.io.File[] tasks = new java.io.File("/proc/" + pid + "/task").listFiles();
        if (tasks == null) {
            return out;
        }
        for (java.io.File t : tasks) {
            try {
                String stat = Files.readString(t.toPath().resolve("stat"));
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                String name = stat.substring(open + 1, close).replaceAll("[0-9]+", "");
                String[] f = stat.substring(close + 2).split(" ");
                out.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
            } catch (java.io.IOException | RuntimeException e) {
                // the thread ended meanwhile
            }
        }
        return out;
    }

    /** The threads that used the most CPU between two {@link #threadCpuTicks} snapshots, per event. */
    static String threadCpuDelta(Map<String, Long> before, Map<String, Long> after, long events) {
        return after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .limit(8)
                .map(e -> String.format(Locale.ROOT, "%s %.0f", e.getKey(), e.getValue() * 1e4 / events))
                .collect(Collectors.joining(", "));
    }

    /** CPU time of this JVM (Streams, plus the bench's light offset polling). */
    private static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU time of child processes (the co-located broker when this bench started it; 0 otherwise). */
    private static long childCpuNanos() {
        return ProcessHandle.current().children().mapToLong(p -> p.info().totalCpuDuration()
                .map(Duration::toNanos).orElse(0L)).sum();
    }

    static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
        var description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        Map<TopicPartition, OffsetSpec> specs = description.partitions().stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(specs).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    static boolean caughtUp(Admin admin, String group, Map<TopicPartition, Long> ends) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        return ends.entrySet().stream().allMatch(e -> {
            OffsetAndMetadata c = committed.get(e.getKey());
            return c != null && c.offset() >= e.getValue();
        });
    }
}
