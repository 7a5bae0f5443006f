package io.kzpipe.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A Kafka broker an integration test can use, with small helpers that create topics and read what landed on
 * them. Obtained as a test-method parameter through {@link KafkaExtension} (one broker per test JVM, shared by
 * every test class, so use unique topic names: {@link #uniqueName(String)}), or from
 * {@link KafkaBrokerProcess#kafka()}.
 *
 * <p>Thread-safe: every helper creates and closes its own clients. Helpers that read use
 * {@code isolation.level=read_committed}, so aborted transactional records are never returned.
 */
public final class TestKafka {

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrapServers;
    private final String description;

    TestKafka(String bootstrapServers, String description) {
        this.bootstrapServers = bootstrapServers;
        this.description = description;
    }

    /** Bootstrap servers, e.g. {@code 127.0.0.1:40123}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Where this broker comes from (environment, container, in-process, child JVM), for failure messages. */
    public String description() {
        return description;
    }

    /** A topic or group name that no other test in this JVM uses: {@code prefix-<8 hex>}. */
    public String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates the topics that do not exist yet (replication factor 1); existing topics are left alone. */
    public void createTopics(List<String> topics, int partitions) {
        try (Admin admin = Admin.create(adminProps())) {
            List<NewTopic> newTopics = topics.stream()
                    .distinct()
                    .map(topic -> new NewTopic(topic, partitions, (short) 1))
                    .toList();
            for (var entry : admin.createTopics(newTopics).values().entrySet()) {
                try {
                    entry.getValue().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + entry.getKey() + " on " + this,
                                e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating topics " + topics + " on " + this, e);
        }
    }

    /** Names of all topics on the broker (internal ones excluded). */
    public Set<String> topicNames() {
        try (Admin admin = Admin.create(adminProps())) {
            return admin.listTopics().names().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list topics on " + this, e);
        }
    }

    /** Admin client settings (a fresh, mutable map). */
    public Map<String, Object> adminProps() {
        Map<String, Object> props = new HashMap<>();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    /** Producer settings: String keys, byte[] values, {@code acks=all}, idempotent (a fresh, mutable map). */
    public Map<String, Object> producerProps() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return props;
    }

    /**
     * Consumer settings: String keys, byte[] values, {@code read_committed}, from the earliest offset, no
     * auto-commit (a fresh, mutable map).
     */
    public Map<String, Object> consumerProps(String groupId) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return props;
    }

    /** Sends the records with an idempotent {@code acks=all} producer and waits for every acknowledgement. */
    public void produce(List<ProducerRecord<String, byte[]>> records) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps())) {
            var futures = records.stream().map(producer::send).toList();
            producer.flush();
            for (var future : futures) {
                future.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while producing", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot produce to " + this, e);
        }
    }

    /**
     * Reads {@code topic} from the beginning ({@code read_committed}, all partitions, no consumer group) until
     * at least {@code expected} records arrived or {@code timeout} passed, and returns what arrived (possibly
     * fewer than {@code expected}, possibly more: assert on the result). Records are in partition order, and in
     * offset order within a partition.
     */
    public List<ConsumerRecord<String, byte[]>> consumeAll(String topic, Duration timeout, int expected) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                consumerProps(uniqueName("testkit-reader")))) {
            List<TopicPartition> partitions = awaitPartitions(consumer, topic, deadline);
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            if (partitions.isEmpty()) {
                return records;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(pollTime(deadline)).forEach(records::add);
            }
            return sorted(records);
        }
    }

    /**
     * Reads {@code topic} from the beginning up to its current end ({@code read_committed}: the last stable
     * offset) and returns every record. Use it to assert exact counts ("nothing more was written").
     *
     * @throws IllegalStateException when the topic does not exist or the end is not reached within {@code timeout}
     */
    public List<ConsumerRecord<String, byte[]>> readToEnd(String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                consumerProps(uniqueName("testkit-reader")))) {
            List<TopicPartition> partitions = awaitPartitions(consumer, topic, deadline);
            if (partitions.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist on " + this);
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, remaining(deadline));
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            while (!reached(consumer, end)) {
                if (System.nanoTime() >= deadline) {
                    throw new IllegalStateException("did not reach the end " + end + " of " + topic + " within "
                            + timeout + "; read " + records.size() + " records");
                }
                consumer.poll(pollTime(deadline)).forEach(records::add);
            }
            return sorted(records);
        }
    }

    @Override
    public String toString() {
        return "Kafka " + bootstrapServers + " (" + description + ")";
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private static List<TopicPartition> awaitPartitions(KafkaConsumer<?, ?> consumer, String topic, long deadline) {
        while (true) {
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic, remaining(deadline));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                infos = List.of();
            }
            if (!infos.isEmpty() || System.nanoTime() >= deadline) {
                return infos.stream()
                        .map(i -> new TopicPartition(i.topic(), i.partition()))
                        .sorted(Comparator.comparingInt(TopicPartition::partition))
                        .toList();
            }
            try {
                Thread.sleep(100); // the topic does not exist yet: ask again shortly
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topic " + topic, e);
            }
        }
    }

    private static List<ConsumerRecord<String, byte[]>> sorted(List<ConsumerRecord<String, byte[]>> records) {
        records.sort(Comparator.<ConsumerRecord<String, byte[]>>comparingInt(ConsumerRecord::partition)
                .thenComparingLong(ConsumerRecord::offset));
        return records;
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000L, deadline - System.nanoTime()));
    }

    private static Duration pollTime(long deadline) {
        Duration remaining = remaining(deadline);
        return remaining.compareTo(Duration.ofMillis(200)) < 0 ? remaining : Duration.ofMillis(200);
    }
}
