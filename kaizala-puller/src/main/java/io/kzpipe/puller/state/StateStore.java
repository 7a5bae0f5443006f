package io.kzpipe.puller.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.kzpipe.model.json.Json;
import io.kzpipe.model.kafka.KafkaSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The puller's state in its compacted topic (docs/DESIGN.md "Puller"), and the one transactional producer that
 * writes records together with the state that follows them: {@link #commit} sends the records and the state writes
 * in one Kafka transaction, so after a crash either both are there or neither (the page is fetched again, and never
 * a cursor past records that were not written).
 *
 * <p>{@link #open} first initialises the transactions (which aborts whatever a killed predecessor with the same
 * {@code transactional.id} left open, so the topic's last stable offset moves on), then reads the state topic to its
 * end {@code read_committed}. The map it holds is authoritative for every key this instance wrote; records written by
 * others (the {@code backfill} command) are picked up by {@link #pollExternal()} for keys it does not know yet.
 * Used by one thread.
 */
public final class StateStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);

    private final Producer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final Map<String, byte[]> state = new TreeMap<>();
    private boolean fatal;

    public StateStore(Map<String, Object> producerProps, Map<String, Object> consumerProps, String topic) {
        this(new KafkaProducer<>(producerProps), new KafkaConsumer<>(consumerProps), topic);
    }

    StateStore(Producer<String, byte[]> producer, KafkaConsumer<String, byte[]> consumer, String topic) {
        this.producer = producer;
        this.consumer = consumer;
        this.topic = topic;
    }

    /**
     * The state topic's reader settings: {@code read_committed}, assigned (no group), String keys, byte values, plus
     * {@code KAFKA_CLIENT_*}.
     */
    public static Map<String, Object> consumerProps(KafkaSettings kafka, String clientId) {
        Map<String, Object> props = new HashMap<>(kafka.clientProps());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    /** Initialises transactions, then reads the state topic to its end. */
    public void open(Duration timeout) {
        producer.initTransactions();
        int read = readToEnd(consumer, topic, timeout, this::apply);
        LOG.info("read {} state records of {}: {} keys", read, topic, state.size());
    }

    /**
     * Reads {@code topic} from its beginning to its end (the last stable offset, {@code read_committed}) with
     * {@code consumer}, which stays assigned; returns the number of records read.
     */
    public static int readToEnd(KafkaConsumer<String, byte[]> consumer, String topic, Duration timeout,
            BiConsumer<String, byte[]> sink) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo p : consumer.partitionsFor(topic, timeout)) {
            partitions.add(new TopicPartition(topic, p.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        int read = 0;
        while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "did not read the state topic " + topic + " to its end within " + timeout);
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                sink.accept(r.key(), r.value());
                read++;
            }
        }
        return read;
    }

    /** Applies records others wrote since, for keys this instance does not hold; returns those keys. */
    public List<String> pollExternal() {
        List<String> added = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ZERO)) {
            if (r.key() != null && !state.containsKey(r.key()) && r.value() != null) {
                state.put(r.key(), r.value());
                added.add(r.key());
            }
        }
        return added;
    }

    private void apply(String key, byte[] value) {
        if (key == null) {
            return;
        }
        if (value == null) {
            state.remove(key);
        } else {
            state.put(key, value);
        }
    }

    /** The state under {@code key} as {@code type}, or {@code null}. */
    public <T> T get(String key, Class<T> type) {
        byte[] v = state.get(key);
        if (v == null) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(v, type);
        } catch (IOException e) {
            LOG.warn("state {} is unreadable ({}); starting it afresh", key, e.getMessage());
            return null;
        }
    }

    /** Keys starting with {@code prefix}, in order. */
    public List<String> keys(String prefix) {
        return state.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
    }

    /**
     * Writes {@code records} and the state {@code writes} (a {@code null} value deletes the key: a tombstone) in one
     * transaction, and holds the new state once it committed.
     *
     * @throws KafkaException when the transaction failed; it was aborted, nothing of it is visible. After a fatal
     *     error (fenced by another instance with the same {@code PULLER_INSTANCE_ID}, authorization) every later call
     *     fails too
     */
    public void commit(List<ProducerRecord<String, byte[]>> records, Map<String, Object> writes) {
        if (fatal) {
            throw new IllegalStateException("the state producer failed fatally before");
        }
        Map<String, byte[]> values = new HashMap<>();
        writes.forEach((k, v) -> values.put(k, v == null ? null : json(v)));
        try {
            producer.beginTransaction();
            // a failed send fails commitTransaction, which then aborts: no need to wait for each
            for (ProducerRecord<String, byte[]> r : records) {
                producer.send(r);
            }
            values.forEach((k, v) -> producer.send(new ProducerRecord<>(topic, k, v)));
            producer.commitTransaction();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException
                | UnsupportedVersionException e) {
            fatal = true;
            throw e;
        } catch (KafkaException e) {
            try {
                producer.abortTransaction();
            } catch (KafkaException abort) {
                fatal = true;
                e.addSuppressed(abort);
            }
            throw e;
        }
        values.forEach(this::apply);
    }

    /** The state topic's records committed by this instance are visible to others (tests, the commands). */
    public String topic() {
        return topic;
    }

    private static byte[] json(Object value) {
        try {
            return value instanceof byte[] b ? b : Json.MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize state " + value.getClass().getSimpleName(), e);
        }
    }

    @Override
    public void close() {
        try {
            producer.close(Duration.ofSeconds(5));
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }
}
