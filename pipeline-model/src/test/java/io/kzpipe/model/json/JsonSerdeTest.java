package io.kzpipe.model.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kzpipe.model.record.RawOutcome;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class JsonSerdeTest {

    private final JsonSerde<RawOutcome> serde = JsonSerde.of(RawOutcome.class);

    @Test
    void recordsAreWrittenWithSnakeCaseNamesAndReadBack() {
        RawOutcome outcome = RawOutcome.of("kaizala.raw", 0, 3, "ev-1", RawOutcome.Kind.TYPED, null, 1234);

        byte[] bytes = serde.serializer().serialize("t", outcome);

        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{\"schema_version\":1,"
                + "\"row_id\":\"kaizala.raw:0:3\",\"event_id\":\"ev-1\",\"outcome\":\"typed\",\"replay_of\":\"\","
                + "\"received_at_ms\":1234}");
        assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(outcome);
    }

    @Test
    void unknownPropertiesAreIgnoredAndNullStaysNull() {
        byte[] json = "{\"row_id\":\"r\",\"added_by_kaizala\":true,\"event_id\":null}".getBytes(StandardCharsets.UTF_8);

        RawOutcome read = serde.deserialize("t", json);

        assertThat(read.rowId()).isEqualTo("r");
        assertThat(read.eventId()).isNull();
        assertThat(serde.serialize("t", null)).isNull();
        assertThat(serde.deserialize("t", null)).isNull();
    }

    @Test
    void unreadableBytesNameTheTypeAndTopic() {
        assertThatThrownBy(
                () -> serde.deserialize("kaizala.raw-outcomes", "{not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessage("cannot read RawOutcome from kaizala.raw-outcomes");
    }
}
