package io.kzpipe.model.record;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResponseVersionTest {

    private static final long T = 1_700_000_000_000L;

    @Test
    void theResponseTimeWinsOverTheReceiveTime() {
        assertThat(ResponseVersion.of(false, T, T + 5_000)).isEqualTo(T);
        assertThat(ResponseVersion.of(false, null, T + 5_000)).isEqualTo(T + 5_000);
    }

    @Test
    void anyEditOutranksAnyOriginalAndTheLaterEditWins() {
        long original = ResponseVersion.of(false, T + 60_000, T + 60_000);
        long edit = ResponseVersion.of(true, T, T);
        long laterEdit = ResponseVersion.of(true, T + 1, T);

        assertThat(edit).isGreaterThan(original);
        assertThat(laterEdit).isGreaterThan(edit);
        assertThat(edit - ResponseVersion.UPDATE_BIT).isEqualTo(T);
    }

    @Test
    void theVersionIsANonNegativeLongEvenForOutOfRangeTimes() {
        assertThat(ResponseVersion.of(false, -5L, 0)).isZero();
        assertThat(ResponseVersion.of(true, Long.MAX_VALUE, 0)).isPositive()
                .isEqualTo(ResponseVersion.UPDATE_BIT + ResponseVersion.UPDATE_BIT - 1);
        assertThat(ResponseVersion.of(false, Long.MAX_VALUE, 0)).isLessThan(ResponseVersion.of(true, 0L, 0));
    }
}
