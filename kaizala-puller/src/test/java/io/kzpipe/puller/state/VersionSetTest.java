package io.kzpipe.puller.state;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VersionSetTest {

    @Test
    void versionsSurviveEncodingAndAddingOneTwiceIsNoChange() {
        VersionSet s = VersionSet.empty();
        assertThat(s.add(42)).isTrue();
        assertThat(s.add(-7)).isTrue();
        assertThat(s.add(Long.MAX_VALUE)).isTrue();
        assertThat(s.add(42)).isFalse();

        VersionSet back = VersionSet.decode(s.encode());

        assertThat(back.size()).isEqualTo(3);
        assertThat(back.contains(42)).isTrue();
        assertThat(back.contains(-7)).isTrue();
        assertThat(back.contains(Long.MAX_VALUE)).isTrue();
        assertThat(back.contains(43)).isFalse();
        assertThat(VersionSet.decode(null).size()).isZero();
        assertThat(VersionSet.decode("").size()).isZero();
    }

    @Test
    void tenThousandVersionsFitInAStateRecord() {
        VersionSet s = VersionSet.empty();
        for (long i = 0; i < 10_000; i++) {
            s.add(i * 0x9E3779B97F4A7C15L);
        }

        assertThat(s.encode().length()).isLessThan(110_000);
    }
}
