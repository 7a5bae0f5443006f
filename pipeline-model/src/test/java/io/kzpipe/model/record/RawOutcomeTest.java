package io.kzpipe.model.record;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RawOutcomeTest {

    @Test
    void anOutcomeIsKeyedByTheRawRecordsCoordinatesWithEmptyStringsForAbsentIds() {
        RawOutcome outcome = RawOutcome.of("kaizala.raw", 1, 42, null, RawOutcome.Kind.DEAD_LETTER, null, 1000);

        assertThat(outcome.rowId()).isEqualTo("kaizala.raw:1:42");
        assertThat(outcome.outcome()).isEqualTo("dead_letter");
        assertThat(outcome.eventId()).isEmpty();
        assertThat(outcome.replayOf()).isEmpty();
        assertThat(outcome.schemaVersion()).isEqualTo(TypedRecord.SCHEMA_VERSION);
        assertThat(outcome.receivedAtMs()).isEqualTo(1000);
    }

    @Test
    void everyKindHasItsColumnValue() {
        assertThat(RawOutcome.Kind.values()).extracting(RawOutcome.Kind::code)
                .containsExactly("typed", "superseded", "duplicate", "dead_letter");
    }

    @Test
    void anAnswersRowIdNamesResponseVersionQuestionAndOrdinal() {
        AnswerKey key = new AnswerKey("e1", "r1", 7, "a1", "g1", 3, "Colour?", "SingleOption", 0);

        assertThat(key.rowId(0)).isEqualTo("r1:7:3:0");
        assertThat(key.rowId(2)).isEqualTo("r1:7:3:2");
    }
}
