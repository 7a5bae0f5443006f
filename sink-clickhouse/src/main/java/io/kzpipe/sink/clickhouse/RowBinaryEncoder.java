package io.kzpipe.sink.clickhouse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.SerializedString;
import io.kzpipe.sink.deadletter.DeadLetters;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Transcodes typed records (one JSON object each) into ClickHouse {@code RowBinary} rows for one table's
 * {@link InsertColumns}, streaming over the record bytes with Jackson's {@link JsonParser}: no tree, no
 * boxing, no per-value objects. Rows are appended to an internal buffer that the caller drains into the
 * insert request ({@link #writeTo}).
 *
 * <p>Rules (the same rows ClickHouse's {@code JSONEachRow} accepts, stricter where it would guess):
 * <ul>
 *   <li>Fields may come in any order; fields that are not insert columns are skipped (so a processor that
 *       adds a field before the sink's migration adds the column keeps loading).</li>
 *   <li>A missing {@code Nullable} column is {@code NULL}; any other missing column rejects the row
 *       ({@code missing_column}): inserting {@code ''} or 0 for, say, a missing {@code row_id} would
 *       silently collapse unrelated rows.</li>
 *   <li>Integers must be JSON integers within the column's range ({@code true}/{@code false} are 1/0);
 *       floats take any JSON number; strings must be JSON strings (stored as UTF-8; an unpaired surrogate,
 *       only possible through a {@code \\u} escape, is kept in its 3-byte form like ClickHouse does); arrays
 *       must be JSON arrays; {@code null} only in {@code Nullable} columns; {@code DateTime} takes epoch
 *       seconds, or {@code "yyyy-MM-dd HH:mm:ss"} when the column names its time zone. Anything else rejects
 *       the row ({@code invalid_value}, detail names the column).</li>
 *   <li>The record must be exactly one JSON object ({@code not_an_object}, {@code invalid_json}), in valid
 *       UTF-8 ({@code invalid_utf8}), each column at most once ({@code invalid_json}).</li>
 * </ul>
 * A rejected record leaves the buffer as it was, so its neighbours load. Not thread-safe: one instance per
 * insert.
 */
public final class RowBinaryEncoder {

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(StreamReadFeature.USE_FAST_BIG_NUMBER_PARSER)
            .build();
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final BigInteger TWO_POW_64 = BigInteger.ONE.shiftLeft(64);

    private final InsertColumns columns;
    private final int n;
    private final ColumnType[] types;
    private final SerializedString[] names;
    private final Map<String, Integer> index = new HashMap<>();
    private final int[] start;
    private final int[] end;
    private final int[] seenInRow;
    private int rowNumber;
    private byte[] buf;
    private int pos;
    private byte[] reorder = new byte[256];

    /** @param initialCapacity initial size of the row buffer in bytes (it grows as needed) */
    public RowBinaryEncoder(InsertColumns columns, int initialCapacity) {
        this.columns = columns;
        this.n = columns.size();
        this.types = columns.types().toArray(new ColumnType[0]);
        this.names = new SerializedString[n];
        List<String> list = columns.names();
        for (int i = 0; i < n; i++) {
            names[i] = new SerializedString(list.get(i));
            index.put(list.get(i), i);
        }
        this.start = new int[n];
        this.end = new int[n];
        this.seenInRow = new int[n];
        this.buf = new byte[Math.max(64, initialCapacity)];
    }

    /** Bytes of encoded rows not yet written. */
    public int size() {
        return pos;
    }

    /** Writes the encoded rows to {@code out} and empties the buffer. */
    public void writeTo(OutputStream out) throws IOException {
        out.write(buf, 0, pos);
        pos = 0;
    }

    /** The encoded rows so far (tests). */
    byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    /**
     * Appends {@code json} as one row.
     *
     * @throws UnencodableRowException when the record cannot be a row of the table; nothing was appended
     */
    public void append(byte[] json) throws UnencodableRowException {
        int rowStart = pos;
        int row = ++rowNumber;
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new UnencodableRowException(DeadLetters.REASON_NOT_AN_OBJECT,
                        "record is not a JSON object (starts with " + p.currentToken() + ")");
            }
            boolean inOrder = true;
            int seen = 0;
            int expected = 0;
            while (true) {
                int col;
                if (expected < n && p.nextFieldName(names[expected])) {
                    col = expected;
                } else {
                    // nextFieldName moved on; once every column was seen in order, move on here
                    JsonToken t = expected < n ? p.currentToken() : p.nextToken();
                    if (t == JsonToken.END_OBJECT) {
                        break;
                    }
                    if (t != JsonToken.FIELD_NAME) {
                        throw new UnencodableRowException(DeadLetters.REASON_INVALID_JSON, "the JSON object is not complete");
                    }
                    Integer i = index.get(p.currentName());
                    if (i == null) {
                        p.nextToken();
                        p.skipChildren();
                        continue;
                    }
                    col = i;
                    inOrder &= col == expected;
                }
                if (seenInRow[col] == row) {
                    throw new UnencodableRowException(DeadLetters.REASON_INVALID_JSON, "column " + names[col] + " appears twice");
                }
                seenInRow[col] = row;
                seen++;
                expected = col + 1;
                p.nextToken();
                start[col] = pos;
                value(p, types[col], col);
                end[col] = pos;
            }
            if (p.nextToken() != null) {
                throw new UnencodableRowException(DeadLetters.REASON_INVALID_JSON, "content after the JSON object");
            }
            if (!inOrder || seen != n) {
                reassemble(rowStart, row);
            }
        } catch (UnencodableRowException e) {
            pos = rowStart;
            throw e;
        } catch (JsonProcessingException e) {
            pos = rowStart;
            String message = e.getOriginalMessage();
            String reason = message != null && message.contains("Invalid UTF-8")
                    ? DeadLetters.REASON_INVALID_UTF8 : DeadLetters.REASON_INVALID_JSON;
            throw new UnencodableRowException(reason, e.getLocation() == null ? message
                    : message + " (at byte " + e.getLocation().getByteOffset() + ")");
        } catch (IOException e) {
            pos = rowStart;
            throw new UnencodableRowException(DeadLetters.REASON_INVALID_JSON, String.valueOf(e.getMessage()));
        } catch (RuntimeException e) { // e.g. a number Jackson refuses to convert
            pos = rowStart;
            throw new UnencodableRowException(DeadLetters.REASON_INVALID_VALUE, e.toString());
        }
    }

    /** Rewrites the row starting at {@code rowStart} in column order, with NULL for missing Nullable columns. */
    private void reassemble(int rowStart, int row) throws UnencodableRowException {
        int len = pos - rowStart;
        if (reorder.length < len) {
            reorder = new byte[Math.max(len, reorder.length * 2)];
        }
        System.arraycopy(buf, rowStart, reorder, 0, len);
        pos = rowStart;
        for (int c = 0; c < n; c++) {
            if (seenInRow[c] == row) {
                int l = end[c] - start[c];
                ensure(l);
                System.arraycopy(reorder, start[c] - rowStart, buf, pos, l);
                pos += l;
            } else if (types[c].isNullable()) {
                put((byte) 1);
            } else {
                throw new UnencodableRowException(DeadLetters.REASON_MISSING_COLUMN,
                        "column " + names[c] + " (" + types[c] + ") is missing");
            }
        }
    }

    private void value(JsonParser p, ColumnType type, int col) throws IOException, UnencodableRowException {
        JsonToken t = p.currentToken();
        switch (type.kind()) {
            case STRING -> {
                if (t != JsonToken.VALUE_STRING) {
                    throw invalid(col, type, "a string", t);
                }
                putUtf8(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            }
            case INT8, INT16, INT32, INT64, UINT8, UINT16, UINT32, UINT64 -> putLe(integer(p, t, type, col), type.kind().width);
            case FLOAT64 -> {
                if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
                    throw invalid(col, type, "a number", t);
                }
                double d = p.getDoubleValue();
                if (Double.isInfinite(d)) { // JSON has no infinity: a finite literal beyond the range
                    throw outOfRange(col, type, p.getText());
                }
                putLe(Double.doubleToRawLongBits(d), 8);
            }
            case FLOAT32 -> {
                if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
                    throw invalid(col, type, "a number", t);
                }
                float f = (float) p.getDoubleValue();
                if (Float.isInfinite(f)) {
                    throw outOfRange(col, type, p.getText());
                }
                putLe(Float.floatToRawIntBits(f), 4);
            }
            case BOOL -> {
                if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
                    put((byte) (t == JsonToken.VALUE_TRUE ? 1 : 0));
                } else if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
                        && (p.getIntValue() == 0 || p.getIntValue() == 1)) {
                    put((byte) p.getIntValue());
                } else {
                    throw invalid(col, type, "true, false, 0 or 1", t);
                }
            }
            case DATETIME -> putLe(dateTime(p, t, type, col), 4);
            case NULLABLE -> {
                if (t == JsonToken.VALUE_NULL) {
                    put((byte) 1);
                } else {
                    put((byte) 0);
                    value(p, type.element(), col);
                }
            }
            case ARRAY -> {
                if (t != JsonToken.START_ARRAY) {
                    throw invalid(col, type, "an array", t);
                }
                int countAt = pos;
                put((byte) 0); // one varint byte reserved: arrays shorter than 128 need no move
                long count = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    value(p, type.element(), col);
                    count++;
                }
                int width = varintLength(count);
                if (width > 1) {
                    ensure(width - 1);
                    System.arraycopy(buf, countAt + 1, buf, countAt + width, pos - countAt - 1);
                    pos += width - 1;
                }
                writeVarint(countAt, count);
            }
        }
    }

    private long integer(JsonParser p, JsonToken t, ColumnType type, int col) throws IOException, UnencodableRowException {
        if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
            return t == JsonToken.VALUE_TRUE ? 1 : 0;
        }
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw invalid(col, type, "an integer", t);
        }
        ColumnType.Kind kind = type.kind();
        JsonParser.NumberType nt = p.getNumberType();
        if (nt == JsonParser.NumberType.BIG_INTEGER) {
            BigInteger big = p.getBigIntegerValue();
            if (kind == ColumnType.Kind.UINT64 && big.signum() >= 0 && big.compareTo(TWO_POW_64) < 0) {
                return big.longValue(); // the same 64 bits, read back unsigned by ClickHouse
            }
            throw outOfRange(col, type, big.toString());
        }
        long v = p.getLongValue();
        boolean ok = switch (kind) {
            case INT8 -> v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE;
            case INT16 -> v >= Short.MIN_VALUE && v <= Short.MAX_VALUE;
            case INT32 -> v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE;
            case UINT8 -> v >= 0 && v <= 0xFF;
            case UINT16 -> v >= 0 && v <= 0xFFFF;
            case UINT32 -> v >= 0 && v <= 0xFFFF_FFFFL;
            case UINT64 -> v >= 0;
            default -> true;
        };
        if (!ok) {
            throw outOfRange(col, type, Long.toString(v));
        }
        return v;
    }

    private long dateTime(JsonParser p, JsonToken t, ColumnType type, int col) throws IOException, UnencodableRowException {
        long seconds;
        if (t == JsonToken.VALUE_NUMBER_INT) {
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw outOfRange(col, type, p.getText());
            }
            seconds = p.getLongValue();
        } else if (t == JsonToken.VALUE_STRING && type.zone() != null) {
            try {
                seconds = LocalDateTime.parse(p.getText(), DATE_TIME).atZone(type.zone()).toEpochSecond();
            } catch (DateTimeParseException e) {
                throw new UnencodableRowException(DeadLetters.REASON_INVALID_VALUE, "column " + names[col] + " (" + types[col]
                        + "): expected epoch seconds or yyyy-MM-dd HH:mm:ss, got '" + e.getParsedString() + "'");
            }
        } else {
            throw invalid(col, type, type.zone() == null ? "epoch seconds" : "epoch seconds or yyyy-MM-dd HH:mm:ss", t);
        }
        if (seconds < 0 || seconds > 0xFFFF_FFFFL) {
            throw outOfRange(col, type, Long.toString(seconds));
        }
        return seconds;
    }

    /** @param type the type of the value (an element's for arrays); the detail names the column's type */
    private UnencodableRowException invalid(int col, ColumnType type, String expected, JsonToken got) {
        return new UnencodableRowException(DeadLetters.REASON_INVALID_VALUE,
                "column " + names[col] + " (" + types[col] + "): expected " + expected + ", got " + describe(got));
    }

    private UnencodableRowException outOfRange(int col, ColumnType type, String value) {
        return new UnencodableRowException(DeadLetters.REASON_INVALID_VALUE,
                "column " + names[col] + " (" + types[col] + "): " + value + " is out of range");
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

    // ---- bytes

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(pos + more, buf.length * 2));
        }
    }

    private void put(byte b) {
        ensure(1);
        buf[pos++] = b;
    }

    private void putLe(long v, int width) {
        ensure(width);
        for (int i = 0; i < width; i++) {
            buf[pos++] = (byte) v;
            v >>>= 8;
        }
    }

    private static int varintLength(long v) {
        int len = 1;
        while ((v >>>= 7) != 0) {
            len++;
        }
        return len;
    }

    /** Unsigned LEB128 at {@code at} (space already there). */
    private void writeVarint(int at, long v) {
        while ((v & ~0x7FL) != 0) {
            buf[at++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[at] = (byte) v;
    }

    /** A String value: varint byte length, then the UTF-8 of {@code chars[off, off + len)}. */
    private void putUtf8(char[] chars, int off, int len) {
        int limit = off + len;
        int bytes = len;
        for (int i = off; i < limit; i++) {
            char c = chars[i];
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < limit && Character.isLowSurrogate(chars[i + 1])) {
                    bytes += 2; // 4 bytes for 2 chars
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        int width = varintLength(bytes);
        ensure(width + bytes);
        writeVarint(pos, bytes);
        pos += width;
        byte[] b = buf;
        int o = pos;
        if (bytes == len) { // ASCII
            for (int i = off; i < limit; i++) {
                b[o++] = (byte) chars[i];
            }
            pos = o;
            return;
        }
        for (int i = off; i < limit; i++) {
            char c = chars[i];
            if (c < 0x80) {
                b[o++] = (byte) c;
            } else if (c < 0x800) {
                b[o++] = (byte) (0xC0 | c >> 6);
                b[o++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < limit && Character.isLowSurrogate(chars[i + 1])) {
                int cp = Character.toCodePoint(c, chars[++i]);
                b[o++] = (byte) (0xF0 | cp >> 18);
                b[o++] = (byte) (0x80 | cp >> 12 & 0x3F);
                b[o++] = (byte) (0x80 | cp >> 6 & 0x3F);
                b[o++] = (byte) (0x80 | cp & 0x3F);
            } else {
                b[o++] = (byte) (0xE0 | c >> 12);
                b[o++] = (byte) (0x80 | c >> 6 & 0x3F);
                b[o++] = (byte) (0x80 | c & 0x3F);
            }
        }
        pos = o;
    }
}
