package io.kzpipe.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.kzpipe.model.json.JsonSerde;
import io.kzpipe.model.record.EventRecord;
import io.kzpipe.model.record.LocationAnswer;
import io.kzpipe.model.record.MessageRecord;
import io.kzpipe.model.record.TypedRecord;
import io.kzpipe.model.topic.TopicId;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link TypedRecordWriter} writes, for every typed record type (found through {@link TopicId#typed()}, so a new
 * type or field is covered without editing this test), exactly what plain databind writes with the pipeline's
 * settings (snake_case, nulls written, no Blackbird: the accessors it generates must not change a byte), and
 * {@link JsonSerde} reads it back equal. Values are drawn from a fixed-seed generator that mixes nulls,
 * empty strings, Unicode (accents, CJK, emoji as surrogate pairs), JSON escapes and control characters,
 * empty and non-empty lists with null elements, and extreme numbers. Exact bytes of two records pin the
 * format the sink's tables are declared for (names, order, nulls, numbers).
 */
class TypedRecordWriterTest {

    private static final String[] STRINGS = {"", "plain", "Ünïcödé façade", "日本語のテキスト", "emoji 😀👍🏽 mixed",
            "quote \" backslash \\ slash /", "control \u0000\u0001\u001f tab\t nl\n cr\r",
            "{\"json\":[1,2,{\"a\":null}]}", "\u2028\u2029 separators", "x".repeat(5000), "+919900000001",
            "surrogate pair \ud83d\ude00 and \ud83c\udf0d", "null", "  spaced  ",};
    private static final long[] LONGS = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1_700_000_000_000L,
            (1L << 62) + 1_700_000_000_000L, Integer.MAX_VALUE + 1L};
    private static final int[] INTS = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 7};
    private static final double[] DOUBLES = {0.0, -0.0, 1.0, 0.1, -90.0, 180.0, 12.971598, 77.594566, 1e-300,
            1.7976931348623157e308, 4.9e-324, 123456789.123456789, 3.0, -2.5e-7};

    /** The format before Blackbird: snake_case, Jackson's default inclusion (nulls written). The reference. */
    private static final ObjectMapper PLAIN = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .build();

    static Stream<Class<? extends TypedRecord>> recordTypes() {
        return TopicId.typed().stream().map(TopicId::recordType);
    }

    @ParameterizedTest
    @MethodSource("recordTypes")
    void writesExactlyWhatPlainDatabindWritesAndReadsBackEqual(Class<? extends TypedRecord> type) throws Exception {
        TypedRecordWriter writer = new TypedRecordWriter();
        @SuppressWarnings("unchecked")
        JsonSerde<TypedRecord> serde = (JsonSerde<TypedRecord>) JsonSerde.of(type);
        Random random = new Random(type.getName().hashCode());
        for (int i = 0; i < 300; i++) {
            TypedRecord record = randomRecord(type, random, i);
            byte[] ours = writer.write(record);
            byte[] databind = PLAIN.writeValueAsBytes(record);
            assertThat(new String(ours, StandardCharsets.UTF_8)).as("%s #%d", type.getSimpleName(), i)
                    .isEqualTo(new String(databind, StandardCharsets.UTF_8));
            assertThat(ours).isEqualTo(databind);
            assertThat(serde.deserialize("t", ours)).isEqualTo(record);
        }
    }

    @Test
    void theWriterIsReusableAndWritesNothingBetweenRecords() {
        TypedRecordWriter writer = new TypedRecordWriter();
        EventRecord small = new EventRecord(1, "e", "e", "GroupAdded", "", "", "", "", "", "", "", "", "", "", "", 5L,
                "{}");
        EventRecord large = new EventRecord(1, "e2", "e2", "X".repeat(20_000), "", "", "", "", "", "", "", "", "", "",
                "", 6L, "{}");
        byte[] first = writer.write(small);
        byte[] big = writer.write(large);
        byte[] again = writer.write(small);
        assertThat(again).isEqualTo(first);
        assertThat(new String(first, StandardCharsets.UTF_8)).startsWith("{\"schema_version\":1,").endsWith("}");
        assertThat(big.length).isGreaterThan(20_000);
    }

    @Test
    void writesTheColumnsInComponentOrderWithNullsAndPlainNumbers() {
        TypedRecordWriter writer = new TypedRecordWriter();
        LocationAnswer location = new LocationAnswer(1, "r:0", "e", "r", 3L, "a", "g", 2, "Where?", "Location",
                1_700_000_000_123L, 12.971598, -0.5, null, null);
        assertThat(new String(writer.write(location), StandardCharsets.UTF_8)).isEqualTo("{\"schema_version\":1,"
                + "\"row_id\":\"r:0\",\"event_id\":\"e\",\"response_id\":\"r\",\"version\":3,\"action_id\":\"a\","
                + "\"group_id\":\"g\",\"question_index\":2,\"question_title\":\"Where?\",\"question_type\":\"Location\","
                + "\"received_at_ms\":1700000000123,\"latitude\":12.971598,\"longitude\":-0.5,\"place_name\":null,"
                + "\"accuracy\":null}");
        MessageRecord message = new MessageRecord(1, "e", "e", "TextMessageCreated", "g", "u", null, "hé \"x\"", null,
                null, null, List.of("https://m/1", "https://m/2"), null, 5L);
        assertThat(new String(writer.write(message), StandardCharsets.UTF_8)).isEqualTo("{\"schema_version\":1,"
                + "\"row_id\":\"e\",\"event_id\":\"e\",\"event_type\":\"TextMessageCreated\",\"group_id\":\"g\","
                + "\"from_user\":\"u\",\"from_user_name\":null,\"text\":\"hé \\\"x\\\"\",\"title\":null,\"caption\":null,"
                + "\"action_type\":null,\"media_urls\":[\"https://m/1\",\"https://m/2\"],\"media_file_names\":null,"
                + "\"received_at_ms\":5}");
    }

    @Test
    void anUnknownRecordTypeIsRefused() {
        TypedRecord unknown = new TypedRecord() {
            @Override
            public int schemaVersion() {
                return 1;
            }

            @Override
            public String rowId() {
                return "r";
            }

            @Override
            public String eventId() {
                return "e";
            }

            @Override
            public long receivedAtMs() {
                return 0;
            }
        };
        assertThatThrownBy(() -> new TypedRecordWriter().write(unknown)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A record of {@code type} with every component drawn from the value pools (nullable ones sometimes null). */
    static TypedRecord randomRecord(Class<? extends TypedRecord> type, Random random, int i) throws Exception {
        RecordComponent[] components = type.getRecordComponents();
        Object[] args = new Object[components.length];
        for (int c = 0; c < components.length; c++) {
            args[c] = value(components[c].getType(), components[c].getGenericType(), random, i);
        }
        Constructor<? extends TypedRecord> ctor = type.getDeclaredConstructor(
                Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
        return ctor.newInstance(args);
    }

    private static Object value(Class<?> t, Type generic, Random random, int i) {
        boolean nullable = !t.isPrimitive();
        if (nullable && random.nextInt(6) == 0) {
            return null;
        }
        if (t == String.class) {
            return i < STRINGS.length ? STRINGS[i] : STRINGS[random.nextInt(STRINGS.length)];
        }
        if (t == int.class || t == Integer.class) {
            return random.nextBoolean() ? INTS[random.nextInt(INTS.length)] : random.nextInt();
        }
        if (t == long.class || t == Long.class) {
            return random.nextBoolean() ? LONGS[random.nextInt(LONGS.length)] : random.nextLong();
        }
        if (t == double.class || t == Double.class) {
            return random.nextBoolean()
                    ? DOUBLES[random.nextInt(DOUBLES.length)]
                    : (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(40) - 20);
        }
        if (t == boolean.class || t == Boolean.class) {
            return random.nextBoolean();
        }
        if (t == List.class && generic instanceof ParameterizedType p
                && p.getActualTypeArguments()[0] == String.class) {
            int n = random.nextInt(4);
            List<String> list = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                list.add(random.nextInt(8) == 0 ? null : STRINGS[random.nextInt(STRINGS.length)]);
            }
            return list;
        }
        throw new IllegalStateException("no generator for " + generic + ": extend this test");
    }
}
