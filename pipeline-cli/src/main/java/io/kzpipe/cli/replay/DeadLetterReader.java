package io.kzpipe.cli.replay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a dead-letter topic from its first to its last record as of the start of the read: no consumer group (the
 * partitions are assigned, nothing is committed, so running it changes nothing in Kafka), {@code read_committed}
 * (the processor writes its dead letters in transactions; an aborted one is not a dead letter). A topic that does
 * not exist reads as empty. Every call is bounded by {@code timeout}: an unreachable broker is a
 * {@link TimeoutException}, never a hang. Also reads one record of the raw topic, for a dead letter the processor
 * wrote without its body. Not thread-safe.
 */
final class DeadLetterReader implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Duration timeout;

    DeadLetterReader(Map<String, Object> clientProps, Duration timeout) {
        Map<String, Object> props = new HashMap<>(clientProps);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "kz-replay-reader");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.timeout = timeout;
    }

    /** Hands every record of {@code topic} up to its current end to {@code sink}, partition by partition. */
    void readAll(String topic, Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            return;
        }
        List<TopicPartition> partitions = new ArrayList<>();
        infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        List<TopicPartition> pending = new ArrayList<>(
                partitions.stream().filter(p -> end.getOrDefault(p, 0L) > 0).toList());
        if (pending.isEmpty()) {
            return;
        }
        consumer.resume(consumer.paused());
        consumer.assign(pending);
        consumer.seekToBeginning(pending);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!pending.isEmpty()) {
            var records = consumer.poll(Duration.ofMillis(200));
            if (!records.isEmpty()) {
                deadline = System.nanoTime() + timeout.toNanos();
            }
            for (ConsumerRecord<byte[], byte[]> rec : records) {
                if (rec.offset() < end.get(new TopicPartition(rec.topic(), rec.partition()))) {
                    sink.accept(rec);
                }
            }
            List<TopicPartition> done = pending.stream()
                    .filter(p -> consumer.position(p, timeout) >= end.get(p))
                    .toList();
            consumer.pause(done);
            pending.removeAll(done);
            if (!pending.isEmpty() && System.nanoTime() > deadline) {
                throw new TimeoutException("reading " + topic + " made no progress for " + timeout.toSeconds()
                        + " s; still to read: " + pending);
            }
        }
    }

    /**
     * The record at {@code offset} of {@code partition}, or empty when retention deleted it (or the partition ends
     * before it).
     */
    Optional<ConsumerRecord<byte[], byte[]>> readAt(TopicPartition partition, long offset) {
        List<TopicPartition> one = List.of(partition);
        if (consumer.beginningOffsets(one, timeout).getOrDefault(partition, 0L) > offset
                || consumer.endOffsets(one, timeout).getOrDefault(partition, 0L) <= offset) {
            return Optional.empty();
        }
        consumer.assign(one);
        consumer.seek(partition, offset);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
                if (rec.offset() >= offset) {
                    return rec.offset() == offset ? Optional.of(rec) : Optional.empty();
                }
            }
        }
        throw new TimeoutException(
                "reading " + partition + "@" + offset + " made no progress for " + timeout.toSeconds() + " s");
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
