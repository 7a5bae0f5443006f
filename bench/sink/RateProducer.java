import io.kzpipe.model.json.JsonSerde;
import io.kzpipe.model.record.AnswerKey;
import io.kzpipe.model.record.DateTimeAnswer;
import io.kzpipe.model.record.EventRecord;
import io.kzpipe.model.record.LocationAnswer;
import io.kzpipe.model.record.NumericAnswer;
import io.kzpipe.model.record.OptionAnswer;
import io.kzpipe.model.record.ResponseRecord;
import io.kzpipe.model.record.ResponseVersion;
import io.kzpipe.model.record.TextAnswer;
import io.kzpipe.model.record.TypedRecord;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.model.topic.Topics;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces typed records at a steady rate the way the stream processor does for survey responses (lz4,
 * transactions committed every 100 ms like Kafka Streams with exactly-once, record timestamp = now), for the
 * sink benchmark: per simulated webhook 8 rows across 7 tables (events, responses, 2 answers_option,
 * answers_numeric, answers_text, answers_datetime, answers_location). Run with the sink's classpath:
 * {@code java -cp <sink classpath> RateProducer.java <bootstrap> <topic prefix> <webhooks/s> <seconds>}.
 * Prints the rows produced per table. The topics must exist (the sink creates them at start-up).
 */
public class RateProducer {

    private static final String RAW = "{\"subscriptionId\":\"%s\",\"objectId\":\"%s\",\"objectType\":\"Group\","
            + "\"eventType\":\"SurveyResponse\",\"eventId\":\"%s\",\"data\":{\"actionId\":\"%s\",\"responseId\":\"%s\","
            + "\"groupId\":\"%s\",\"isAnonymous\":false,\"responder\":\"+15550001234\",\"responderName\":\"Ada Lovelace\","
            + "\"responseDetails\":{\"responseWithQuestions\":[{\"title\":\"Favourite colour\",\"type\":\"MultiOption\","
            + "\"answer\":[\"Red\",\"Blue\"]},{\"title\":\"How many people live in your household?\",\"type\":\"Numeric\","
            + "\"answer\":4},{\"title\":\"Comments\",\"type\":\"Text\",\"answer\":\"All good, thank you ✓\"},"
            + "{\"title\":\"When\",\"type\":\"DateTime\",\"answer\":1795780123456},{\"title\":\"Where\",\"type\":\"Location\","
            + "\"answer\":{\"lt\":47.6062,\"lg\":-122.3321,\"n\":\"Seattle\",\"acc\":12.5}}]}},"
            + "\"fromUser\":\"+15550001234\",\"fromUserId\":\"user-1\",\"fromUserName\":\"Ada Lovelace\"}";

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        Topics topics = Topics.withPrefix(args[1]);
        double rate = Double.parseDouble(args[2]);
        double seconds = Double.parseDouble(args[3]);
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-rate-" + UUID.randomUUID());
        Map<Class<?>, JsonSerde<TypedRecord>> serdes = new HashMap<>();
        String[] groups = new String[20];
        String[] actions = new String[200];
        for (int i = 0; i < groups.length; i++) {
            groups[i] = UUID.randomUUID().toString();
        }
        for (int i = 0; i < actions.length; i++) {
            actions[i] = UUID.randomUUID().toString();
        }
        String subscription = UUID.randomUUID().toString();
        Map<String, Long> counts = new java.util.TreeMap<>();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long sent = 0;
        long lastCommit = start;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
                long due = (long) ((now - start) / 1e9 * rate);
                for (; sent < due; sent++) {
                    long at = System.currentTimeMillis();
                    String eventId = UUID.randomUUID().toString();
                    String responseId = UUID.randomUUID().toString();
                    String group = groups[(int) (sent % groups.length)];
                    String action = actions[(int) (sent % actions.length)];
                    long version = ResponseVersion.of(false, null, at);
                    send(producer, serdes, counts, topics.name(TopicId.EVENTS), responseId, at, new EventRecord(1, eventId, eventId,
                            "SurveyResponse", group, "Group", group, action, responseId, "+15550001234", "user-1",
                            "Ada Lovelace", "https://pics.example/1.png", "", subscription, at,
                            String.format(RAW, subscription, group, eventId, action, responseId, group)));
                    send(producer, serdes, counts, topics.name(TopicId.RESPONSES), responseId, at, new ResponseRecord(1,
                            ResponseRecord.rowId(responseId, version), eventId, "SurveyResponse", responseId, action, group,
                            "com.example.survey", "pkg-1", "+15550001234", "user-1", "Ada Lovelace",
                            "https://pics.example/1.png", false, false, null, version, 5, at));
                    AnswerKey q0 = new AnswerKey(eventId, responseId, version, action, group, 0, "Favourite colour", "MultiOption", at);
                    send(producer, serdes, counts, topics.name(TopicId.ANSWERS_OPTION), responseId, at, OptionAnswer.of(q0, 0, "Red", 0));
                    send(producer, serdes, counts, topics.name(TopicId.ANSWERS_OPTION), responseId, at, OptionAnswer.of(q0, 1, "Blue", 2));
                    send(producer, serdes, counts, topics.name(TopicId.ANSWERS_NUMERIC), responseId, at, NumericAnswer.of(new AnswerKey(
                            eventId, responseId, version, action, group, 1, "How many people live in your household?",
                            "Numeric", at), sent % 9));
                    send(producer, serdes, counts, topics.name(TopicId.ANSWERS_TEXT), responseId, at, TextAnswer.of(new AnswerKey(
                            eventId, responseId, version, action, group, 2, "Comments", "Text", at), "All good, thank you ✓"));
                    send(producer, serdes, counts, topics.name(TopicId.ANSWERS_DATETIME), responseId, at, DateTimeAnswer.of(new AnswerKey(
                            eventId, responseId, version, action, group, 3, "When", "DateTime", at), 1_795_780_123_456L));
                    send(producer, serdes, counts, topics.name(TopicId.ANSWERS_LOCATION), responseId, at, LocationAnswer.of(new AnswerKey(
                            eventId, responseId, version, action, group, 4, "Where", "Location", at), 47.6062, -122.3321,
                            "Seattle", 12.5));
                }
                if (now - lastCommit >= 100_000_000L) {
                    producer.commitTransaction();
                    producer.beginTransaction();
                    lastCommit = now;
                }
                LockSupport.parkNanos(1_000_000L);
            }
            producer.commitTransaction();
        }
        long rows = counts.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("produced %d webhooks = %d rows in %.1f s %s%n", sent, rows, (System.nanoTime() - start) / 1e9, counts);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void send(KafkaProducer<String, byte[]> producer, Map<Class<?>, JsonSerde<TypedRecord>> serdes,
                             Map<String, Long> counts, String topic, String key, long at, TypedRecord record) {
        JsonSerde<TypedRecord> serde = serdes.computeIfAbsent(record.getClass(), c -> (JsonSerde) JsonSerde.of(c));
        producer.send(new ProducerRecord<>(topic, null, at, key, serde.serialize(topic, record)));
        counts.merge(topic, 1L, Long::sum);
    }
}
