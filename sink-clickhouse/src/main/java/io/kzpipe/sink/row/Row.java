package io.kzpipe.sink.row;

import org.apache.kafka.common.TopicPartition;

/**
 * One row bound for ClickHouse and the Kafka record it came from.
 *
 * @param partition   topic partition of the source record
 * @param offset      offset of the source record
 * @param timestampMs record timestamp (the gateway receive time, see docs/DESIGN.md)
 * @param key         record key, may be {@code null}
 * @param json        the row as one JSONEachRow object (typed records are passed through as they are);
 *                    {@code null} or blank when the record had no value: such a row is dead-lettered
 *                    without an insert attempt
 */
public record Row(TopicPartition partition, long offset, long timestampMs, byte[] key, byte[] json) {

    /** Estimated heap bytes of a buffered row besides its value and key (objects, headers, list slots). */
    public static final int OVERHEAD_BYTES = 96;

    /** Estimated heap bytes this row occupies while buffered: value, key and {@link #OVERHEAD_BYTES}. */
    public long footprint() {
        return (json == null ? 0 : json.length) + (key == null ? 0 : key.length) + OVERHEAD_BYTES;
    }

    /** Bytes this row occupies in an insert (value plus the newline separator). */
    public int size() {
        return json == null ? 1 : json.length + 1;
    }

    /** True when there is nothing to insert: no value, or only whitespace. */
    public boolean isBlank() {
        if (json == null) {
            return true;
        }
        for (byte b : json) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }
}
