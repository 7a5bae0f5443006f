import io.kzpipe.model.json.JsonSerde;
import io.kzpipe.model.record.AnswerKey;
import io.kzpipe.model.record.NumericAnswer;
import io.kzpipe.model.record.ResponseVersion;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes a backlog of typed NumericAnswer records the way the stream processor does (JSON from the shared
 * model, lz4, transactions), for the sink benchmark. Run with the sink's classpath:
 * {@code java -cp <sink classpath> BacklogProducer.java <bootstrap> <topic> <rows> <partitions>}.
 * Prints the bytes produced. Values are realistic: GUID ids, a 40-character question title.
 */
public class BacklogProducer {

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        int rows = Integer.parseInt(args[2]);
        int partitions = Integer.parseInt(args[3]);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-backlog-" + UUID.randomUUID());
        JsonSerde<NumericAnswer> serde = JsonSerde.of(NumericAnswer.class);
        String[] groups = new String[20];
        String[] actions = new String[200];
        for (int i = 0; i < groups.length; i++) {
            groups[i] = UUID.randomUUID().toString();
        }
        for (int i = 0; i < actions.length; i++) {
            actions[i] = UUID.randomUUID().toString();
        }
        long bytes = 0;
        long start = System.nanoTime();
        long receivedAt = System.currentTimeMillis() - 3_600_000;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < rows; i++) {
                String responseId = UUID.randomUUID().toString();
                long at = receivedAt + i / 1000;
                long version = ResponseVersion.of(false, null, at);
                AnswerKey key = new AnswerKey(UUID.randomUUID().toString(), responseId, version, actions[i % actions.length],
                        groups[i % groups.length], i % 8, "How many people live in your household?", "Numeric", at);
                byte[] value = serde.serialize(topic, NumericAnswer.of(key, (i % 1000) / 4.0));
                bytes += value.length;
                producer.send(new ProducerRecord<>(topic, null, at, responseId, value));
                if ((i + 1) % 50_000 == 0) {
                    producer.commitTransaction();
                    producer.beginTransaction();
                }
            }
            producer.commitTransaction();
        }
        System.out.printf("produced %d records, %d bytes of JSON (%.0f bytes/record) in %.1f s%n", rows, bytes,
                (double) bytes / rows, (System.nanoTime() - start) / 1e9);
    }
}
