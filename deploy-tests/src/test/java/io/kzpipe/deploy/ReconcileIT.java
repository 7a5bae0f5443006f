package io.kzpipe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.kzpipe.cli.report.Reconcile;
import io.kzpipe.testkit.ClickHouseExtension;
import io.kzpipe.testkit.TestClickHouse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code ./pipeline reconcile} ({@link Reconcile}, in-process) on the dashboard file of the deploy tree against a real
 * ClickHouse with the sink's DDL and {@code ledger-dataset/} (LedgerQueriesIT derives its minutes): what it prints and
 * its exit status for a balanced range, an unbalanced one, wrong arguments and a database without the tables.
 */
@ExtendWith(ClickHouseExtension.class)
class ReconcileIT {

    private static final String DASHBOARD = DeployTree.DASHBOARDS.resolve("pipeline-health.json").toString();
    private static String db;

    @BeforeAll
    static void schemaAndDataset(TestClickHouse ch) {
        db = DashboardDataset.load(ch, "kz_reconcile", "ledger-dataset");
    }

    @Test
    void unbalancedMinutesOlderThanTheLagAllowanceAreListedAndExitOne(TestClickHouse ch) {
        Run run = reconcile(ch, db, "2026-11-20T10:10:00Z", "--since", "2026-11-20T10:00:00Z", DASHBOARD);

        assertThat(run.status).as(run.err).isEqualTo(Reconcile.UNBALANCED);
        assertThat(run.out).startsWith("Ledger of database " + db + " at " + ch.httpUrl()
                + ", gateway receive time 2026-11-20T10:00:00Z .. 2026-11-20T10:10:00Z (UTC), per minute\n");
        assertThat(run.out)
                .containsPattern("┌─minute─+┬─accepted─┬─typed─┬─duplicates─┬─dead_gateway─┬─dead_processor─┬"
                        + "─recovered─┬─unbalanced─┬─status─+┐");
        assertThat(run.rows()).containsExactly(
                List.of("2026-11-20 10:00:00", "4", "1", "1", "1", "1", "1", "0", "balanced"),
                List.of("2026-11-20 10:01:00", "1", "0", "0", "0", "0", "0", "1", "UNBALANCED"),
                List.of("2026-11-20 10:02:00", "2", "1", "0", "0", "0", "0", "1", "UNBALANCED"),
                List.of("2026-11-20 10:03:00", "1", "0", "0", "0", "0", "0", "1", "UNBALANCED"),
                List.of("2026-11-20 10:07:00", "1", "0", "0", "0", "0", "0", "1", "pending"));
        assertThat(run.out).contains("5 minutes: 1 balanced, 3 unbalanced, 1 pending");
        assertThat(run.err)
                .contains("unbalanced minutes: 2026-11-20 10:01:00, 2026-11-20 10:02:00, 2026-11-20 10:03:00");
    }

    @Test
    void aRangeWhoseOldMinutesBalanceExitsZeroWhileYoungOnesArePending(TestClickHouse ch) {
        // now = 10:06:00: 10:00 is older than the allowance (balanced), 10:01 .. 10:03 are still pending
        Run run = reconcile(ch, db, "2026-11-20T10:06:00Z", "--since=6m", DASHBOARD);

        assertThat(run.status).as(run.err).isEqualTo(Reconcile.BALANCED);
        assertThat(run.err).isEmpty();
        assertThat(run.out).contains("gateway receive time 2026-11-20T10:00:00Z .. 2026-11-20T10:06:00Z",
                "4 minutes: 1 balanced, 0 unbalanced, 3 pending");
    }

    @Test
    void wrongArgumentsExitTwoAndAnUnreadableLedgerExitsThree(TestClickHouse ch) {
        Run badSince = reconcile(ch, db, "2026-11-20T10:10:00Z", "--since", "yesterday", DASHBOARD);
        Run future = reconcile(ch, db, "2026-11-20T10:10:00Z", "--since", "2026-11-21T00:00:00Z", DASHBOARD);
        Run noTables = reconcile(ch, ch.createDatabase("kz_reconcile_empty"), "2026-11-20T10:10:00Z", DASHBOARD);

        assertThat(badSince.status).isEqualTo(Reconcile.USAGE);
        assertThat(badSince.err).contains("--since takes 30m, 6h, 2d or an instant", "usage: reconcile");
        assertThat(future.status).isEqualTo(Reconcile.USAGE);
        assertThat(future.err).contains("is not in the past");
        assertThat(noTables.status).isEqualTo(Reconcile.FAILED);
        assertThat(noTables.err).contains("the ledger query failed", "DB::Exception");
        assertThat(noTables.out).isEmpty();
    }

    private static Run reconcile(TestClickHouse ch, String database, String now, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = Map.of("CLICKHOUSE_URL", ch.httpUrl(), "CLICKHOUSE_USER", ch.user(),
                "CLICKHOUSE_PASSWORD", ch.password() == null ? "" : ch.password(), "CLICKHOUSE_DATABASE", database);
        int status = Reconcile.run(List.of(args), env, Clock.fixed(Instant.parse(now), ZoneOffset.UTC),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** One run: exit status and what it printed. */
    private record Run(int status, String out, String err) {

        /** The cells of every table row. */
        List<List<String>> rows() {
            List<List<String>> rows = new ArrayList<>();
            out.lines().filter(l -> l.startsWith("│")).forEach(l -> {
                List<String> cells = new ArrayList<>();
                for (String c : l.substring(1).split("│")) {
                    cells.add(c.strip());
                }
                rows.add(cells);
            });
            return rows;
        }
    }
}
