package io.kzpipe.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ColumnTypeTest {

    @ParameterizedTest
    @CsvSource({
            "Int8, INT8", "Int16, INT16", "Int32, INT32", "Int64, INT64",
            "UInt8, UINT8", "UInt16, UINT16", "UInt32, UINT32", "UInt64, UINT64",
            "Float32, FLOAT32", "Float64, FLOAT64", "Bool, BOOL", "String, STRING", "DateTime, DATETIME"})
    void scalarTypesAreRecognised(String text, ColumnType.Kind kind) {
        ColumnType t = ColumnType.parse(text);
        assertThat(t.kind()).isEqualTo(kind);
        assertThat(t.toString()).isEqualTo(text);
    }

    @Test
    void wrappersNestAndDateTimeKeepsItsZone() {
        ColumnType nullable = ColumnType.parse("Nullable(Int64)");
        assertThat(nullable.kind()).isEqualTo(ColumnType.Kind.NULLABLE);
        assertThat(nullable.isNullable()).isTrue();
        assertThat(nullable.element().kind()).isEqualTo(ColumnType.Kind.INT64);

        ColumnType array = ColumnType.parse("Array(Nullable(String))");
        assertThat(array.kind()).isEqualTo(ColumnType.Kind.ARRAY);
        assertThat(array.isNullable()).isFalse();
        assertThat(array.element().element().kind()).isEqualTo(ColumnType.Kind.STRING);

        assertThat(ColumnType.parse("Array(Array(UInt8))").element().element().kind()).isEqualTo(ColumnType.Kind.UINT8);
        assertThat(ColumnType.parse("DateTime('UTC')").zone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(ColumnType.parse("DateTime").zone()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Decimal(10, 2)", "LowCardinality(String)", "Map(String, String)", "Enum8('a' = 1)",
            "Date", "DateTime64(3)", "UUID", "FixedString(16)", "Nullable(Array(String))", "Nullable(Nullable(Int8))",
            "Array(Decimal(9, 2))", "DateTime('Mars/Olympus_Mons')", "Tuple(String, Int8)", "IPv4"})
    void unsupportedTypesAreRefusedNotGuessed(String text) {
        assertThatThrownBy(() -> ColumnType.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported ClickHouse type");
    }
}
