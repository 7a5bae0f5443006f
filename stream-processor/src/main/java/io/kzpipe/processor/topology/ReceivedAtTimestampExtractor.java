package io.kzpipe.processor.topology;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time of a raw record = gateway receive time. Uses the record timestamp (the gateway sets it to the
 * receive time); when it is invalid (negative), the {@code kz-received-at} header, else the partition time,
 * else the wall clock. Never throws and never skips, unlike Streams' default extractor, so no record can
 * stop or silently leave the stream because of its timestamp.
 */
public final class ReceivedAtTimestampExtractor implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.timestamp() >= 0) {
            return record.timestamp();
        }
        long fromHeader = ReceivedAt.of(record.headers(), -1);
        if (fromHeader >= 0) {
            return fromHeader;
        }
        return partitionTime >= 0 ? partitionTime : System.currentTimeMillis();
    }
}
