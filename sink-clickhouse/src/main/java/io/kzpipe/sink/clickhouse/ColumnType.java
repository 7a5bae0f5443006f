package io.kzpipe.sink.clickhouse;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ClickHouse column type the RowBinary encoder can write, parsed from {@code system.columns.type}.
 * Supported: {@code Int8..Int64}, {@code UInt8..UInt64}, {@code Float32}, {@code Float64}, {@code Bool},
 * {@code String}, {@code DateTime} (optionally with a time zone), {@code Nullable(T)} and {@code Array(T)} of
 * any of these. Anything else (Decimal, LowCardinality, Map, ...) is refused by {@link #parse}, so an
 * unsupported column stops the sink at start-up instead of being written wrongly. Immutable.
 *
 * @param kind    the type
 * @param element the inner type of {@code Nullable} and {@code Array}, else {@code null}
 * @param zone    the time zone of a {@code DateTime('zone')}, {@code null} for a plain {@code DateTime} and
 *                other kinds
 * @param text    the type as ClickHouse spells it
 */
public record ColumnType(Kind kind, ColumnType element, ZoneId zone, String text) {

    /** What RowBinary writes for a column. */
    public enum Kind {
        INT8(1), INT16(2), INT32(4), INT64(8), UINT8(1), UINT16(2), UINT32(4), UINT64(8),
        FLOAT32(4), FLOAT64(8), BOOL(1), STRING(0), DATETIME(4), NULLABLE(0), ARRAY(0);

        /** Bytes of a fixed-size value, 0 for variable-size kinds. */
        final int width;

        Kind(int width) {
            this.width = width;
        }
    }

    private static final Pattern WRAPPED = Pattern.compile("(Nullable|Array)\\((.+)\\)");
    private static final Pattern DATETIME = Pattern.compile("DateTime(?:\\('([^']+)'\\))?");

    /**
     * Parses a type as {@code system.columns.type} spells it.
     *
     * @throws IllegalArgumentException when the type is not supported
     */
    public static ColumnType parse(String type) {
        String t = type.strip();
        Matcher wrapped = WRAPPED.matcher(t);
        if (wrapped.matches()) {
            ColumnType inner = parse(wrapped.group(2));
            boolean nullable = "Nullable".equals(wrapped.group(1));
            if (nullable && (inner.kind == Kind.NULLABLE || inner.kind == Kind.ARRAY)) {
                throw new IllegalArgumentException("unsupported ClickHouse type " + type + " (Nullable of " + inner.kind + ")");
            }
            return new ColumnType(nullable ? Kind.NULLABLE : Kind.ARRAY, inner, null, t);
        }
        Matcher dt = DATETIME.matcher(t);
        if (dt.matches()) {
            ZoneId zone = null;
            if (dt.group(1) != null) {
                try {
                    zone = ZoneId.of(dt.group(1));
                } catch (DateTimeException e) {
                    throw new IllegalArgumentException("unsupported ClickHouse type " + type + " (unknown time zone)", e);
                }
            }
            return new ColumnType(Kind.DATETIME, null, zone, t);
        }
        Kind kind = switch (t) {
            case "Int8" -> Kind.INT8;
            case "Int16" -> Kind.INT16;
            case "Int32" -> Kind.INT32;
            case "Int64" -> Kind.INT64;
            case "UInt8" -> Kind.UINT8;
            case "UInt16" -> Kind.UINT16;
            case "UInt32" -> Kind.UINT32;
            case "UInt64" -> Kind.UINT64;
            case "Float32" -> Kind.FLOAT32;
            case "Float64" -> Kind.FLOAT64;
            case "Bool" -> Kind.BOOL;
            case "String" -> Kind.STRING;
            default -> throw new IllegalArgumentException("unsupported ClickHouse type " + type
                    + " (the sink writes Int8-64, UInt8-64, Float32/64, Bool, String, DateTime, Nullable and Array of these)");
        };
        return new ColumnType(kind, null, null, t);
    }

    public boolean isNullable() {
        return kind == Kind.NULLABLE;
    }

    @Override
    public String toString() {
        return text;
    }
}
