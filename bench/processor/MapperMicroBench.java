package io.kzpipe.processor.topology;

import io.kzpipe.model.json.JsonSerde;
import io.kzpipe.model.record.TypedRecord;
import io.kzpipe.processor.RawEventFactory;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * CPU time per event of the processor's per-record work outside Kafka, on one thread (thread CPU time, so a
 * busy machine disturbs it less than wall time): parse + map of the benchmark's five-answer response, and
 * serialization of its 7 typed records with {@code JsonSerde} (what consumers use) and with
 * {@link TypedRecordWriter} (what the processor uses: per-type writers of the same mapper).
 * {@code BENCH_MODE=micro bench/processor/run.sh}.
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
        @SuppressWarnings("unchecked")
        JsonSerde<TypedRecord>[] serdes = sample.stream().map(o -> (JsonSerde<TypedRecord>) JsonSerde.of(o.topic()
                .recordType())).toArray(JsonSerde[]::new);
        TypedRecordWriter writer = new TypedRecordWriter();
        long[] sink = new long[1];
        IntConsumer map = i -> sink[0] += mapper.map(raws[i % raws.length], i).size();
        IntConsumer databind = i -> {
            for (int k = 0; k < sample.size(); k++) {
                sink[0] += serdes[k].serialize(null, sample.get(k).record()).length;
            }
        };
        IntConsumer streaming = i -> {
            for (int k = 0; k < sample.size(); k++) {
                sink[0] += writer.write(sample.get(k).record()).length;
            }
        };
        for (int round = 1; round <= 5; round++) {
            System.out.printf(Locale.ROOT, "micro round %d: parse+map %.2f us/event, serialize 7 records: databind "
                    + "%.2f us/event, TypedRecordWriter %.2f us/event%n", round, cpuUs(map, n), cpuUs(databind, n),
                    cpuUs(streaming, n));
        }
        for (int k = 0; k < sample.size(); k++) {
            TypedRecord r = sample.get(k).record();
            int kk = k;
            System.out.printf(Locale.ROOT, "  %-16s %5d bytes: databind %.2f us, TypedRecordWriter %.2f us%n",
                    r.getClass().getSimpleName(), writer.write(r).length,
                    cpuUs(i -> sink[0] += serdes[kk].serialize(null, r).length, n),
                    cpuUs(i -> sink[0] += writer.write(r).length, n));
        }
        System.out.println("(checksum " + sink[0] + ")");
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
