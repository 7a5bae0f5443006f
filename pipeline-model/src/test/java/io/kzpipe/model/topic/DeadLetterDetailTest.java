package io.kzpipe.model.topic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeadLetterDetailTest {

    @Test
    void aLongDetailIsCutWithAnEllipsisAndAShortOneKept() {
        assertThat(DeadLetterDetail.shorten("short")).isEqualTo("short");
        assertThat(DeadLetterDetail.shorten("x".repeat(300))).hasSize(300);
        assertThat(DeadLetterDetail.shorten("x".repeat(301))).isEqualTo("x".repeat(300) + "…");
    }

    @Test
    void aSurrogatePairIsNeverCutInHalf() {
        String detail = "x".repeat(299) + "😀" + "tail";

        assertThat(DeadLetterDetail.shorten(detail)).isEqualTo("x".repeat(299) + "…");
    }
}
