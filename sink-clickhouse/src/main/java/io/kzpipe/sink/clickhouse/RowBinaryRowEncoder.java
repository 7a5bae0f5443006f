package io.kzpipe.sink.clickhouse;

import com.clickhouse.client.api.data_formats.RowBinaryFormatWriter;
import com.clickhouse.client.api.metadata.TableSchema;
import com.clickhouse.data.ClickHouseColumn;
import com.clickhouse.data.ClickHouseFormat;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.kzpipe.model.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one JSON row (a typed record, or a dead letter) into ClickHouse RowBinary for the insert columns of
 * a table, with client-v2's {@link RowBinaryFormatWriter} doing the binary encoding. The JSON is read the
 * way {@code JSONEachRow} reads it: fields by name in any order, unknown fields skipped, missing fields and
 * {@code null} in a non-Nullable column get the type's default ({@code 0}, {@code ''}, {@code []}), quoted
 * numbers are numbers, {@code true}/{@code false} are 1/0. A value that does not fit its column (a string
 * in a Float64, 300 in a UInt8, a number in a String, broken JSON) makes the row unencodable: {@link #encode}
 * says why and writes nothing. Supported types: (U)Int8–64, Float32/64, Bool, String, Nullable, Array and
 * LowCardinality of those ({@link #supports}). Not thread-safe: one encoder per insert.
 */
public final class RowBinaryRowEncoder {

    private static final JsonFactory JSON = Json.MAPPER.getFactory();

    /** A value that does not fit its column. */
    private static final class Misfit extends Exception {
        private static final long serialVersionUID = 1L;

        Misfit(String message) {
            super(message, null, false, false);
        }
    }

    @FunctionalInterface
    private interface Converter {
        /** The Java value client-v2 serializes for this column, from the current token. */
        Object convert(JsonParser p, JsonToken t) throws IOException, Misfit;
    }

    private record Slot(String name, Converter converter, Object defaultValue) {
    }

    private final Slot[] slots;
    private final Map<String, Integer> index = new HashMap<>();
    private final Object[] values;
    private final boolean[] seen;
    private final ByteArrayOutputStream rowBuffer = new ByteArrayOutputStream(1024);
    private final RowBinaryFormatWriter writer;

    /** @param columns the table's insert columns, in the order of the insert's column list */
    public RowBinaryRowEncoder(List<ClickHouseColumn> columns) {
        slots = new Slot[columns.size()];
        for (int i = 0; i < slots.length; i++) {
            ClickHouseColumn c = columns.get(i);
            slots[i] = new Slot(c.getColumnName(), converter(c), defaultValue(c));
            index.put(c.getColumnName(), i);
        }
        values = new Object[slots.length];
        seen = new boolean[slots.length];
        writer = new RowBinaryFormatWriter(rowBuffer, new TableSchema(columns), ClickHouseFormat.RowBinary);
    }

    /** True when every column has a type this encoder handles. */
    public static boolean supports(List<ClickHouseColumn> columns) {
        try {
            columns.forEach(RowBinaryRowEncoder::converter);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Appends the RowBinary encoding of {@code json} to {@code out}.
     *
     * @return {@code null} when appended, else why the row cannot be encoded (nothing appended)
     */
    public String encode(byte[] json, ByteArrayOutputStream out) {
        Arrays.fill(seen, false);
        String column = null;
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return "not a JSON object";
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                Integer i = index.get(p.currentName());
                JsonToken value = p.nextToken();
                if (i == null) {
                    p.skipChildren();
                    continue;
                }
                column = slots[i].name();
                values[i] = value == JsonToken.VALUE_NULL ? null : slots[i].converter().convert(p, value);
                seen[i] = true;
            }
            column = null;
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return "not exactly one JSON object";
            }
            writer.clearRow();
            for (int i = 0; i < slots.length; i++) {
                Object v = seen[i] ? values[i] : null;
                writer.setValue(i + 1, v == null ? slots[i].defaultValue() : v);
            }
            rowBuffer.reset();
            writer.commitRow();
            rowBuffer.writeTo(out);
            return null;
        } catch (Misfit e) {
            return column + ": " + e.getMessage();
        } catch (JsonProcessingException e) {
            return (column == null ? "" : column + ": ") + "invalid JSON: " + e.getOriginalMessage();
        } catch (IOException e) {
            throw new IllegalStateException("in-memory encoding failed", e);
        }
    }

    private static Object defaultValue(ClickHouseColumn c) {
        if (c.isNullable()) {
            return null;
        }
        return switch (c.getDataType()) {
            case Array -> List.of();
            case String -> "";
            case Float32 -> 0f;
            case Float64 -> 0d;
            case Bool -> Boolean.FALSE;
            case UInt64 -> BigInteger.ZERO;
            case UInt32, Int64 -> 0L;
            default -> 0;
        };
    }

    private static Converter converter(ClickHouseColumn c) {
        return switch (c.getDataType()) {
            case String -> (p, t) -> {
                if (t != JsonToken.VALUE_STRING) {
                    throw new Misfit("expected a string, got " + describe(p, t));
                }
                return p.getText();
            };
            case Int8 -> (p, t) -> (int) integral(p, t, -128, 127);
            case UInt8 -> (p, t) -> (int) integral(p, t, 0, 255);
            case Int16 -> (p, t) -> (int) integral(p, t, Short.MIN_VALUE, Short.MAX_VALUE);
            case UInt16 -> (p, t) -> (int) integral(p, t, 0, 65_535);
            case Int32 -> (p, t) -> (int) integral(p, t, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case UInt32 -> (p, t) -> integral(p, t, 0, 0xFFFF_FFFFL);
            case Int64 -> (p, t) -> integral(p, t, Long.MIN_VALUE, Long.MAX_VALUE);
            case UInt64 -> RowBinaryRowEncoder::unsigned64;
            case Float32 -> (p, t) -> (float) floating(p, t);
            case Float64 -> (p, t) -> floating(p, t);
            case Bool -> (p, t) -> integral(p, t, 0, 1) == 1;
            case Array -> array(converter(c.getArrayBaseColumn()), defaultValue(c.getArrayBaseColumn()));
            default -> throw new IllegalArgumentException("no RowBinary conversion for " + c.getOriginalTypeName());
        };
    }

    private static long integral(JsonParser p, JsonToken t, long min, long max) throws IOException, Misfit {
        long n;
        switch (t) {
            case VALUE_NUMBER_INT -> {
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    throw new Misfit(p.getText() + " is out of range [" + min + ", " + max + "]");
                }
                n = p.getLongValue();
            }
            case VALUE_TRUE -> n = 1;
            case VALUE_FALSE -> n = 0;
            case VALUE_STRING -> {
                try {
                    n = Long.parseLong(p.getText().trim());
                } catch (NumberFormatException e) {
                    throw new Misfit("expected an integer, got \"" + p.getText() + "\"");
                }
            }
            default -> throw new Misfit("expected an integer, got " + describe(p, t));
        }
        if (n < min || n > max) {
            throw new Misfit(n + " is out of range [" + min + ", " + max + "]");
        }
        return n;
    }

    private static BigInteger unsigned64(JsonParser p, JsonToken t) throws IOException, Misfit {
        BigInteger n;
        if (t == JsonToken.VALUE_NUMBER_INT) {
            n = p.getBigIntegerValue();
        } else if (t == JsonToken.VALUE_STRING) {
            try {
                n = new BigInteger(p.getText().trim());
            } catch (NumberFormatException e) {
                throw new Misfit("expected an integer, got \"" + p.getText() + "\"");
            }
        } else {
            n = BigInteger.valueOf(integral(p, t, 0, 1));
        }
        if (n.signum() < 0 || n.bitLength() > 64) {
            throw new Misfit(n + " is out of range for UInt64");
        }
        return n;
    }

    private static String describe(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "\"" + p.getText() + "\"";
            default -> p.getText();
        };
    }

    private static double floating(JsonParser p, JsonToken t) throws IOException, Misfit {
        return switch (t) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_STRING -> {
                try {
                    yield Double.parseDouble(p.getText().trim());
                } catch (NumberFormatException e) {
                    throw new Misfit("expected a number, got \"" + p.getText() + "\"");
                }
            }
            default -> throw new Misfit("expected a number, got " + describe(p, t));
        };
    }

    private static Converter array(Converter element, Object elementDefault) {
        return (p, t) -> {
            if (t != JsonToken.START_ARRAY) {
                throw new Misfit("expected an array, got " + describe(p, t));
            }
            List<Object> out = new ArrayList<>();
            for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                out.add(e == JsonToken.VALUE_NULL ? elementDefault : element.convert(p, e));
            }
            return out;
        };
    }
}
