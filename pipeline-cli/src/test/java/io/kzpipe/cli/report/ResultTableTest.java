package io.kzpipe.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultTableTest {

    @Test
    void rendersLikePrettyCompactWithNumbersOnTheRight() {
        ResultTable t = new ResultTable(List.of("question", "answers", "average"),
                List.of("String", "UInt64", "Nullable(Float64)"),
                List.of(List.of("Quantity", "4", "10.75"), Arrays.asList("Größe", "12", null)), 2);

        assertThat(t.render()).containsExactly("┌─question─┬─answers─┬─average─┐", "│ Quantity │       4 │   10.75 │",
                "│ Größe    │      12 │    NULL │", "└──────────┴─────────┴─────────┘");
        assertThat(t.moreRows()).isZero();
    }

    @Test
    void noRowsNoLines() {
        assertThat(new ResultTable(List.of("a"), List.of("String"), List.of(), 0).render()).isEmpty();
    }

    @Test
    void controlCharactersBecomeSpacesAndLongValuesAreCut() {
        ResultTable t = new ResultTable(List.of("v"), List.of("String"),
                List.of(List.of("a\nb\tc"), List.of("x".repeat(100))), 7);

        List<String> lines = t.render();
        assertThat(lines.get(1)).startsWith("│ a b c ");
        assertThat(lines.get(2)).isEqualTo("│ " + "x".repeat(ResultTable.MAX_WIDTH - 1) + "… │");
        assertThat(t.moreRows()).isEqualTo(5);
    }

    @Test
    void tsvFieldsAreUnescaped() {
        assertThat(ResultTable.parseTsvLine("a\\tb\t\\N\tit\\'s\tback\\\\slash\tline\\nbreak\t"))
                .containsExactly("a\tb", null, "it's", "back\\slash", "line\nbreak", "");
    }
}
