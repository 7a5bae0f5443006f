package io.kzpipe.sink.row;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Rows for one table, in offset order within each partition, with the offsets they cover. Immutable; the
 * id is computed once.
 */
public final class Batch {

    private final String table;
    private final List<Row> rows;
    private String id;

    /**
     * @param table ClickHouse table (without database)
     * @param rows  the rows (copied)
     */
    public Batch(String table, List<Row> rows) {
        this.table = table;
        this.rows = List.copyOf(rows);
    }

    public String table() {
        return table;
    }

    public List<Row> rows() {
        return rows;
    }

    public int size() {
        return rows.size();
    }

    /** Rows {@code [from, to)} as a batch of the same table. */
    public Batch slice(int from, int to) {
        return new Batch(table, rows.subList(from, to));
    }

    /** Per partition, the offset to commit once this batch is in ClickHouse: the highest offset + 1. */
    public Map<TopicPartition, OffsetAndMetadata> offsetsToCommit() {
        Map<TopicPartition, OffsetAndMetadata> out = new LinkedHashMap<>();
        ranges().forEach((p, range) -> out.put(p, new OffsetAndMetadata(range[1] + 1)));
        return out;
    }

    /**
     * Human- and log-friendly id: table and, per partition, the offset range, e.g.
     * {@code answers_numeric[kaizala.answers.numeric-0@100..199,kaizala.answers.numeric-2@7..7]}.
     */
    public String id() {
        if (id == null) {
            StringJoiner joiner = new StringJoiner(",", table + "[", "]");
            ranges().forEach(
                    (p, range) -> joiner.add(p.topic() + "-" + p.partition() + "@" + range[0] + ".." + range[1]));
            id = joiner.toString();
        }
        return id;
    }

    /** Partition → {lowest offset, highest offset}, in the order partitions first appear. */
    private Map<TopicPartition, long[]> ranges() {
        Map<TopicPartition, long[]> ranges = new LinkedHashMap<>();
        TopicPartition last = null;
        long[] range = null;
        for (Row r : rows) {
            if (r.partition() != last) { // rows of a partition are contiguous: one lookup per run
                last = r.partition();
                range = ranges.computeIfAbsent(last, p -> new long[]{Long.MAX_VALUE, Long.MIN_VALUE});
            }
            range[0] = Math.min(range[0], r.offset());
            range[1] = Math.max(range[1], r.offset());
        }
        return ranges;
    }

    @Override
    public String toString() {
        return id();
    }
}
