package io.kzpipe.sink.support;

import io.kzpipe.sink.clickhouse.ColumnType;
import io.kzpipe.sink.clickhouse.InsertColumns;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes RowBinary as ClickHouse reads it, for tests: integers as {@code Long} (UInt64 as its unsigned
 * decimal {@code String}), floats as {@code Float}/{@code Double}, {@code Bool} as {@code Boolean}, strings as
 * their raw bytes ({@code byte[]}), NULL as {@code null}, arrays as {@code List}.
 */
public final class RowBinaryReader {

    private final ByteBuffer in;
    private final InsertColumns columns;

    public RowBinaryReader(InsertColumns columns, byte[] bytes) {
        this.columns = columns;
        this.in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Every row: column name → value. Fails when bytes are left over or missing. */
    public static List<Map<String, Object>> rows(InsertColumns columns, byte[] bytes) {
        RowBinaryReader r = new RowBinaryReader(columns, bytes);
        List<Map<String, Object>> out = new ArrayList<>();
        while (r.in.hasRemaining()) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int c = 0; c < columns.size(); c++) {
                row.put(columns.names().get(c), r.value(columns.types().get(c)));
            }
            out.add(row);
        }
        return out;
    }

    /** A string value's bytes as text (strict UTF-8 is not checked). */
    public static String text(Object value) {
        return new String((byte[]) value, StandardCharsets.UTF_8);
    }

    private Object value(ColumnType type) {
        return switch (type.kind()) {
            case INT8 -> (long) in.get();
            case INT16 -> (long) in.getShort();
            case INT32 -> (long) in.getInt();
            case INT64 -> in.getLong();
            case UINT8 -> (long) (in.get() & 0xFF);
            case UINT16 -> (long) (in.getShort() & 0xFFFF);
            case UINT32, DATETIME -> in.getInt() & 0xFFFF_FFFFL;
            case UINT64 -> Long.toUnsignedString(in.getLong());
            case FLOAT32 -> in.getFloat();
            case FLOAT64 -> in.getDouble();
            case BOOL -> in.get() != 0;
            case STRING -> {
                byte[] b = new byte[(int) varint()];
                in.get(b);
                yield b;
            }
            case NULLABLE -> {
                byte flag = in.get();
                if (flag != 0 && flag != 1) {
                    throw new IllegalStateException("bad Nullable flag " + flag);
                }
                yield flag == 1 ? null : value(type.element());
            }
            case ARRAY -> {
                long n = varint();
                List<Object> list = new ArrayList<>();
                for (long i = 0; i < n; i++) {
                    list.add(value(type.element()));
                }
                yield list;
            }
        };
    }

    private long varint() {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = in.get();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
    }

    @Override
    public String toString() {
        return Arrays.toString(in.array());
    }
}
