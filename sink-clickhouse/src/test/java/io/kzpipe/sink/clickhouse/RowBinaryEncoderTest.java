package io.kzpipe.sink.clickhouse;

import static io.kzpipe.sink.support.RowBinaryReader.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kzpipe.model.record.TypedRecord;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.sink.support.RowBinaryReader;
import io.kzpipe.sink.support.TypedRecords;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RowBinaryEncoderTest {

    private static InsertColumns table(String... nameAndType) {
        List<String> names = new ArrayList<>();
        List<ColumnType> types = new ArrayList<>();
        for (int i = 0; i < nameAndType.length; i += 2) {
            names.add(nameAndType[i]);
            types.add(ColumnType.parse(nameAndType[i + 1]));
        }
        return new InsertColumns("t", names, types);
    }

    /** Every type the encoder supports, in one table. */
    private static final InsertColumns ALL = table(
            "s", "String", "i8", "Int8", "i16", "Int16", "i32", "Int32", "i64", "Int64",
            "u8", "UInt8", "u16", "UInt16", "u32", "UInt32", "u64", "UInt64",
            "f32", "Float32", "f64", "Float64", "b", "Bool", "dt", "DateTime('UTC')",
            "ns", "Nullable(String)", "ni", "Nullable(Int64)", "nf", "Nullable(Float64)", "nu8", "Nullable(UInt8)",
            "as", "Array(String)", "ai", "Array(Int32)", "ans", "Array(Nullable(String))");

    private static final String ALL_JSON = "{\"s\":\"x\",\"i8\":-128,\"i16\":-32768,\"i32\":-2147483648,"
            + "\"i64\":-9223372036854775808,\"u8\":255,\"u16\":65535,\"u32\":4294967295,\"u64\":18446744073709551615,"
            + "\"f32\":1.5,\"f64\":-0.1,\"b\":true,\"dt\":1795780123,\"ns\":\"n\",\"ni\":9223372036854775807,"
            + "\"nf\":5e-324,\"nu8\":null,\"as\":[\"a\",\"\"],\"ai\":[1,-1],\"ans\":[null,\"z\"]}";

    private static byte[] encode(InsertColumns columns, String... records) throws UnencodableRowException {
        RowBinaryEncoder encoder = new RowBinaryEncoder(columns, 16);
        for (String r : records) {
            encoder.append(r.getBytes(StandardCharsets.UTF_8));
        }
        return encoder.toByteArray();
    }

    private static Map<String, Object> one(InsertColumns columns, String record) throws UnencodableRowException {
        List<Map<String, Object>> rows = RowBinaryReader.rows(columns, encode(columns, record));
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }

    private static UnencodableRowException rejected(InsertColumns columns, byte[] record) {
        RowBinaryEncoder encoder = new RowBinaryEncoder(columns, 16);
        try {
            encoder.append(record);
        } catch (UnencodableRowException e) {
            assertThat(encoder.size()).as("nothing appended").isZero();
            return e;
        }
        throw new AssertionError("accepted: " + new String(record, StandardCharsets.UTF_8));
    }

    private static UnencodableRowException rejected(InsertColumns columns, String record) {
        return rejected(columns, record.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void bytesAreExactlyClickHousesRowBinaryLayout() throws Exception {
        InsertColumns t = table("a", "Int32", "b", "String", "c", "Nullable(Int64)", "d", "Nullable(Int64)", "e", "Array(UInt16)",
                "f", "Float64", "g", "UInt8");
        byte[] bytes = encode(t, "{\"a\":-2,\"b\":\"é\",\"c\":null,\"d\":1,\"e\":[1,256],\"f\":1.0,\"g\":false}");
        assertThat(HexFormat.of().formatHex(bytes)).isEqualTo(
                "feffffff" // Int32 -2, little-endian
                        + "02c3a9" // varint length 2, UTF-8 of é
                        + "01" // NULL
                        + "00" + "0100000000000000" // not NULL, Int64 1
                        + "02" + "0100" + "0001" // 2 elements, UInt16 1 and 256
                        + "000000000000f03f" // Float64 1.0
                        + "00"); // false
    }

    @Test
    void everyColumnTypeRoundTripsIncludingTheLimitsOfEachRange() throws Exception {
        Map<String, Object> row = one(ALL, ALL_JSON);
        assertThat(text(row.get("s"))).isEqualTo("x");
        assertThat(row.get("i8")).isEqualTo(-128L);
        assertThat(row.get("i16")).isEqualTo(-32768L);
        assertThat(row.get("i32")).isEqualTo((long) Integer.MIN_VALUE);
        assertThat(row.get("i64")).isEqualTo(Long.MIN_VALUE);
        assertThat(row.get("u8")).isEqualTo(255L);
        assertThat(row.get("u16")).isEqualTo(65535L);
        assertThat(row.get("u32")).isEqualTo(4294967295L);
        assertThat(row.get("u64")).isEqualTo("18446744073709551615");
        assertThat(row.get("f32")).isEqualTo(1.5f);
        assertThat(row.get("f64")).isEqualTo(-0.1);
        assertThat(row.get("b")).isEqualTo(true);
        assertThat(row.get("dt")).isEqualTo(1795780123L);
        assertThat(text(row.get("ns"))).isEqualTo("n");
        assertThat(row.get("ni")).isEqualTo(Long.MAX_VALUE);
        assertThat(row.get("nf")).isEqualTo(Double.MIN_VALUE);
        assertThat(row.get("nu8")).isNull();
        assertThat(((List<?>) row.get("as")).stream().map(RowBinaryReader::text)).containsExactly("a", "");
        assertThat(row.get("ai")).isEqualTo(List.of(1L, -1L));
        List<?> ans = (List<?>) row.get("ans");
        assertThat(ans.get(0)).isNull();
        assertThat(text(ans.get(1))).isEqualTo("z");
    }

    @Test
    void bigNumbersKeepEveryBit() throws Exception {
        InsertColumns t = table("version", "UInt64", "ms", "Int64", "f", "Float64", "g", "Float64", "h", "Float64");
        long version = (1L << 62) + 1_795_780_123_456L; // an edited response's version
        Map<String, Object> row = one(t, "{\"version\":" + version + ",\"ms\":1795780123456,\"f\":1.7976931348623157e308,"
                + "\"g\":-0.0,\"h\":0.30000000000000004}");
        assertThat(row.get("version")).isEqualTo(Long.toString(version));
        assertThat(row.get("ms")).isEqualTo(1_795_780_123_456L);
        assertThat(row.get("f")).isEqualTo(Double.MAX_VALUE);
        assertThat(Double.doubleToRawLongBits((Double) row.get("g"))).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(row.get("h")).isEqualTo(0.1 + 0.2);
        assertThat(one(table("f", "Float64"), "{\"f\":12345678901234567890123}").get("f")).isEqualTo(1.2345678901234568e22);
    }

    @Test
    void fieldOrderDoesNotMatterUnknownFieldsAreSkippedAndMissingNullablesAreNull() throws Exception {
        InsertColumns t = table("a", "String", "b", "Nullable(Int64)", "c", "Array(String)", "d", "Nullable(String)");
        Map<String, Object> row = one(t, "{\"x\":{\"deep\":[1,{\"y\":\"z\"}]},\"c\":[\"1\"],\"zz\":[[]],\"a\":\"A\","
                + "\"unknown\":null,\"b\":7}");
        assertThat(text(row.get("a"))).isEqualTo("A");
        assertThat(row.get("b")).isEqualTo(7L);
        assertThat(((List<?>) row.get("c")).stream().map(RowBinaryReader::text)).containsExactly("1");
        assertThat(row.get("d")).isNull();
        // rows in and out of order, one after the other, decode to the same values
        List<Map<String, Object>> rows = RowBinaryReader.rows(t, encode(t,
                "{\"a\":\"1\",\"b\":null,\"c\":[],\"d\":\"D\"}", "{\"d\":\"D\",\"c\":[],\"b\":null,\"a\":\"1\"}"));
        assertThat(rows).hasSize(2);
        assertThat(HexFormat.of().formatHex(encode(t, "{\"a\":\"1\",\"b\":null,\"c\":[],\"d\":\"D\"}")))
                .isEqualTo(HexFormat.of().formatHex(encode(t, "{\"d\":\"D\",\"c\":[],\"b\":null,\"a\":\"1\"}")));
    }

    @Test
    void unicodeIsStoredAsUtf8WhetherWrittenAsIsOrEscaped() throws Exception {
        InsertColumns t = table("s", "String");
        String text = "é ✓ 中文 😀 e\u0301 \"quoted\" back\\slash\ttab\nnew line \u0000 nul";
        String json = "{\"s\":" + io.kzpipe.model.json.Json.MAPPER.writeValueAsString(text) + "}";
        assertThat(text(one(t, json).get("s"))).isEqualTo(text);
        assertThat(text(one(t, "{\"s\":\"\\u00e9\\ud83d\\ude00\\u4e2d\"}").get("s"))).isEqualTo("é😀中");
        // an unpaired surrogate (only possible as an escape) keeps its 3-byte form, as ClickHouse stores it
        assertThat(HexFormat.of().formatHex((byte[]) one(t, "{\"s\":\"a\\udc00\"}").get("s"))).isEqualTo("61edb080");
    }

    @Test
    void longStringsAndArraysGetMultiByteLengths() throws Exception {
        InsertColumns t = table("s", "String", "a", "Array(String)");
        String longText = "ü".repeat(10_000);
        List<String> many = new ArrayList<>(Collections.nCopies(300, "é"));
        String json = io.kzpipe.model.json.Json.MAPPER.writeValueAsString(Map.of("s", longText, "a", many));
        Map<String, Object> row = one(t, json);
        assertThat(text(row.get("s"))).isEqualTo(longText);
        assertThat(((List<?>) row.get("a")).stream().map(RowBinaryReader::text).toList()).isEqualTo(many);
    }

    @Test
    void everyTypedRecordOfTheModelEncodesForItsTable() throws Exception {
        // the same columns the DDL gives each table, as system.columns reports them
        for (Map.Entry<TopicId, TypedRecord> e : TypedRecords.samples().entrySet()) {
            InsertColumns t = DdlColumns.of(e.getKey().table());
            byte[] json = TypedRecords.json(e.getValue());
            RowBinaryEncoder encoder = new RowBinaryEncoder(t, 16);
            encoder.append(json);
            assertThat(RowBinaryReader.rows(t, encoder.toByteArray())).as(t.table()).hasSize(1);
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
        InsertColumns t = table("s", "Nullable(String)", "i", "Nullable(Int32)", "u", "Nullable(UInt8)", "v", "Nullable(UInt64)",
                "l", "Nullable(Int64)", "f", "Nullable(Float64)", "g", "Nullable(Float32)", "a", "Array(String)",
                "b", "Nullable(Bool)", "d", "Nullable(DateTime('UTC'))");
        InsertColumns strict = table("s", "String");
        // value errors are found while parsing, before the check for missing columns
        InsertColumns columns = what.startsWith("null in a String") || what.startsWith("a required") ? strict : t;
        UnencodableRowException e = rejected(columns, record);
        assertThat(e.reason()).as(what).isEqualTo(reason.strip());
        assertThat(e.detail()).as(what).contains(detail.strip());
    }

    @Test
    void invalidUtf8IsRejectedAsSuch() {
        byte[] latin1 = "{\"s\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        UnencodableRowException e = rejected(table("s", "String"), latin1);
        assertThat(e.reason()).isEqualTo("invalid_utf8");
        assertThat(e.detail()).contains("Invalid UTF-8");
    }

    @Test
    void aRejectedRecordLeavesTheRowsBeforeItAndTheRowsAfterItIntact() throws Exception {
        InsertColumns t = table("s", "String", "n", "Int64");
        RowBinaryEncoder encoder = new RowBinaryEncoder(t, 16);
        encoder.append("{\"s\":\"first\",\"n\":1}".getBytes(StandardCharsets.UTF_8));
        for (String bad : List.of("{\"n\":2,\"s\":\"partly written\",\"x\":[1,", "{\"s\":\"long enough to grow the buffer "
                + "x".repeat(100) + "\",\"n\":\"two\"}", "{\"n\":3}")) {
            int before = encoder.size();
            assertThatThrownBy(() -> encoder.append(bad.getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(UnencodableRowException.class);
            assertThat(encoder.size()).isEqualTo(before);
        }
        encoder.append("{\"n\":4,\"s\":\"last\"}".getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encoder.writeTo(out);
        assertThat(encoder.size()).isZero();
        List<Map<String, Object>> rows = RowBinaryReader.rows(t, out.toByteArray());
        assertThat(rows).hasSize(2);
        assertThat(text(rows.get(0).get("s"))).isEqualTo("first");
        assertThat(rows.get(1).get("n")).isEqualTo(4L);
        assertThat(text(rows.get(1).get("s"))).isEqualTo("last");
    }

    @Test
    void dateTimeTakesEpochSecondsOrTextInTheColumnsZone() throws Exception {
        InsertColumns t = table("utc", "DateTime('UTC')", "berlin", "DateTime('Europe/Berlin')", "server", "DateTime");
        Map<String, Object> row = one(t, "{\"utc\":\"2026-11-27 11:48:43\",\"berlin\":\"2026-11-27 12:48:43\",\"server\":1795780123}");
        assertThat(row.get("utc")).isEqualTo(1_795_780_123L);
        assertThat(row.get("berlin")).isEqualTo(1_795_780_123L);
        assertThat(row.get("server")).isEqualTo(1_795_780_123L);
        assertThat(rejected(t, "{\"utc\":1,\"berlin\":1,\"server\":\"2026-11-27 11:48:43\"}").detail())
                .isEqualTo("column server (DateTime): expected epoch seconds, got a string");
    }

    @Test
    void booleansFitIntegerColumnsAndZeroOrOneFitBool() throws Exception {
        InsertColumns t = table("flag", "UInt8", "b", "Bool", "n", "Nullable(UInt8)");
        Map<String, Object> row = one(t, "{\"flag\":true,\"b\":1,\"n\":false}");
        assertThat(row.get("flag")).isEqualTo(1L);
        assertThat(row.get("b")).isEqualTo(true);
        assertThat(row.get("n")).isEqualTo(0L);
    }
}
