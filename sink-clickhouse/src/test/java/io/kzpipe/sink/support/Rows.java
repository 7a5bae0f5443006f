package io.kzpipe.sink.support;

import io.kzpipe.sink.row.Row;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.TopicPartition;

/** Test rows. */
public final class Rows {

    private Rows() {}

    public static Row row(TopicPartition tp, long offset, String json) {
        return new Row(tp, offset, 1_000L, null, json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    public static Row row(TopicPartition tp, long offset) {
        return row(tp, offset, "{\"row_id\":\"" + tp.topic() + "-" + tp.partition() + "-" + offset + "\"}");
    }
}
