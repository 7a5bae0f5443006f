package io.kzpipe.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.clickhouse.data.ClickHouseColumn;
import io.kzpipe.model.json.Json;
import io.kzpipe.model.record.TypedRecord;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.sink.support.TypedRecords;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RowCheckTest {

    private static RowCheck table(String... nameAndType) {
        List<ClickHouseColumn> columns = new ArrayList<>();
        for (int i = 0; i < nameAndType.length; i += 2) {
            columns.add(ClickHouseColumn.of(nameAndType[i], nameAndType[i + 1]));
        }
        return new RowCheck(columns);
    }

    /** Every type the check knows, in one table. */
    private static final RowCheck ALL = table("s", "String", "i8", "Int8", "i16", "Int16", "i32", "Int32", "i64",
            "Int64", "u8", "UInt8", "u16", "UInt16", "u32", "UInt32", "u64", "UInt64", "f32", "Float32", "f64",
            "Float64", "b", "Bool", "dt", "DateTime('UTC')", "ns", "Nullable(String)", "ni", "Nullable(Int64)", "nf",
            "Nullable(Float64)", "nu8", "Nullable(UInt8)", "as", "Array(String)", "ai", "Array(Int32)", "ans",
            "Array(Nullable(String))");

    private static void fits(RowCheck check, String record) {
        assertThatCode(() -> check.check(record.getBytes(StandardCharsets.UTF_8))).as(record)
                .doesNotThrowAnyException();
    }

    private static UnfitRowException rejected(RowCheck check, byte[] record) {
        try {
            check.check(record);
        } catch (UnfitRowException e) {
            return e;
        }
        throw new AssertionError("accepted: " + new String(record, StandardCharsets.UTF_8));
    }

    @Test
    void theLimitsOfEveryRangeFit() {
        fits(ALL, "{\"s\":\"x\",\"i8\":-128,\"i16\":-32768,\"i32\":-2147483648,"
                + "\"i64\":-9223372036854775808,\"u8\":255,\"u16\":65535,\"u32\":4294967295,\"u64\":18446744073709551615,"
                + "\"f32\":1.5,\"f64\":-0.1,\"b\":true,\"dt\":1795780123,\"ns\":\"n\",\"ni\":9223372036854775807,"
                + "\"nf\":5e-324,\"nu8\":null,\"as\":[\"a\",\"\"],\"ai\":[1,-1],\"ans\":[null,\"z\"]}");
        fits(ALL,
                "{\"s\":\"\",\"i8\":127,\"i16\":32767,\"i32\":2147483647,\"i64\":9223372036854775807,\"u8\":0,\"u16\":0,"
                        + "\"u32\":0,\"u64\":0,\"f32\":3.4028235e38,\"f64\":1.7976931348623157e308,\"b\":0,\"dt\":\"2026-11-27 11:48:43\","
                        + "\"as\":[],\"ai\":[],\"ans\":[]}");
    }

    @Test
    void fieldOrderDoesNotMatterUnknownFieldsAreSkippedAndMissingNullablesMayBeLeftOut() {
        RowCheck t = table("a", "String", "b", "Nullable(Int64)", "c", "Array(String)", "d", "Nullable(String)");
        fits(t, "{\"x\":{\"deep\":[1,{\"y\":\"z\"}]},\"c\":[\"1\"],\"zz\":[[]],\"a\":\"A\",\"unknown\":null,\"b\":7}");
        fits(t, "{\"d\":\"D\",\"c\":[],\"b\":null,\"a\":\"1\"}");
    }

    @Test
    void unicodeWrittenAsIsOrEscapedFits() throws Exception {
        RowCheck t = table("s", "String");
        fits(t, "{\"s\":"
                + Json.MAPPER.writeValueAsString("é ✓ 中文 😀 e\u0301 \"quoted\" back\\slash\ttab\nnew line \u0000 nul")
                + "}");
        fits(t, "{\"s\":\"\\u00e9\\ud83d\\ude00\\u4e2d\"}");
        fits(t, "{\"s\":" + Json.MAPPER.writeValueAsString("ü".repeat(10_000)) + "}");
        fits(table("a", "Array(String)"), Json.MAPPER.writeValueAsString(Map.of("a", Collections.nCopies(300, "é"))));
    }

    @Test
    void everyTypedRecordOfTheModelFitsItsTable() throws Exception {
        // the same columns the DDL gives each table, as system.columns reports them
        for (Map.Entry<TopicId, TypedRecord> e : TypedRecords.samples().entrySet()) {
            new RowCheck(DdlColumns.of(e.getKey().table())).check(TypedRecords.json(e.getValue()));
        }
    }

    @Test
    void typesTheCheckDoesNotKnowAreLeftToClickHouse() {
        fits(table("d", "Decimal(18,4)", "day", "Date", "lc", "LowCardinality(String)"),
                "{\"d\":\"1.5\",\"day\":{\"x\":1},\"lc\":\"a\"}");
    }

    @Test
    void invalidUtf8IsRejectedAsSuch() {
        byte[] latin1 = "{\"s\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        UnfitRowException e = rejected(table("s", "String"), latin1);
        assertThat(e.reason()).isEqualTo("invalid_utf8");
        assertThat(e.detail()).contains("Invalid UTF-8");
        for (byte[] bad : List.of(new byte[]{(byte) 0x80}, new byte[]{(byte) 0xC3}, new byte[]{(byte) 0xFF},
                new byte[]{(byte) 0xE2, (byte) 0x82}, new byte[]{(byte) 0xF0, (byte) 0x9F, (byte) 0x98})) {
            byte[] record = new byte[bad.length + 8];
            System.arraycopy("{\"s\":\"a".getBytes(StandardCharsets.US_ASCII), 0, record, 0, 6);
            System.arraycopy(bad, 0, record, 6, bad.length);
            record[bad.length + 6] = '"';
            record[bad.length + 7] = '}';
            assertThat(rejected(table("s", "String"), record).reason()).as(java.util.HexFormat.of().formatHex(bad))
                    .isEqualTo("invalid_utf8");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            string in an Int32              | {"i":"1"}                  | invalid_value | column i (Nullable(Int32)): expected an integer, got a string
            fraction in an Int32            | {"i":1.5}                  | invalid_value | column i (Nullable(Int32)): expected an integer, got a fractional number
            Int32 overflow                  | {"i":2147483648}           | invalid_value | column i (Nullable(Int32)): 2147483648 is out of range
            UInt8 negative                  | {"u":-1}                   | invalid_value | column u (Nullable(UInt8)): -1 is out of range
            UInt8 overflow                  | {"u":256}                  | invalid_value | column u (Nullable(UInt8)): 256 is out of range
            UInt64 beyond 2^64-1            | {"v":18446744073709551616} | invalid_value | column v (Nullable(UInt64)): 18446744073709551616 is out of range
            Int64 beyond its range          | {"l":9223372036854775808}  | invalid_value | column l (Nullable(Int64)): 9223372036854775808 is out of range
            Float64 beyond its range        | {"f":1e400}                | invalid_value | column f (Nullable(Float64)): 1e400 is out of range
            Float32 beyond its range        | {"g":1e39}                 | invalid_value | column g (Nullable(Float32)): 1e39 is out of range
            string in a Float64             | {"f":"1.5"}                | invalid_value | column f (Nullable(Float64)): expected a number, got a string
            number in a String              | {"s":1}                    | invalid_value | column s (Nullable(String)): expected a string, got an integer
            boolean in a String             | {"s":true}                 | invalid_value | column s (Nullable(String)): expected a string, got a boolean
            object in a String              | {"s":{"a":1}}              | invalid_value | column s (Nullable(String)): expected a string, got an object
            null in a String                | {"s":null}                 | invalid_value | column s (String): expected a string, got null
            null in an Array                | {"a":null}                 | invalid_value | column a (Array(String)): expected an array, got null
            number in an Array(String)      | {"a":["x",2]}              | invalid_value | column a (Array(String)): expected a string, got an integer
            2 in a Bool                     | {"b":2}                    | invalid_value | column b (Nullable(Bool)): expected true, false, 0 or 1, got an integer
            negative DateTime               | {"d":-1}                   | invalid_value | column d (Nullable(DateTime('UTC'))): -1 is out of range
            DateTime beyond 2106            | {"d":4294967296}           | invalid_value | column d (Nullable(DateTime('UTC'))): 4294967296 is out of range
            bad DateTime text               | {"d":"27.11.2026"}         | invalid_value | column d (Nullable(DateTime('UTC'))): expected epoch seconds or yyyy-MM-dd HH:mm:ss, got '27.11.2026'
            a column twice                  | {"s":"a","s":"b"}          | invalid_json  | column s appears twice
            truncated                       | {"s":"a"                   | invalid_json  | Unexpected end-of-input
            trailing content                | {"s":"a"} {"s":"b"}        | invalid_json  | content after the JSON object
            not JSON at all                 | hello                      | invalid_json  | Unrecognized token 'hello'
            an array                        | [{"s":"a"}]                | not_an_object | record is not a JSON object (starts with START_ARRAY)
            a string                        | "s"                        | not_an_object | record is not a JSON object (starts with VALUE_STRING)
            a required column missing       | {}                         | missing_column| column s (String) is missing
            """)
    void aRecordThatCannotBeARowIsRejectedWithAPreciseReason(String what, String record, String reason, String detail) {
        RowCheck t = table("s", "Nullable(String)", "i", "Nullable(Int32)", "u", "Nullable(UInt8)", "v",
                "Nullable(UInt64)", "l", "Nullable(Int64)", "f", "Nullable(Float64)", "g", "Nullable(Float32)", "a",
                "Array(String)", "b", "Nullable(Bool)", "d", "Nullable(DateTime('UTC'))");
        RowCheck strict = table("s", "String");
        // value errors are found while parsing, before the check for missing columns
        RowCheck check = what.startsWith("null in a String") || what.startsWith("a required") ? strict : t;
        UnfitRowException e = rejected(check, record.getBytes(StandardCharsets.UTF_8));
        assertThat(e.reason()).as(what).isEqualTo(reason.strip());
        assertThat(e.detail()).as(what).contains(detail.strip());
    }

    @Test
    void booleansFitIntegerColumnsAndZeroOrOneFitBool() {
        fits(table("flag", "UInt8", "b", "Bool", "n", "Nullable(UInt8)"), "{\"flag\":true,\"b\":1,\"n\":false}");
    }
}
