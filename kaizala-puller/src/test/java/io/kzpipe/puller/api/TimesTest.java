package io.kzpipe.puller.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.model.json.Json;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimesTest {

    private static final Instant T = Instant.parse("2023-11-14T22:13:20Z"); // 1700000000 s

    private static JsonNode json(String s) throws Exception {
        return Json.MAPPER.readTree(s);
    }

    @Test
    void epochSecondsAndMillisecondsAreToldApartPerValue() throws Exception {
        assertThat(Times.parse(json("1700000000"))).contains(T);
        assertThat(Times.parse(json("1700000000000"))).contains(T);
        assertThat(Times.parse(json("\"1700000000\""))).contains(T);
        assertThat(Times.parse(json("\"1700000000000\""))).contains(T);
        assertThat(Times.parse(json("1700000000.250"))).contains(T.plusMillis(250));
        assertThat(Times.parse(json("1700000000123.9"))).contains(T.plusMillis(123));
    }

    @Test
    void theBoundaryBetweenSecondsAndMillisecondsIsTheYear5138OrSpring1973() {
        assertThat(Times.parse(Long.toString(Times.SECONDS_BELOW - 1)))
                .contains(Instant.ofEpochSecond(Times.SECONDS_BELOW - 1));
        assertThat(Times.parse(Long.toString(Times.SECONDS_BELOW))).contains(Instant.ofEpochMilli(Times.SECONDS_BELOW));
    }

    @Test
    void isoFormsWithAnOffsetWithoutOneAndBareDatesAreRead() throws Exception {
        assertThat(Times.parse(json("\"2023-11-14T22:13:20Z\""))).contains(T);
        assertThat(Times.parse(json("\"2023-11-14T23:13:20+01:00\""))).contains(T);
        assertThat(Times.parse(json("\"2023-11-14T22:13:20.5Z\""))).contains(T.plusMillis(500));
        assertThat(Times.parse(json("\"2023-11-14T22:13:20\""))).contains(T);
        assertThat(Times.parse(json("\"2023-11-14\""))).contains(Instant.parse("2023-11-14T00:00:00Z"));
        assertThat(Times.parse(json("\"/Date(1700000000000)/\""))).contains(T);
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "\"\"", "\"  \"", "\"yesterday\"", "true", "{}", "[1]", "\"2023-13-45\"", "1e400"})
    void whatIsNotATimeIsEmptyNeverAnError(String value) throws Exception {
        assertThat(Times.parse(json(value))).isEmpty();
        assertThat(Times.millis(json(value), -7)).isEqualTo(-7);
    }

    @Test
    void absentFieldsAreEmpty() {
        assertThat(Times.parse((JsonNode) null)).isEmpty();
        assertThat(Times.parse(Json.MAPPER.missingNode())).isEmpty();
        assertThat(Times.parse((String) null)).isEmpty();
    }
}
