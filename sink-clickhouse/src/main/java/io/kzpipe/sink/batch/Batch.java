package io.kzpipe.sink.batch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Rows for one table, in offset order within each partition, with the offsets they cover. Immutable.
 *
 * @param table ClickHouse table (without database)
 * @param rows  the rows
 */
public record Batch(String table, List<Row> rows) {

    public Batch {
        rows = List.copyOf(rows);
    }

    public int size() {
        return rows.size();
    }

    public long bytes() {
        long n = 0;
        for (Row r : rows) {
            n += r.size();
        }
        return n;
    }

    /** Rows {@code [from, to)} as a batch of the same table. */
    public Batch slice(int from, int to) {
        return new Batch(table, rows.subList(from, to));
    }

    /** Per partition, the offset to commit once this batch is in ClickHouse: the highest offset + 1. */
    public Map<TopicPartition, OffsetAndMetadata> offsetsToCommit() {
        Map<TopicPartition, OffsetAndMetadata> out = new LinkedHashMap<>();
        for (Row r : rows) {
            OffsetAndMetadata prev = out.get(r.partition());
            if (prev == null || prev.offset() <= r.offset()) {
                out.put(r.partition(), new OffsetAndMetadata(r.offset() + 1));
            }
        }
        return out;
    }

    /**
     * Human- and log-friendly id: table and, per partition, the offset range, e.g.
     * {@code answers_numeric[kaizala.answers.numeric-0@100..199,kaizala.answers.numeric-2@7..7]}.
     */
    public String id() {
        Map<TopicPartition, long[]> ranges = new LinkedHashMap<>();
        for (Row r : rows) {
            long[] range = ranges.computeIfAbsent(r.partition(), p -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
            range[0] = Math.min(range[0], r.offset());
            range[1] = Math.max(range[1], r.offset());
        }
        StringJoiner joiner = new StringJoiner(",", table + "[", "]");
        ranges.forEach((p, range) -> joiner.add(p.topic() + "-" + p.partition() + "@" + range[0] + ".." + range[1]));
        return joiner.toString();
    }
}
