package io.kzpipe.cli.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GrafanaMacrosTest {

    private static final Instant FROM = Instant.ofEpochSecond(100);
    private static final Instant TO = Instant.ofEpochSecond(200);
    private static final GrafanaMacros ALL = GrafanaMacros.allSelected(FROM, TO, 30);

    /** Moved from deploy-tests' GrafanaDashboardsTest: every supported macro in one statement. */
    @Test
    void macroExpansionMatchesThePlugin() {
        GrafanaMacros macros = new GrafanaMacros(Instant.ofEpochSecond(100), Instant.ofEpochSecond(200), 30,
                Map.of("group", List.of("g1", "o'k"), "action", List.of("a1")));

        assertThat(macros.expand("SELECT 1 WHERE $__timeFilter(received_at) AND "
                + "$__conditionalAll(group_id IN (${group:singlequote}), $group) AND "
                + "$__conditionalAll(x IN (SELECT y FROM t WHERE p IN (${package:singlequote})), $package) AND "
                + "action_id = '${action}' AND intDiv(toUInt32(t), $__interval_s) > 0"))
                .isEqualTo("SELECT 1 WHERE received_at >= toDateTime(100) AND received_at <= toDateTime(200) AND "
                        + "group_id IN ('g1','o\\'k') AND 1=1 AND action_id = 'a1' AND intDiv(toUInt32(t), 30) > 0");
        assertThatThrownBy(() -> macros.expand("SELECT $__timeInterval(t)")).hasMessageContaining("$__timeInterval");
        assertThatThrownBy(() -> macros.expand("SELECT ${package:singlequote}")).hasMessageContaining("outside");
    }

    @Test
    void timeFilterIsAClosedRangeInEpochSeconds() {
        assertThat(ALL.expand("WHERE $__timeFilter( received_at )"))
                .isEqualTo("WHERE received_at >= toDateTime(100) AND received_at <= toDateTime(200)");
        assertThat(GrafanaMacros.allSelected(Instant.EPOCH, Instant.parse("2026-12-01T00:00:00Z"), 60)
                .expand("$__timeFilter(t)")).isEqualTo("t >= toDateTime(0) AND t <= toDateTime(1796083200)");
    }

    @Test
    void fromTimeAndToTime() {
        assertThat(ALL.expand("SELECT $__fromTime, $__toTime")).isEqualTo("SELECT toDateTime(100), toDateTime(200)");
    }

    @Test
    void intervalSecondsIsAtLeastOne() {
        assertThat(ALL.expand("intDiv(x, $__interval_s) * $__interval_s")).isEqualTo("intDiv(x, 30) * 30");
        assertThat(GrafanaMacros.allSelected(FROM, TO, 0).expand("$__interval_s")).isEqualTo("1");
    }

    @Test
    void conditionalAllIsTrueForAllAndTheConditionForASelection() {
        String sql = "WHERE $__conditionalAll(group_id IN (${group:singlequote}), $group)";

        assertThat(ALL.expand(sql)).isEqualTo("WHERE 1=1");
        assertThat(new GrafanaMacros(FROM, TO, 30, Map.of("group", List.of("north"))).expand(sql))
                .isEqualTo("WHERE group_id IN ('north')");
        assertThat(new GrafanaMacros(FROM, TO, 30, Map.of("group", List.of("north", "south"))).expand(sql))
                .isEqualTo("WHERE group_id IN ('north','south')");
    }

    @Test
    void conditionalAllNestedInsideAnotherIsExpandedInnermostLast() {
        String sql = "$__conditionalAll(a IN (SELECT x FROM t WHERE $__conditionalAll(b = ${b:singlequote}, ${b})), $a)";

        assertThat(new GrafanaMacros(FROM, TO, 30, Map.of("a", List.of("1"))).expand(sql))
                .isEqualTo("a IN (SELECT x FROM t WHERE 1=1)");
        assertThat(new GrafanaMacros(FROM, TO, 30, Map.of("a", List.of("1"), "b", List.of("2"))).expand(sql))
                .isEqualTo("a IN (SELECT x FROM t WHERE b = '2')");
        assertThat(ALL.expand(sql)).isEqualTo("1=1");
    }

    @Test
    void singleQuoteQuotesAndEscapesEachValue() {
        GrafanaMacros macros = new GrafanaMacros(FROM, TO, 30, Map.of("v", List.of("it's", "back\\slash")));

        assertThat(macros.expand("IN (${v:singlequote})")).isEqualTo("IN ('it\\'s','back\\\\slash')");
    }

    @Test
    void plainVariablesAreRawForOneValueAndQuotedForSeveral() {
        assertThat(new GrafanaMacros(FROM, TO, 30, Map.of("v", List.of("x1"))).expand("'$v' = '${v}'"))
                .isEqualTo("'x1' = 'x1'");
        assertThat(new GrafanaMacros(FROM, TO, 30, Map.of("v", List.of("a", "b"))).expand("IN ($v)"))
                .isEqualTo("IN ('a','b')");
    }

    @Test
    void aVariableAtAllOutsideConditionalAllIsRefused() {
        assertThatThrownBy(() -> ALL.expand("WHERE group_id = '$group'")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("$group")
                .hasMessageContaining("outside");
    }

    @ParameterizedTest
    @ValueSource(strings = {"$__timeInterval(t)", "$__timeFilter_ms(t)", "$__fromTime_ms", "$__toTime_ms",
            "$__dateTimeFilter(t)", "$__interval_ms", "$__from", "$__dt(d, t)", "$__unixEpochFilter(t)"})
    void unsupportedMacrosAreRefused(String macro) {
        assertThatThrownBy(() -> ALL.expand("SELECT count() WHERE " + macro))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported macro");
    }

    @Test
    void unsupportedVariableFormatsAndMalformedConditionalAllAreRefused() {
        GrafanaMacros macros = new GrafanaMacros(FROM, TO, 30, Map.of("v", List.of("a")));

        assertThatThrownBy(() -> macros.expand("IN (${v:csv})")).hasMessageContaining("format :csv");
        assertThatThrownBy(() -> ALL.expand("$__conditionalAll(a = 1)"))
                .hasMessageContaining("needs (condition, $variable)");
        assertThatThrownBy(() -> ALL.expand("$__conditionalAll(a = 1, b)")).hasMessageContaining("not a variable");
    }
}
