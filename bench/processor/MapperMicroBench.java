package io.kzpipe.processor.topology;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.kzpipe.model.record.TypedRecord;
import io.kzpipe.processor.RawEventFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * CPU time per event of the processor's per-record work outside Kafka, on one thread (thread CPU time, so a
 * busy machine disturbs it less than wall time): parse + map of the benchmark's five-answer response, and
 * serialization of its 7 typed records with plain databind (the shared mapper's settings without the Blackbird
 * module) and with {@link TypedRecordWriter} (what the processor uses: the shared mapper, Blackbird included),
 * alternating in the same JVM. {@code BENCH_MODE=micro bench/processor/run.sh}.
 */
public final class MapperMicroBench {

    private MapperMicroBench() {
    }

    public static void run() {
        int n = Integer.parseInt(System.getenv().getOrDefault("BENCH_EVENTS", "100000"));
        byte[][] raws = new byte[1000][];
        for (int i = 0; i < raws.length; i++) {
            raws[i] = RawEventFactory.response(i);
        }
        EventMapper mapper = new EventMapper(null, 256 * 1024);
        List<Output> sample = mapper.map(raws[0], 1L);
        ObjectMapper plain = JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
        ObjectWriter[] plainWriters = sample.stream().map(o -> plain.writerFor(o.topic().recordType()))
                .toArray(ObjectWriter[]::new);
        TypedRecordWriter writer = new TypedRecordWriter();
        long[] sink = new long[1];
        IntConsumer map = i -> sink[0] += mapper.map(raws[i % raws.length], i).size();
        IntConsumer databind = i -> {
            for (int k = 0; k < sample.size(); k++) {
                sink[0] += plainBytes(plainWriters[k], sample.get(k).record()).length;
            }
        };
        IntConsumer shared = i -> {
            for (int k = 0; k < sample.size(); k++) {
                sink[0] += writer.write(sample.get(k).record()).length;
            }
        };
        for (int round = 1; round <= 5; round++) {
            System.out.printf(Locale.ROOT, "micro round %d: parse+map %.2f us/event, serialize 7 records: plain databind "
                    + "%.2f us/event, TypedRecordWriter (Blackbird) %.2f us/event%n", round, cpuUs(map, n),
                    cpuUs(databind, n), cpuUs(shared, n));
        }
        for (int k = 0; k < sample.size(); k++) {
            TypedRecord r = sample.get(k).record();
            ObjectWriter w = plainWriters[k];
            System.out.printf(Locale.ROOT, "  %-16s %5d bytes: plain databind %.2f us, TypedRecordWriter %.2f us%n",
                    r.getClass().getSimpleName(), writer.write(r).length,
                    cpuUs(i -> sink[0] += plainBytes(w, r).length, n),
                    cpuUs(i -> sink[0] += writer.write(r).length, n));
        }
        System.out.println("(checksum " + sink[0] + ")");
    }

    private static byte[] plainBytes(ObjectWriter writer, TypedRecord record) {
        try {
            return writer.writeValueAsBytes(record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double cpuUs(IntConsumer work, int n) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long t0 = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            work.accept(i);
        }
        return (threads.getCurrentThreadCpuTime() - t0) / 1e3 / n;
    }
}
