package io.kzpipe.model.record;

/**
 * A fact produced by the stream processor and loaded by the sink into the ClickHouse table of the same
 * name. Every typed record is one JSON object whose snake_case field names are exactly the insert columns
 * of its table (see {@code docs/DESIGN.md}).
 *
 * <p>{@link #rowId()} is deterministic: re-processing or re-delivering the same fact yields the same row
 * id, which is how the ClickHouse tables ({@code ReplacingMergeTree}) and their {@code _latest} views
 * collapse duplicates.
 */
public interface TypedRecord {

    /** Version of the JSON layout of all typed records; bumped on any incompatible change. */
    int SCHEMA_VERSION = 1;

    int schemaVersion();

    String rowId();

    String eventId();

    /** Gateway receive time in epoch milliseconds (Kaizala sends no event time). */
    long receivedAtMs();
}
