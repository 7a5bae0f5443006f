package io.kzpipe.e2e;

import static io.kzpipe.e2e.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kzpipe.cli.dashboard.Dashboards;
import io.kzpipe.cli.dashboard.GrafanaMacros;
import io.kzpipe.cli.report.Reconcile;
import io.kzpipe.kaizaladouble.Call;
import io.kzpipe.kaizaladouble.DoubleSettings;
import io.kzpipe.kaizaladouble.KaizalaDouble;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the puller ITs share: doubles, waits on ClickHouse, the exactly-once check and the double's call log. */
final class PullerChecks {

    private static final Logger LOG = LoggerFactory.getLogger(PullerChecks.class);
    static final Duration LANDED = Duration.ofMinutes(2);
    /** The puller's budget lifted (the double's too, see {@link #unlimitedDouble()}). */
    static final Map<String, String> LIFTED = Map.of("PULLER_CALLS_PER_MINUTE", "100000");

    private PullerChecks() {}

    /** A double without a call budget. */
    static KaizalaDouble unlimitedDouble() {
        return KaizalaDouble.start(DoubleSettings.defaults().withCallsPerMinute(0));
    }

    static long responses(PipelineStack stack, String group) {
        return stack.number("SELECT count() FROM {db}.responses_latest WHERE group_id = '" + group + "'");
    }

    /** Waits until the group's responses_latest holds at least {@code n} rows. */
    static void awaitResponses(PipelineStack stack, String group, long n) {
        await(n + " responses of " + group).atMost(LANDED)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> responses(stack, group), c -> c >= n);
    }

    /**
     * Exactly once: {@code n} responses with {@code n} distinct ids, {@code n} events rows (a pulled response that
     * was new writes one, a copy none), and the double's content ({@link #assertContent}).
     */
    static void assertExactlyOnce(PipelineStack stack, KaizalaDouble d, String group, long n) {
        assertContent(stack, d, group, n);
        assertThat(stack.number("SELECT count() FROM {db}.events_latest WHERE group_id = '" + group + "'"))
                .as("events rows")
                .isEqualTo(n);
    }

    /**
     * {@code n} responses with {@code n} distinct ids in {@code responses_latest}, whose content equals the double's
     * current items (checksum of one line per response; the lines themselves on a mismatch).
     */
    static void assertContent(PipelineStack stack, KaizalaDouble d, String group, long n) {
        String where = " WHERE group_id = '" + group + "'";
        assertThat(stack.rows("SELECT count(), uniqExact(response_id) FROM {db}.responses_latest" + where))
                .containsExactly(row(Long.toString(n), Long.toString(n)));
        d.callsPerMinute(0);
        List<String> expected = PulledContent.fromItems(DoubleClient.of(d).items(group));
        List<String> actual = PulledContent.fromClickHouse(stack, group);
        assertThat(expected).hasSize((int) n);
        String checksum = PulledContent.checksum(actual);
        if (!PulledContent.checksum(expected).equals(checksum)) {
            assertThat(actual).as("content of the _latest views").containsExactlyElementsOf(expected);
        }
        LOG.info("{}: {} responses once, content checksum {}", group, n, checksum);
    }

    /**
     * The ledger (the *Ledger by minute* panel's SQL, as {@code ./pipeline reconcile} runs it) summed over
     * {@code [from, to]}: accepted, typed, duplicates, unbalanced, minutes not balanced (pending included).
     */
    static String ledgerTotals(PipelineStack stack, Instant from, Instant to) {
        Path dashboard = Dashboards.repositoryDirectory().resolve("pipeline-health.json");
        String ledger = GrafanaMacros.allSelected(from, to, 60)
                .expand(Reconcile.ledgerSql(Dashboards.load(dashboard)))
                .replace("kaizala.", "{db}.");
        return stack.rows("SELECT sum(accepted), sum(typed), sum(duplicates), sum(unbalanced),"
                + " countIf(status != 'balanced') FROM (" + ledger + ")").get(0);
    }

    /** The double's calls answered {@code status} whose path matches. */
    static List<Call> calls(KaizalaDouble d, int status, Predicate<String> path) {
        return d.calls().stream().filter(c -> c.status() == status && path.test(c.path())).toList();
    }

    /** An action's detail call ({@code .../groups/{g}/actions/{actionId}}). */
    static boolean isDetail(String path) {
        return path.contains("/actions/");
    }

    /** A list call ({@code .../groups/{g}/actions}). */
    static boolean isList(String path) {
        return path.endsWith("/actions");
    }
}
