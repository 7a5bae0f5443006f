package io.kzpipe.sink.clickhouse;

import com.clickhouse.data.ClickHouseColumn;
import com.clickhouse.data.ClickHouseDataType;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.SerializedString;
import io.kzpipe.sink.deadletter.DeadLetters;
import java.io.IOException;
import java.math.BigInteger;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks that a typed record (one JSON object) can be a row of its table before its bytes are sent as
 * {@code JSONEachRow}, so that a record ClickHouse would refuse, or would load with a made-up value, is
 * dead-lettered with its reason and the column named while its neighbours load. One streaming pass of
 * Jackson's parser; the record is not re-encoded. Column types are ClickHouse's own
 * ({@link ClickHouseColumn}, parsed by clickhouse-data).
 *
 * <p>Rules (what ClickHouse's {@code JSONEachRow} reads, stricter where it would guess):
 * <ul>
 *   <li>Fields may come in any order; fields that are not insert columns are skipped (ClickHouse skips them
 *       too, {@code input_format_skip_unknown_fields}), so a processor that adds a field before the sink's
 *       migration adds the column keeps loading.</li>
 *   <li>A missing {@code Nullable} column is {@code NULL}; any other missing column rejects the record
 *       ({@code missing_column}): ClickHouse would insert {@code ''} or 0, and, say, a missing {@code row_id}
 *       would collapse unrelated rows.</li>
 *   <li>Integers must be JSON integers within the column's range ({@code true}/{@code false} are 1/0);
 *       floats take any finite JSON number; strings must be JSON strings in valid UTF-8; arrays must be JSON
 *       arrays; {@code null} only in {@code Nullable} columns; {@code Bool} takes true, false, 0 or 1;
 *       {@code DateTime} takes epoch seconds or {@code "yyyy-MM-dd HH:mm:ss"}. Anything else rejects the
 *       record ({@code invalid_value}, the detail names the column). Other types (Decimal, Date, ...) are
 *       left to ClickHouse, whose refusals {@code BatchDelivery} isolates.</li>
 *   <li>The record must be exactly one JSON object ({@code not_an_object}, {@code invalid_json}), in valid
 *       UTF-8 ({@code invalid_utf8}), each column at most once ({@code invalid_json}).</li>
 * </ul>
 * Immutable and thread-safe.
 */
final class RowCheck {

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(StreamReadFeature.USE_FAST_BIG_NUMBER_PARSER)
            .build();
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final BigInteger TWO_POW_64 = BigInteger.ONE.shiftLeft(64);

    private final List<ClickHouseColumn> columns;
    private final SerializedString[] names;
    private final Map<String, Integer> index = new HashMap<>();

    /** @param columns the insert columns of one table */
    RowCheck(List<ClickHouseColumn> columns) {
        this.columns = List.copyOf(columns);
        this.names = new SerializedString[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            names[i] = new SerializedString(columns.get(i).getColumnName());
            index.put(columns.get(i).getColumnName(), i);
        }
    }

    /**
     * @throws UnfitRowException when {@code json} cannot be a row of the table
     */
    void check(byte[] json) throws UnfitRowException {
        boolean[] seen = new boolean[columns.size()];
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new UnfitRowException(DeadLetters.REASON_NOT_AN_OBJECT,
                        "record is not a JSON object (starts with " + p.currentToken() + ")");
            }
            int next = 0; // records list their fields in table order: the name expected next is matched as bytes
            while (true) {
                Integer col;
                if (next < names.length && p.nextFieldName(names[next])) {
                    col = next;
                } else if ((next < names.length ? p.currentToken() : p.nextToken()) == JsonToken.FIELD_NAME) {
                    col = index.get(p.currentName());
                } else {
                    break; // the end of the object
                }
                p.nextToken();
                if (col == null) {
                    p.skipChildren();
                    continue;
                }
                ClickHouseColumn column = columns.get(col);
                if (seen[col]) {
                    throw new UnfitRowException(DeadLetters.REASON_INVALID_JSON,
                            "column " + column.getColumnName() + " appears twice");
                }
                seen[col] = true;
                next = col + 1;
                value(p, column, column);
            }
            if (p.nextToken() != null) {
                throw new UnfitRowException(DeadLetters.REASON_INVALID_JSON, "content after the JSON object");
            }
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage();
            String reason = message != null && message.contains("Invalid UTF-8")
                    ? DeadLetters.REASON_INVALID_UTF8
                    : DeadLetters.REASON_INVALID_JSON;
            throw new UnfitRowException(reason,
                    e.getLocation() == null ? message : message + " (at byte " + e.getLocation().getByteOffset() + ")");
        } catch (IOException e) {
            throw new UnfitRowException(DeadLetters.REASON_INVALID_JSON, String.valueOf(e.getMessage()));
        } catch (RuntimeException e) { // e.g. a number Jackson refuses to convert
            throw new UnfitRowException(DeadLetters.REASON_INVALID_VALUE, e.toString());
        }
        for (int c = 0; c < seen.length; c++) {
            if (!seen[c] && !columns.get(c).isNullable()) {
                throw new UnfitRowException(DeadLetters.REASON_MISSING_COLUMN,
                        "column " + columns.get(c).getColumnName() + " (" + columns.get(c).getOriginalTypeName()
                                + ") is missing");
            }
        }
    }

    /** Checks the current value against {@code type} (the column's type, or an array's element type). */
    private static void value(JsonParser p, ClickHouseColumn type, ClickHouseColumn column)
            throws IOException, UnfitRowException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            if (!type.isNullable()) {
                throw invalid(column, expected(type), t);
            }
            return;
        }
        if (type.isArray()) {
            if (t != JsonToken.START_ARRAY) {
                throw invalid(column, "an array", t);
            }
            ClickHouseColumn element = type.getNestedColumns().get(0);
            while (p.nextToken() != JsonToken.END_ARRAY) {
                value(p, element, column);
            }
            return;
        }
        switch (type.getDataType()) {
            case String -> {
                if (t != JsonToken.VALUE_STRING) {
                    throw invalid(column, "a string", t);
                }
                // not decoded: the parser checks the UTF-8 of the string's bytes while it skips them
            }
            case Int8, Int16, Int32, Int64, UInt8, UInt16, UInt32, UInt64 -> integer(p, t, type, column);
            case Float32, Float64 -> {
                if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
                    throw invalid(column, "a number", t);
                }
                double d = p.getDoubleValue();
                if (Double.isInfinite(d)
                        || type.getDataType() == ClickHouseDataType.Float32 && Float.isInfinite((float) d)) { // JSON has no infinity: a finite literal beyond the range
                    throw outOfRange(column, p.getText());
                }
            }
            case Bool -> {
                boolean ok = t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE
                        || t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
                                && (p.getIntValue() == 0 || p.getIntValue() == 1);
                if (!ok) {
                    throw invalid(column, "true, false, 0 or 1", t);
                }
            }
            case DateTime, DateTime32 -> dateTime(p, t, column);
            default -> p.skipChildren(); // ClickHouse parses it and refuses what it cannot read
        }
    }

    private static void integer(JsonParser p, JsonToken t, ClickHouseColumn type, ClickHouseColumn column)
            throws IOException, UnfitRowException {
        if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
            return;
        }
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw invalid(column, "an integer", t);
        }
        int bits = type.getDataType().getByteLength() * 8;
        boolean signed = type.getDataType().isSigned();
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            BigInteger big = p.getBigIntegerValue();
            if (bits == 64 && !signed && big.signum() >= 0 && big.compareTo(TWO_POW_64) < 0) {
                return;
            }
            throw outOfRange(column, big.toString());
        }
        long v = p.getLongValue();
        boolean ok = bits == 64
                ? signed || v >= 0
                : signed ? v >= -(1L << (bits - 1)) && v < 1L << (bits - 1) : v >= 0 && v < 1L << bits;
        if (!ok) {
            throw outOfRange(column, Long.toString(v));
        }
    }

    private static void dateTime(JsonParser p, JsonToken t, ClickHouseColumn column)
            throws IOException, UnfitRowException {
        if (t == JsonToken.VALUE_NUMBER_INT) {
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER || p.getLongValue() < 0
                    || p.getLongValue() > 0xFFFF_FFFFL) {
                throw outOfRange(column, p.getText());
            }
        } else if (t == JsonToken.VALUE_STRING) {
            try {
                LocalDateTime.parse(p.getText(), DATE_TIME);
            } catch (DateTimeParseException e) {
                throw new UnfitRowException(DeadLetters.REASON_INVALID_VALUE,
                        "column " + column.getColumnName() + " (" + column.getOriginalTypeName()
                                + "): expected epoch seconds or yyyy-MM-dd HH:mm:ss, got '" + e.getParsedString()
                                + "'");
            }
        } else {
            throw invalid(column, "epoch seconds or yyyy-MM-dd HH:mm:ss", t);
        }
    }

    private static String expected(ClickHouseColumn type) {
        if (type.isArray()) {
            return "an array";
        }
        return switch (type.getDataType()) {
            case String -> "a string";
            case Int8, Int16, Int32, Int64, UInt8, UInt16, UInt32, UInt64 -> "an integer";
            case Float32, Float64 -> "a number";
            case Bool -> "true, false, 0 or 1";
            case DateTime, DateTime32 -> "epoch seconds or yyyy-MM-dd HH:mm:ss";
            default -> "a value";
        };
    }

    private static UnfitRowException invalid(ClickHouseColumn column, String expected, JsonToken got) {
        return new UnfitRowException(DeadLetters.REASON_INVALID_VALUE, "column " + column.getColumnName() + " ("
                + column.getOriginalTypeName() + "): expected " + expected + ", got " + describe(got));
    }

    private static UnfitRowException outOfRange(ClickHouseColumn column, String value) {
        return new UnfitRowException(DeadLetters.REASON_INVALID_VALUE, "column " + column.getColumnName() + " ("
                + column.getOriginalTypeName() + "): " + value + " is out of range");
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "an integer";
            case VALUE_NUMBER_FLOAT -> "a fractional number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            default -> t.toString();
        };
    }
}
