package io.kzpipe.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import com.clickhouse.data.ClickHouseColumn;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowBinaryRowEncoderTest {

    private static final List<ClickHouseColumn> COLUMNS = List.of(
            ClickHouseColumn.of("a", "UInt8"),
            ClickHouseColumn.of("b", "String"),
            ClickHouseColumn.of("c", "Nullable(Int64)"),
            ClickHouseColumn.of("d", "Array(String)"),
            ClickHouseColumn.of("e", "Float64"),
            ClickHouseColumn.of("f", "UInt64"),
            ClickHouseColumn.of("g", "Int32"));

    private final RowBinaryRowEncoder encoder = new RowBinaryRowEncoder(COLUMNS);
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private String encode(String json) {
        return encoder.encode(json.getBytes(StandardCharsets.UTF_8), out);
    }

    private String hex() {
        return HexFormat.of().formatHex(out.toByteArray());
    }

    @Test
    void encodesEveryTypeInColumnOrderWhateverTheFieldOrder() {
        assertThat(encode("{\"g\":-2,\"unknown\":{\"x\":[1,{}]},\"f\":4611686018427387904,\"e\":1.5,\"d\":[\"x\",\"y\"],"
                + "\"c\":null,\"b\":\"hé\",\"a\":true}")).isNull();
        assertThat(hex()).isEqualTo("01" + "0368c3a9" + "01" + "0201780179" + "000000000000f83f" + "0000000000000040" + "feffffff");
    }

    @Test
    void missingFieldsAndNullsGetTheColumnDefaultAndNullableStaysNull() {
        assertThat(encode("{}")).isNull();
        assertThat(hex()).isEqualTo("00" + "00" + "01" + "00" + "0000000000000000" + "0000000000000000" + "00000000");
        out.reset();
        assertThat(encode("{\"a\":null,\"b\":null,\"d\":[null,\"z\"],\"g\":null}")).isNull();
        assertThat(hex()).isEqualTo("00" + "00" + "01" + "02" + "00" + "017a" + "0000000000000000" + "0000000000000000" + "00000000");
    }

    @Test
    void quotedNumbersAreNumbersAsInJsonEachRow() {
        assertThat(encode("{\"c\":\"5\",\"e\":\"2.5\",\"f\":\"7\",\"a\":\"1\"}")).isNull();
        assertThat(hex()).isEqualTo("01" + "00" + "00" + "0500000000000000" + "00" + "0000000000000440" + "0700000000000000" + "00000000");
    }

    @Test
    void aValueThatDoesNotFitItsColumnRejectsTheRowAndWritesNothing() {
        assertThat(encode("{\"a\":300}")).isEqualTo("a: 300 is out of range [0, 255]");
        assertThat(encode("{\"b\":5}")).isEqualTo("b: expected a string, got 5");
        assertThat(encode("{\"e\":\"many\"}")).isEqualTo("e: expected a number, got \"many\"");
        assertThat(encode("{\"d\":\"x\"}")).startsWith("d: expected an array");
        assertThat(encode("{\"g\":2.5}")).startsWith("g: expected an integer");
        assertThat(encode("{\"g\":3000000000}")).isEqualTo("g: 3000000000 is out of range [-2147483648, 2147483647]");
        assertThat(encode("{\"f\":-1}")).isEqualTo("f: -1 is out of range for UInt64");
        assertThat(encode("{\"f\":18446744073709551616}")).isEqualTo("f: 18446744073709551616 is out of range for UInt64");
        assertThat(encode("{\"b\":\"unterminated")).startsWith("b: invalid JSON");
        assertThat(encode("[1]")).isEqualTo("not a JSON object");
        assertThat(encode("{\"a\":1}{\"a\":2}")).isEqualTo("not exactly one JSON object");
        assertThat(out.size()).isZero();
        assertThat(encode("{\"f\":18446744073709551615}")).isNull();
        assertThat(hex()).endsWith("ffffffffffffffff" + "00000000");
    }

    @Test
    void knowsWhichColumnTypesItSupports() {
        assertThat(RowBinaryRowEncoder.supports(COLUMNS)).isTrue();
        assertThat(RowBinaryRowEncoder.supports(List.of(ClickHouseColumn.of("t", "DateTime('UTC')")))).isFalse();
        assertThat(RowBinaryRowEncoder.supports(List.of(ClickHouseColumn.of("t", "LowCardinality(String)"),
                ClickHouseColumn.of("u", "Nullable(Float64)"), ClickHouseColumn.of("v", "Array(Nullable(String))")))).isTrue();
    }
}
