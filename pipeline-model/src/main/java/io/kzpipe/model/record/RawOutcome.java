package io.kzpipe.model.record;

import java.util.Locale;

/**
 * What the stream processor did with one raw record, written in the same transaction as the record's other
 * outputs (so an outcome exists exactly when its outputs do). The ledger (docs/DESIGN.md) counts raw records by
 * outcome and compares them with the records the gateway acknowledged.
 *
 * <p>{@code rowId} is the raw record's coordinates {@code topic:partition:offset}, so re-processing after a
 * crash collapses into the same row; the processor's dead letter of the same record has row id
 * {@code processor:} + this row id. {@code eventId} is {@code ''} when the body has none (a dead letter).
 * {@code replayOf} is the {@code kz-replay-of} header ({@code ''} for a record the gateway accepted).
 * {@code receivedAtMs} is the gateway receive time of the raw record ({@code kz-received-at}), never a
 * response version's effective receive time, so the ledger's minutes are gateway minutes.
 */
public record RawOutcome(int schemaVersion, String rowId, String eventId, String outcome, String replayOf,
        long receivedAtMs) implements TypedRecord {

    /** The processor's verdict on one raw record. */
    public enum Kind {
        /** Written: its records went to the typed topics. */
        TYPED,
        /** A response version not above the current one: only its {@code events} row was written. */
        SUPERSEDED,
        /** A copy of an event (or of a response's current version) already written: nothing written. */
        DUPLICATE,
        /** Sent to the processor's dead-letter topic: nothing else written. */
        DEAD_LETTER;

        /** The value of the {@code outcome} column, e.g. {@code dead_letter}. */
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static String rowId(String topic, int partition, long offset) {
        return topic + ':' + partition + ':' + offset;
    }

    public static RawOutcome of(String topic, int partition, long offset, String eventId, Kind kind, String replayOf,
            long receivedAtMs) {
        return new RawOutcome(SCHEMA_VERSION, rowId(topic, partition, offset), eventId == null ? "" : eventId,
                kind.code(), replayOf == null ? "" : replayOf, receivedAtMs);
    }
}
